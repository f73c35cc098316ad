"""The appointment term after Appointed: renewal within R-FORM limits, term end, costs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import appointment_lifecycle
from domain.commands import ConfirmReadinessItem, EndTerm, RecordCost, RenewTerm
from domain.errors import RuleViolation
from domain.events import CostKind, TermEndReason, TermRenewed
from domain.posting import Term
from domain.state import AppointmentState, fold_appointment
from domain.values import AppointmentForm
from tests.unit.lifecycle_builders import APPROVER, OFFICER, T0, Campaign, full_campaign

NOW = T0 + timedelta(days=120)


def appointed_state(**term_changes) -> AppointmentState:
    if not term_changes:
        return fold_appointment([full_campaign().events[-1]])
    c = Campaign().posted().with_application("a1").closed_posting().shortlisted("a1")
    c.offer_approved("a1", **term_changes)
    from domain.commands import Appoint, MakeOffer, RecordOfferAccepted

    c.do(MakeOffer(actor=OFFICER, application_id="a1", expires_at=c.now + timedelta(days=7)))
    c.do(
        RecordOfferAccepted(
            actor=OFFICER, application_id="a1", pledge_deadline=c.now + timedelta(days=7)
        )
    )
    if c.state.applications["a1"].pledges is not None:
        c.all_pledges_signed("a1")
    c.do(Appoint(actor=APPROVER, application_id="a1", appointment_id="ap1"))
    return fold_appointment([c.events[-1]])


def refused(state, command, code):
    with pytest.raises(RuleViolation) as err:
        appointment_lifecycle.decide(state, command, NOW)
    assert err.value.code == code, err.value
    return err.value


def test_appointed_event_starts_the_appointment():
    s = appointed_state()
    assert s.status.value == "active" and s.appointment_id == "ap1"
    assert s.term_start == date(2024, 7, 1) and s.term_end == date(2025, 3, 31)
    assert s.appointee_employer == "Example Systems K.K."


def test_renewal_extends_the_term():
    s = appointed_state()
    (e,) = appointment_lifecycle.decide(
        s, RenewTerm(actor=APPROVER, new_end=date(2026, 3, 31)), NOW
    )
    assert (
        isinstance(e, TermRenewed)
        and e.previous_end == date(2025, 3, 31)
        and e.new_end == date(2026, 3, 31)
    )
    assert fold_appointment([e], s).term_end == date(2026, 3, 31)


def test_renewal_needs_an_approver_and_a_later_end():
    s = appointed_state()
    refused(s, RenewTerm(actor=OFFICER, new_end=date(2026, 3, 31)), "AUTH-ROLE")
    refused(s, RenewTerm(actor=APPROVER, new_end=date(2025, 3, 31)), "STATE-RENEWAL-NOT-LATER")


def test_R_FORM_1_renewal_beyond_five_years_of_a_fixed_term_appointment_is_refused():
    s = appointed_state(
        form=AppointmentForm.specific_fixed_term,
        term=Term(start=date(2024, 7, 1), end=date(2027, 6, 30)),
    )
    assert s.terms.form is AppointmentForm.specific_fixed_term
    (ok,) = appointment_lifecycle.decide(
        s, RenewTerm(actor=APPROVER, new_end=date(2029, 6, 30)), NOW
    )
    assert ok.new_end == date(2029, 6, 30)  # exactly five years, last day inclusive
    err = refused(s, RenewTerm(actor=APPROVER, new_end=date(2029, 7, 1)), "R-FORM-1")
    assert err.field == "new_end"


def test_term_end_closes_the_appointment():
    s = appointed_state()
    refused(
        s,
        EndTerm(actor=OFFICER, ended_on=date(2024, 6, 30), reason=TermEndReason.resigned),
        "STATE-END-BEFORE-START",
    )
    new = appointment_lifecycle.decide(
        s, EndTerm(actor=OFFICER, ended_on=date(2025, 3, 31), reason=TermEndReason.expired), NOW
    )
    ended = fold_appointment(new, s)
    assert ended.status.value == "ended"
    refused(ended, RenewTerm(actor=APPROVER, new_end=date(2026, 3, 31)), "STATE-TERM-ENDED")
    refused(ended, ConfirmReadinessItem(actor=OFFICER, item=6, note="x"), "STATE-TERM-ENDED")


def test_appointment_costs_are_recorded_by_fiscal_year():
    s = appointed_state()
    (e,) = appointment_lifecycle.decide(
        s,
        RecordCost(
            actor=OFFICER,
            cost_id="p1",
            cost_kind=CostKind.remuneration,
            amount_yen=300_000,
            paid_on=date(2025, 3, 31),
        ),
        datetime(2025, 4, 10, tzinfo=UTC),  # recorded once paid
    )
    assert e.fiscal_year == 2024 and e.category.value == "appointment"
    s = fold_appointment([e], s)
    refused(
        s,
        RecordCost(
            actor=OFFICER,
            cost_id="p1",
            cost_kind=CostKind.remuneration,
            amount_yen=1,
            paid_on=date(2025, 4, 1),
        ),
        "STATE-COST-EXISTS",
    )
    refused(
        s,
        RecordCost(
            actor=OFFICER,
            cost_id="f1",
            cost_kind=CostKind.agency_fee,
            amount_yen=1,
            paid_on=date(2025, 4, 1),
        ),
        "STATE-COST-KIND",
    )


def test_R_SUB_6_a_payment_or_pledge_dated_in_the_future_is_refused():
    """Issue 11 point 4: a payment/pledge is recorded once made (accepted before the fix)."""
    from domain.admission import admit
    from domain.commands import SignPledge

    future = (NOW + timedelta(days=2)).date()
    with pytest.raises(RuleViolation) as err:
        admit(RecordCost(actor=OFFICER, cost_id="p9", cost_kind=CostKind.remuneration,
                         amount_yen=1, paid_on=future), NOW)
    assert (err.value.code, err.value.field) == ("R-SUB-6", "paid_on")
    admit(RecordCost(actor=OFFICER, cost_id="p9", cost_kind=CostKind.remuneration,
                     amount_yen=1, paid_on=NOW.date()), NOW)  # today is fine
    with pytest.raises(RuleViolation) as err:
        admit(SignPledge(actor=OFFICER, application_id="a1", items=("confidentiality",),
                         signed_on=future), NOW)
    assert (err.value.code, err.value.field) == ("R-PLEDGE-3", "signed_on")


def test_R_SUB_6_accrual_date_decides_a_recorded_costs_fiscal_year():
    """Issue 11 point 15: March's remuneration paid in April counts in March's year."""
    s = appointed_state()
    (e,) = appointment_lifecycle.decide(s, RecordCost(
        actor=OFFICER, cost_id="p3", cost_kind=CostKind.remuneration, amount_yen=300_000,
        paid_on=date(2025, 4, 10), accrual_date=date(2025, 3, 31)),
        datetime(2025, 4, 11, tzinfo=UTC))
    assert (e.fiscal_year, e.accrual_date) == (2024, date(2025, 3, 31))


def test_no_appointment_no_commands():
    refused(
        AppointmentState(),
        RenewTerm(actor=APPROVER, new_end=date(2026, 3, 31)),
        "STATE-NO-APPOINTMENT",
    )
