"""Value types shared across the rules: municipality, yen, appointment forms."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

Yen = int  # money is always whole yen (R-SUB-8)


class Frozen(BaseModel):
    """Base for immutable, strict-by-shape values: unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class MunicipalityKind(StrEnum):
    city = "city"  # 市
    town = "town"  # 町
    village = "village"  # 村
    special_ward = "special_ward"  # 特別区
    prefecture = "prefecture"  # 都道府県


class Municipality(Frozen):
    name: str = Field(min_length=1)
    kind: MunicipalityKind
    prefecture: str = Field(min_length=1)
    population: int = Field(ge=0)
    # 全国地方公共団体コード (6 digits with check digit); optional in assessments
    code: str | None = Field(default=None, pattern=r"^\d{6}$")


class AppointmentForm(StrEnum):
    specific_fixed_term = "specific_fixed_term"  # 特定任期付職員 (R-FORM-1)
    special_part_time = "special_part_time"  # 特別職非常勤職員 (R-FORM-2)
    outsourcing = "outsourcing"  # 業務委託 (R-FORM-3)
    enterprise_dispatch = "enterprise_dispatch"  # 地域活性化起業人 (R-FORM-4)
