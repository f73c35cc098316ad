"""A finding of a rule check (violation, warning or reason), and calendar helpers.

Assessors return findings instead of raising, so one run reports every problem at once;
each finding names its rule ID (``R-FORM-5`` ...) and, when there is one, the input field.
"""

from __future__ import annotations

import calendar
from datetime import MAXYEAR, MINYEAR, date
from typing import Any

from domain.values import Frozen


class Finding(Frozen):
    code: str
    message: str
    field: str | None = None

    def to_dict(self, *, always_field: bool = True) -> dict[str, Any]:
        """``{"code", "message", "field"}``; without ``field`` when it is None and not asked for."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if always_field or self.field is not None:
            out["field"] = self.field
        return out


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (Feb 29 -> 28).

    Saturates at ``date.min`` / ``date.max`` instead of overflowing, so a rule comparing
    against "2 years after 9999-12-31" still answers (and never with a 500 error).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year < MINYEAR:
        return date.min
    if year > MAXYEAR:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def last_day_of_span(start: date, *, years: int = 0, months: int = 0) -> date:
    """Last day (inclusive) of a span starting on ``start`` (民法143条, ``fiscal.period_end``):
    5 years from 2024-04-01 end 2029-03-31, from 2024-02-29 on 2029-02-28."""
    from domain.fiscal import period_end

    return period_end(start, years=years, months=months)


def days_inclusive(start: date, end: date) -> int:
    return (end - start).days + 1


def yen(amount: int) -> str:
    """``300,000 yen``."""
    return f"{amount:,} yen"
