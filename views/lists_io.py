"""Campaigns and their applicants as spreadsheet rows (issue 15), folded from the log with
the domain's own folds (``views.records``).

Applicants carry personal data (name, contact): only a caller who may read it
(``personal=True``: the officer and the auditor, R-SCR-3) gets those columns; anyone else
gets the same sheet without them — ids, dates, statuses and rule codes only.
"""

from __future__ import annotations

from typing import Any

from domain import i18n, streams
from views.records import campaign_state
from views.tabular import Column, Sheet

CAMPAIGN_COLUMNS = [
    Column("募集ID", width=16),
    Column("職名", width=20),
    Column("人材像", width=16),
    Column("任用形態", width=18),
    Column("段階", width=14),
    Column("応募締切（和暦）", "date_reiwa", width=18),
    Column("応募締切", "date", width=12),
    Column("応募者数", "int", width=10),
    Column("任用ID", width=16),
]
APPLICANT_COLUMNS = [
    Column("応募ID", width=14),
    Column("受付日（和暦）", "date_reiwa", width=18),
    Column("受付日", "date", width=12),
    Column("状況", width=12),
    Column("書類選考", width=12),
    Column("不採用理由", width=20),
]
PERSONAL_COLUMNS = [Column("氏名", width=16), Column("メール", width=24), Column("電話", width=16)]


def _label(kind: str, value: Any) -> str:
    if value is None:
        return ""
    return i18n.label(kind, getattr(value, "value", value))


def _jst_date(instant: Any) -> Any:
    return i18n.to_jst(instant).date() if instant is not None else None


async def campaign_ids(store: Any, municipality: str) -> list[str]:
    """The campaign stream ids of a municipality, oldest first."""
    seen: dict[str, None] = {}
    for e in await store.read_category(streams.campaigns_of(municipality)):
        seen.setdefault(e.stream_id, None)
    return list(seen)


async def campaigns_sheet(store: Any, municipality: str) -> Sheet:
    rows = []
    for stream_id in await campaign_ids(store, municipality):
        s = await campaign_state(store, stream_id)
        if s is None:
            continue
        role = s.role
        deadline = _jst_date(s.deadline)
        rows.append(
            [
                s.campaign_id or streams.last_part(stream_id),
                role.title if role else "",
                _label("persona", role.persona if role else None),
                _label("form", role.form if role else None),
                _label("stage", s.stage),
                deadline,
                deadline,
                len(s.applications),
                s.appointment_id or "",
            ]
        )
    return Sheet("募集", CAMPAIGN_COLUMNS, rows)


async def applicants_sheet(
    store: Any, municipality: str, campaign_id: str, *, personal: bool
) -> Sheet | None:
    """None when the campaign has no events (unknown)."""
    s = await campaign_state(store, streams.campaign(municipality, campaign_id))
    if s is None:
        return None
    rows = []
    for a in s.applications.values():
        received = _jst_date(a.received_at)
        row: list[Any] = [
            a.application_id,
            received,
            received,
            _label("application_status", a.status),
            _label("screening_outcome", a.screening_outcome),
            _label("reason", a.rejection_code),
        ]
        if personal:
            contact = a.contact
            row += [
                a.name or "",
                (contact.email if contact else None) or "",
                (contact.phone if contact else None) or "",
            ]
        rows.append(row)
    columns = APPLICANT_COLUMNS + (PERSONAL_COLUMNS if personal else [])
    return Sheet(f"応募者_{campaign_id}", columns, rows)


def sheet_json(sheet: Sheet) -> dict[str, Any]:
    return {"columns": [c.header for c in sheet.columns], "rows": list(sheet.rows)}
