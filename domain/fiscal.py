"""Fiscal years (会計年度) and Japan time — R-SUB-6.

A fiscal year runs April 1 to March 31 and is named by the Gregorian year in which it
starts (FY2023 = 2023-04-01..2024-03-31). Reiwa year N = fiscal year 2018 + N
(令和5年度 = FY2023). "Today" is a Japan-time date; callers convert instants with
:func:`japan_date` and pass the result in — nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta, timezone

JST = timezone(timedelta(hours=9), "Asia/Tokyo")  # Japan has no DST: a fixed offset is exact

REIWA_OFFSET = 2018


def japan_date(instant: datetime) -> date:
    """The calendar date in Japan of a timezone-aware instant."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(JST).date()


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A Japanese fiscal year, named by the Gregorian year it starts in (R-SUB-6)."""

    year: int

    @classmethod
    def of(cls, day: date) -> FiscalYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def from_reiwa(cls, n: int) -> FiscalYear:
        if n < 1:
            raise ValueError("Reiwa years start at 1 (令和元年 = 2019)")
        return cls(REIWA_OFFSET + n)

    @property
    def start(self) -> date:
        return date(self.year, 4, 1)

    @property
    def end(self) -> date:
        """Last day, inclusive (March 31 of the next calendar year)."""
        return date(self.year + 1, 3, 31)

    @property
    def reiwa(self) -> int:
        return self.year - REIWA_OFFSET

    @property
    def label(self) -> str:
        """Japanese label, e.g. ``令和5年度``; 令和元年度 for FY2019."""
        n = self.reiwa
        if n < 1:
            return f"{self.year}年度"
        return "令和元年度" if n == 1 else f"令和{n}年度"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> FiscalYear:
        return FiscalYear(self.year + 1)

    def __str__(self) -> str:
        return f"FY{self.year} ({self.label})"


def fiscal_year_of(day: date) -> int:
    """Gregorian start year of the fiscal year containing ``day`` (R-SUB-6)."""
    return FiscalYear.of(day).year


# ---------------------------------------------------------------- periods (民法140条・143条)


def _month_shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    y, m = divmod(index, 12)
    return y, m + 1


def period_end(first_day: date, *, years: int = 0, months: int = 0) -> date:
    """Last day (inclusive) of a period of ``years``/``months`` whose first day is ``first_day``.

    民法143条2項: the period ends on the day before the day of the last month that
    corresponds to the first day; when that month has no such day (a period from Feb 29
    ending in a common year, from the 31st ending in a 30-day month) it ends on that
    month's last day. So 5 years from 2024-04-01 end 2029-03-31, from 2024-02-29 on
    2029-02-28, one month from 2024-01-31 on 2024-02-29. Saturates at ``date.min`` /
    ``date.max`` (a rule about "2 years after 9999-12-31" still answers).
    """
    y, m = _month_shift(first_day.year, first_day.month, 12 * years + months)
    if y < MINYEAR:
        return date.min
    if y > MAXYEAR:
        return date.max
    last = calendar.monthrange(y, m)[1]
    if first_day.day > last:  # no corresponding day: the month's last day (ただし書)
        return date(y, m, last)
    corresponding = date(y, m, first_day.day)
    return corresponding - timedelta(days=1) if corresponding > date.min else date.min


def period_after(day: date, *, years: int = 0, months: int = 0) -> date:
    """Last day of a period of ``years``/``months`` "after" ``day``.

    民法140条: the first day is not counted, so the period begins on ``day + 1``:
    2 years after 2023-03-31 run through 2025-03-31; after 2024-02-29 through 2026-02-28;
    after 2022-02-28 through 2024-02-29.
    """
    if day >= date.max:
        return date.max
    return period_end(day + timedelta(days=1), years=years, months=months)


# ---------------------------------------------------------------- "as of" (an instant to ask at)


AS_OF_EXAMPLES = ("2026-11-30", "2026-11-30T12:00:00+09:00", "2026-11-30T03:00:00Z")


def as_of_or_refuse(value: str, field: str = "at") -> datetime:
    """``parse_as_of`` for the doors: a bad value is an ``invalid_input`` refusal whose
    Japanese message shows the accepted forms (catalogue ``as_of_format``)."""
    from domain import i18n
    from domain.errors import RuleViolation

    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise RuleViolation("invalid_input", f"{field}: {exc}", field,
                            params={"detail": i18n.message("as_of_format")}) from None


def parse_as_of(value: str) -> datetime:
    """What "as of" accepts: a plain date (the END of that day in Japan time, i.e. the
    instant the next day begins in JST) or an ISO 8601 instant with a zone (``Z`` or
    ``+09:00``; a ``+`` that arrived as a space from an unencoded query string is
    restored). Anything else raises ``ValueError`` naming an accepted form."""
    text = value.strip()
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=JST)
    if " " in text and "T" in text:  # "…T12:00:00 09:00": an unencoded '+' became a space
        head, _, tail = text.rpartition(" ")
        if tail[:2].isdigit():
            text = f"{head}+{tail}"
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{value!r} is neither a date nor an instant; use e.g. "
            + " or ".join(AS_OF_EXAMPLES)
        ) from None
    if instant.tzinfo is None:
        raise ValueError(
            f"{value!r} has no timezone; use e.g. {AS_OF_EXAMPLES[1]} or a plain date "
            f"{AS_OF_EXAMPLES[0]} (end of that day, Japan time)"
        )
    return instant
