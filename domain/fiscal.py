"""Fiscal years (会計年度) and Japan time — R-SUB-6.

A fiscal year runs April 1 to March 31 and is named by the Gregorian year in which it
starts (FY2023 = 2023-04-01..2024-03-31). Reiwa year N = fiscal year 2018 + N
(令和5年度 = FY2023). "Today" is a Japan-time date; callers convert instants with
:func:`japan_date` and pass the result in — nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

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
