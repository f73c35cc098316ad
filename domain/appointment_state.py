"""Fold of an appointment's events (the term after ``Appointed``): ``apply_appointment`` /
``fold_appointment``, pure and incremental like the campaign fold in ``domain.state``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from domain.events import (
    Appointed,
    CostCategory,
    DomainEvent,
    OfferTerms,
    ReadinessItemConfirmed,
    TermEnded,
    TermEndReason,
    TermRenewed,
)
from domain.folding import CostEntry, apply_bookkeeping, draft_fold, freeze, own
from domain.values import Frozen, Municipality


class AppointmentStatus(StrEnum):
    none = "none"  # no event yet
    active = "active"
    ended = "ended"


class AppointmentState(Frozen):
    status: AppointmentStatus = AppointmentStatus.none
    version: int = 0
    appointment_id: str | None = None
    campaign_id: str | None = None
    application_id: str | None = None
    municipality: Municipality | None = None
    appointee_id: str | None = None
    appointee_name: str | None = None
    appointee_employer: str | None = None
    appointee_for_profit: bool = False
    persona: str | None = None
    terms: OfferTerms | None = None
    term_start: date | None = None
    term_end: date | None = None  # current end, inclusive (after renewals)
    renewals: int = 0
    pledges_signed: tuple[str, ...] = ()
    readiness: dict[int, str] = {}
    activity_reviews: tuple[datetime, ...] = ()  # R-READY item 6 (recurring)
    costs: dict[str, CostEntry] = {}
    reminders: dict[str, datetime] = {}
    ended_on: date | None = None
    end_reason: TermEndReason | None = None

    def cost_by_fiscal_year(self, category: CostCategory | None = None) -> dict[int, int]:
        out: dict[int, int] = {}
        for c in self.costs.values():
            if category is None or c.category is category:
                out[c.fiscal_year] = out.get(c.fiscal_year, 0) + c.amount_yen
        return out


def apply_appointment(s: AppointmentState, e: DomainEvent) -> AppointmentState:
    return fold_appointment((e,), s)


def _apply_appointment(f: dict, owned: set[str], e: DomainEvent) -> None:
    """Apply ``e`` to the draft ``f`` (see "folding" above)."""
    match e:
        case Appointed():
            f.update(
                status=AppointmentStatus.active,
                appointment_id=e.appointment_id,
                campaign_id=e.campaign_id,
                application_id=e.application_id,
                municipality=e.municipality,
                appointee_id=e.appointee_id,
                appointee_name=e.appointee_name,
                appointee_employer=e.appointee_employer,
                appointee_for_profit=e.appointee_for_profit,
                persona=e.persona,
                terms=e.terms,
                term_start=e.terms.term.start,
                term_end=e.terms.term.end,
                pledges_signed=e.pledges_signed,
            )
            readiness = own(f, owned, "readiness")
            for i in e.readiness_confirmed:
                if i not in readiness:
                    readiness[i] = "confirmed before appointment"
        case ReadinessItemConfirmed():
            own(f, owned, "readiness")[e.item] = e.note
            if e.item == 6:
                f["activity_reviews"] = f["activity_reviews"] + (e.at,)
        case TermRenewed():
            f["term_end"] = e.new_end
            f["renewals"] += 1
        case TermEnded():
            f["status"] = AppointmentStatus.ended
            f["ended_on"] = e.ended_on
            f["end_reason"] = e.reason
        case _:  # costs, reminders
            apply_bookkeeping(f, owned, e)


def fold_appointment(
    events: Iterable[DomainEvent], state: AppointmentState | None = None
) -> AppointmentState:
    s = state if state is not None else AppointmentState()
    f, n = draft_fold(s, events, _apply_appointment)
    return freeze(s, f, n) if n else s
