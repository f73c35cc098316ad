"""Fold: the same state however the events are batched; a campaign's merged streams."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import appointment_lifecycle
from domain.commands import ConfirmReadinessItem, EndTerm, RecordCost, RenewTerm
from domain.events import CostCategory, CostKind, TermEndReason
from domain.state import (
    AppointmentStatus,
    OfferStatus,
    RecruitmentState,
    Stage,
    apply_recruitment,
    fold_appointment,
    fold_recruitment,
)
from tests.unit.lifecycle_builders import APPROVER, OFFICER, T0, full_campaign
from tests.unit.test_events import every_kind_of_event

CAMPAIGN = full_campaign().events
MIXED = every_kind_of_event()


def appointment_events():
    s = fold_appointment([CAMPAIGN[-1]])
    events = [CAMPAIGN[-1]]
    for cmd in (
        ConfirmReadinessItem(actor=OFFICER, item=6, note="四半期の活動レビュー"),
        RecordCost(
            actor=OFFICER,
            cost_id="p1",
            cost_kind=CostKind.remuneration,
            amount_yen=300_000,
            paid_on=date(2024, 7, 31),
        ),
        RecordCost(
            actor=OFFICER,
            cost_id="p2",
            cost_kind=CostKind.term_end_allowance,
            amount_yen=100_000,
            paid_on=date(2025, 6, 30),
        ),
        RenewTerm(actor=APPROVER, new_end=date(2026, 3, 31)),
        EndTerm(actor=OFFICER, ended_on=date(2026, 3, 31), reason=TermEndReason.expired),
    ):
        when = T0 + timedelta(days=90)
        if isinstance(cmd, RecordCost):  # a payment is recorded once made (issue 11 point 4)
            when = max(when, datetime.combine(cmd.paid_on, time(12), tzinfo=UTC))
        new = appointment_lifecycle.decide(s, cmd, when)
        events += new
        s = fold_appointment(new, s)
    return events


APPOINTMENT = appointment_events()


def batches(events, cuts):
    points = sorted({c % (len(events) + 1) for c in cuts})
    out, prev = [], 0
    for p in [*points, len(events)]:
        out.append(events[prev:p])
        prev = p
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=500), max_size=12),
    st.sampled_from(["campaign", "mixed"]),
)
def test_fold_recruitment_is_the_same_however_batched(cuts, which):
    events = CAMPAIGN if which == "campaign" else MIXED
    whole = fold_recruitment(events)
    state = RecruitmentState()
    for batch in batches(events, cuts):
        state = fold_recruitment(batch, state)
    assert state == whole
    assert state.version == len(events)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100), max_size=6))
def test_fold_appointment_is_the_same_however_batched(cuts):
    whole = fold_appointment(APPOINTMENT)
    state = None
    for batch in batches(APPOINTMENT, cuts):
        state = fold_appointment(batch, state)
    assert state == whole


def test_fold_of_a_full_campaign():
    s = fold_recruitment(CAMPAIGN)
    assert s.stage is Stage.appointed
    assert s.campaign_id == "c1" and s.municipality.code == "062049"
    assert s.applications["a1"].offer.status is OfferStatus.accepted
    assert s.applications["a1"].pledges.unsigned == ()
    assert s.applications["a2"].status.value == "received"
    assert s.live_offer == "a1"


def test_stage_follows_the_campaign_step_by_step():
    stages = []
    s = RecruitmentState()
    for e in CAMPAIGN:
        s = apply_recruitment(s, e)
        stages.append(s.stage.value)
    seen = list(dict.fromkeys(stages))
    assert seen == [
        "draft",
        "awaiting_approval",
        "approved",
        "posted",
        "screening",
        "interviewing",
        "offering",
        "awaiting_pledges",
        "appointed",
    ]


def test_fold_appointment_tracks_term_costs_and_reviews():
    s = fold_appointment(APPOINTMENT)
    assert s.status is AppointmentStatus.ended and s.end_reason is TermEndReason.expired
    assert s.term_start == date(2024, 7, 1) and s.term_end == date(2026, 3, 31) and s.renewals == 1
    assert s.cost_by_fiscal_year(CostCategory.appointment) == {2024: 300_000, 2025: 100_000}
    assert len(s.activity_reviews) == 1 and 6 in s.readiness


def test_term_events_do_not_change_a_campaign():
    term_events = [e for e in APPOINTMENT if e.type in ("TermRenewed", "TermEnded")]
    assert len(term_events) == 2
    assert fold_recruitment(term_events) == RecruitmentState(version=2)
