"""Value types shared across the rules: municipality, yen, appointment forms."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    # 指定都市 (turn 2): a city designated by cabinet order; the digital expert dispatch
    # scheme is for 市町村（指定都市除く）(R-FORM-4)
    designated_city: bool = False

    @model_validator(mode="after")
    def _designated_only_cities(self) -> Municipality:
        if self.designated_city and self.kind is not MunicipalityKind.city:
            raise ValueError("designated_city: only a city (kind 'city') can be a 指定都市")
        return self


class AppointmentForm(StrEnum):
    specific_fixed_term = "specific_fixed_term"  # 特定任期付職員 (R-FORM-1)
    special_part_time = "special_part_time"  # 特別職非常勤職員 (R-FORM-2)
    outsourcing = "outsourcing"  # 業務委託 (R-FORM-3)
    enterprise_dispatch = "enterprise_dispatch"  # 地域活性化起業人 (R-FORM-4)
