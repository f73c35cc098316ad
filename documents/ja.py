"""Japanese formatting for the documents: the shared interface ``domain.i18n`` (labels,
令和 dates, JST times, deadlines, yen), plus the JST calendar day of an instant."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.i18n import (
    format_date,
    format_datetime,
    format_deadline,
    format_yen,
    label,
    reiwa_year,
    to_jst,
)


def jst_date(instant: datetime) -> date:
    return to_jst(instant if instant.tzinfo else instant.replace(tzinfo=UTC)).date()


__all__ = [
    "format_date", "format_datetime", "format_deadline", "format_yen", "jst_date", "label",
    "reiwa_year",
]
