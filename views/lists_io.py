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


APPOINTMENT_COLUMNS = [
    Column("任用ID", width=16),
    Column("募集ID", width=16),
    Column("人材像", width=16),
    Column("状況", width=12),
    Column("任期開始（和暦）", "date_reiwa", width=18),
    Column("任期開始", "date", width=12),
    Column("任期終了（和暦）", "date_reiwa", width=18),
    Column("任期終了", "date", width=12),
    Column("更新回数", "int", width=10),
    Column("経費合計", "yen", width=14),
    Column("終了日", "date", width=12),
    Column("終了理由", width=16),
]
APPOINTEE_COLUMNS = [Column("氏名", width=16), Column("所属", width=20)]
CLAIM_COLUMNS = [
    Column("年度", width=12),
    Column("段階", width=12),
    Column("請求額", "yen", width=14),
    Column("交付決定額", "yen", width=14),
]


def _by_stream(events: list) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for e in events:
        grouped.setdefault(e.stream_id, []).append(e)
    return grouped


async def appointments_sheet(store: Any, municipality: str, *, personal: bool) -> Sheet:
    """A municipality's appointments; the appointee's name and employer only when
    ``personal``."""
    from views.records import fold

    rows = []
    recorded = await store.read_category(streams.appointments_of(municipality))
    for stream_id, events in _by_stream(recorded).items():
        s = fold("appointment", events)
        row: list[Any] = [
            s.appointment_id or streams.last_part(stream_id),
            s.campaign_id or "",
            _label("persona", s.persona),
            _label("appointment_status", s.status),
            s.term_start,
            s.term_start,
            s.term_end,
            s.term_end,
            s.renewals,
            sum(c.amount_yen for c in s.costs.values()),
            s.ended_on,
            _label("term_end_reason", s.end_reason),
        ]
        if personal:
            row += [s.appointee_name or "", s.appointee_employer or ""]
        rows.append(row)
    columns = APPOINTMENT_COLUMNS + (APPOINTEE_COLUMNS if personal else [])
    return Sheet("任用", columns, rows)


async def claims_sheet(store: Any, municipality: str) -> Sheet:
    """A municipality's special allocation tax claims, one row per fiscal year."""
    from domain.claim import fold_claim, new_claim
    from domain.events import parse_event

    rows = []
    recorded = await store.read_category(streams.claims_of(municipality))
    for stream_id, events in sorted(_by_stream(recorded).items()):
        fiscal_year = int(streams.last_part(stream_id))
        parsed = [parse_event(e.type, e.data, e.schema_version) for e in events]
        s = fold_claim(parsed, new_claim(municipality, fiscal_year))
        rows.append(
            [
                i18n.reiwa_year(fiscal_year),
                _label("claim_stage", s.stage),
                s.amount_yen,
                s.granted_yen,
            ]
        )
    return Sheet("特別交付税", CLAIM_COLUMNS, rows)
