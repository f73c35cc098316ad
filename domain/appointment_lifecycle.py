"""The appointment term after ``Appointed``: readiness, renewals, costs, term end — and the
bridge from the lifecycle to the assessment rules (``domain.appointment`` R-FORM,
``domain.pledges`` R-PLEDGE) used when an offer is approved and an appointment made.

``decide(state, command, now) -> list[Event]`` is pure; refusals raise ``RuleViolation``
with the rule ID or a ``STATE-...`` code, like ``domain.recruitment.decide``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from domain.appointment import Appointee, check_appointment
from domain.bookkeeping import decide_cost, record_reminder
from domain.commands import (
    AppointmentCommand,
    Command,
    ConfirmReadinessItem,
    EndTerm,
    RecordCost,
    RecordReminder,
    RenewTerm,
)
from domain.errors import RuleViolation
from domain.events import (
    CostCategory,
    DomainEvent,
    OfferTerms,
    PledgeRequirement,
    ReadinessItemConfirmed,
    TermEnded,
    TermRenewed,
)
from domain.findings import Finding
from domain.guards import check_now, dispatch, require_role
from domain.pledges import PledgeItem, pledge_sets
from domain.state import AppointmentState, AppointmentStatus, OfferState
from domain.values import Municipality

ALL_READINESS = (1, 2, 3, 4, 5, 6)

__all__ = [
    "check_before_appointment",
    "check_offer_terms",
    "decide",
    "decide_appointment",
    "pledges_for",
]


# ---------------------------------------------------------------- bridge to the R-FORM / R-PLEDGE rules


def _appointee(for_profit: bool, employer: str | None, terms: OfferTerms) -> Appointee:
    return Appointee(
        for_profit_employer=(employer or None) if for_profit else None,
        advises_on_procurement=terms.advises_on_procurement,
    )


def _raise_first(violations: list[Finding]) -> None:
    if violations:
        v = violations[0]
        field = (
            f"terms.{v.field}"
            if v.field and v.field.split(".")[0] in ("term", "duties", "initiatives")
            else v.field
        )
        raise RuleViolation(v.code, v.message, field)


def check_offer_terms(
    terms: OfferTerms,
    *,
    municipality: Municipality,
    appointee_for_profit: bool,
    appointee_employer: str | None,
) -> list[Finding]:
    """R-FORM (and R-POST-1) on an offer's terms; pledges and readiness come later.

    Raises the first violation (``R-FORM-5`` for a special part-time role with executive
    duties ...); returns the warnings worth keeping on the ``OfferApproved`` event.
    """
    if appointee_for_profit and not (appointee_employer and appointee_employer.strip()):
        raise RuleViolation(
            "R-PLEDGE-2",
            "name the for-profit company the appointee works or long worked for",
            "appointee_employer",
        )
    violations, warnings = check_appointment(
        terms.form,
        terms.term.start,
        terms.term.end,
        [d.model_dump() for d in terms.duties],
        [i.value for i in terms.initiatives],
        _appointee(appointee_for_profit, appointee_employer, terms),
        list(PledgeItem),  # pledges are signed after acceptance: not judged here
        ALL_READINESS,  # readiness is confirmed before the start: not judged here
        municipality,
    )
    _raise_first(violations)
    return [w for w in warnings if not w.code.startswith("R-READY")]


def pledges_for(offer: OfferState) -> tuple[PledgeRequirement, ...]:
    """Pledge items the appointee must sign before appointment, each with its rule (R-PLEDGE-1/2)."""
    out: dict[str, PledgeRequirement] = {}
    for rule, items in pledge_sets(
        offer.terms.form,
        offer.appointee_for_profit and bool(offer.appointee_employer),
        offer.terms.advises_on_procurement,
    ):
        for item in items:
            out.setdefault(item.value, PledgeRequirement(item=item.value, rule=rule))
    return tuple(out.values())


def check_before_appointment(
    offer: OfferState,
    *,
    municipality: Municipality,
    pledges_signed: Iterable[str],
    readiness_confirmed: Iterable[int],
) -> list[Finding]:
    """Every rule about the appointment as it will be made; raises the first violation,
    returns the warnings (readiness items not yet confirmed, R-FORM-1 notes ...)."""
    violations, warnings = check_appointment(
        offer.terms.form,
        offer.terms.term.start,
        offer.terms.term.end,
        [d.model_dump() for d in offer.terms.duties],
        [i.value for i in offer.terms.initiatives],
        _appointee(offer.appointee_for_profit, offer.appointee_employer, offer.terms),
        list(pledges_signed),
        list(readiness_confirmed),
        municipality,
    )
    _raise_first(violations)
    return warnings


# ---------------------------------------------------------------- decide


def _active(state: AppointmentState) -> None:
    if state.status is AppointmentStatus.none:
        raise RuleViolation("STATE-NO-APPOINTMENT", "no appointment has been made", None)
    if state.status is AppointmentStatus.ended:
        raise RuleViolation("STATE-TERM-ENDED", f"the term ended on {state.ended_on}", None)


def confirm_readiness_item(
    state: AppointmentState, command: ConfirmReadinessItem, now: datetime, by: str
) -> list[DomainEvent]:
    _active(state)
    return [ReadinessItemConfirmed(at=now, by=by, item=command.item, note=command.note)]


def renew_term(
    state: AppointmentState, command: RenewTerm, now: datetime, by: str
) -> list[DomainEvent]:
    require_role(command.actor, "approver")
    _active(state)
    assert state.terms is not None and state.term_start and state.term_end
    if command.new_end <= state.term_end:
        raise RuleViolation(
            "STATE-RENEWAL-NOT-LATER",
            f"the new end {command.new_end} must be after the current end {state.term_end}",
            "new_end",
        )
    violations, warnings = check_appointment(
        state.terms.form,
        state.term_start,
        command.new_end,
        [d.model_dump() for d in state.terms.duties],
        [i.value for i in state.terms.initiatives],
        _appointee(state.appointee_for_profit, state.appointee_employer, state.terms),
        list(state.pledges_signed),
        ALL_READINESS,
        state.municipality,
    )
    if violations:
        v = violations[0]
        field = "new_end" if v.field == "term.end" else v.field
        raise RuleViolation(v.code, f"renewal refused: {v.message}", field)
    return [
        TermRenewed(
            at=now,
            by=by,
            appointment_id=state.appointment_id or "",
            previous_end=state.term_end,
            new_end=command.new_end,
            warnings=tuple(w for w in warnings if not w.code.startswith("R-READY")),
        )
    ]


def end_term(
    state: AppointmentState, command: EndTerm, now: datetime, by: str
) -> list[DomainEvent]:
    _active(state)
    assert state.term_start is not None
    if command.ended_on < state.term_start:
        raise RuleViolation(
            "STATE-END-BEFORE-START", "the term cannot end before it starts", "ended_on"
        )
    return [
        TermEnded(
            at=now,
            by=by,
            appointment_id=state.appointment_id or "",
            ended_on=command.ended_on,
            reason=command.reason,
            note=command.note,
        )
    ]


def record_cost(
    state: AppointmentState, command: RecordCost, now: datetime, by: str
) -> list[DomainEvent]:
    if state.status is AppointmentStatus.none:
        raise RuleViolation("STATE-NO-APPOINTMENT", "no appointment has been made", None)
    return decide_cost(
        command,
        now=now,
        by=by,
        category=CostCategory.appointment,
        recorded=state.costs,
        elsewhere="campaign",
    )


Decider = Callable[[AppointmentState, Any, datetime, str], list[DomainEvent]]

DECIDERS: dict[type[Command], Decider] = {
    ConfirmReadinessItem: confirm_readiness_item,
    RenewTerm: renew_term,
    EndTerm: end_term,
    RecordCost: record_cost,
    RecordReminder: record_reminder,
}


def decide(
    state: AppointmentState, command: AppointmentCommand | Command, now: datetime
) -> list[DomainEvent]:
    """The events ``command`` produces on an appointment at ``now``, or a RuleViolation."""
    check_now(now)
    require_role(command.actor, "hr_officer", "approver", "system")
    return dispatch(DECIDERS, state, command, now, "an appointment command")


decide_appointment = decide
