"""Properties of the campaign decide functions under any order of commands: refused
commands change nothing, at most one offer is live, nobody is appointed without every
required pledge, rejected applicants never receive an offer, and the incremental state
equals the fold of all events."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.commands import (
    Appoint,
    CancelCampaign,
    ClosePosting,
    ExpirePledges,
    LapseOffer,
    MakeOffer,
    RecordInterview,
    RecordOfferAccepted,
    RecordOfferDeclined,
    RejectApplicant,
    ScheduleInterview,
    ScreenDocuments,
    ShortlistApplicant,
    SignPledge,
    WithdrawApplication,
)
from domain.errors import RuleViolation
from domain.events import OfferMade, PostingCloseReason
from domain.pledges import PledgeItem
from domain.screening import RejectionReasonCode
from domain.state import ApplicationStatus, fold_recruitment
from tests.unit.lifecycle_builders import APPROVER, OFFICER, SYSTEM, T0, Campaign, good_record

APPS = ("a1", "a2", "a3")


def command(kind: str, app: str, now):
    match kind:
        case "screen":
            return ScreenDocuments(actor=OFFICER, application_id=app)
        case "schedule":
            return ScheduleInterview(
                actor=OFFICER, application_id=app, interview_id=f"iv-{app}", scheduled_at=now
            )
        case "record":
            return RecordInterview(
                actor=OFFICER, application_id=app, interview_id=f"iv-{app}", record=good_record()
            )
        case "shortlist":
            return ShortlistApplicant(actor=OFFICER, application_id=app)
        case "approve_offer":
            from domain.commands import ApproveOffer
            from tests.unit.lifecycle_builders import terms

            return ApproveOffer(
                actor=APPROVER,
                application_id=app,
                terms=terms(),
                appointee_for_profit=True,
                appointee_employer="Example Systems K.K.",
            )
        case "offer":
            return MakeOffer(actor=OFFICER, application_id=app, expires_at=now + timedelta(days=7))
        case "accept":
            return RecordOfferAccepted(
                actor=OFFICER, application_id=app, pledge_deadline=now + timedelta(days=5)
            )
        case "decline":
            return RecordOfferDeclined(actor=OFFICER, application_id=app, reason="辞退")
        case "lapse":
            return LapseOffer(actor=SYSTEM, application_id=app)
        case "sign_some":
            return SignPledge(
                actor=OFFICER,
                application_id=app,
                items=("confidentiality",),
                signed_on=date(2024, 6, 1),
            )
        case "sign_all":
            return SignPledge(
                actor=OFFICER,
                application_id=app,
                items=tuple(PledgeItem),
                signed_on=date(2024, 6, 1),
            )
        case "expire":
            return ExpirePledges(actor=SYSTEM, application_id=app)
        case "reject":
            return RejectApplicant(
                actor=OFFICER,
                application_id=app,
                reason_code=RejectionReasonCode.other,
                reason="総合評価",
            )
        case "withdraw":
            return WithdrawApplication(actor=OFFICER, application_id=app, reason="辞退")
        case "appoint":
            return Appoint(actor=APPROVER, application_id=app, appointment_id="ap1")
        case "close":
            return ClosePosting(actor=SYSTEM, reason=PostingCloseReason.deadline_passed)
        case "cancel":
            return CancelCampaign(actor=APPROVER, reason="中止")
    raise AssertionError(kind)


DISRUPT = (
    "decline",
    "lapse",
    "expire",
    "reject",
    "withdraw",
    "sign_some",
    "offer",
    "appoint",
    "close",
)


def advance(c: Campaign, app: str) -> str:
    """The next step of the happy path for ``app`` (so sequences reach deep states)."""
    a = c.state.applications[app]
    if a.screening_outcome is None:
        return "screen"
    if not a.interviews:
        return "schedule"
    if not any(iv.recorded for iv in a.interviews.values()):
        return "record"
    if a.status is not ApplicationStatus.shortlisted:
        return "shortlist"
    if a.offer is None or a.offer.status.value in ("declined", "lapsed"):
        return "approve_offer"
    if a.offer.status.value == "approved":
        return "offer"
    if a.offer.status.value == "made":
        return "accept"
    if a.pledges is not None and a.pledges.unsigned:
        return "sign_all"
    return "appoint"


# mostly advance one applicant, sometimes disrupt (cancellation is tested on its own)
KINDS = ("advance",) * 12 + DISRUPT
STEP = st.tuples(
    st.sampled_from(KINDS), st.sampled_from(APPS), st.sampled_from((0, 0, 1, 1, 2, 3, 8))
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=20, max_size=80))
def test_campaign_invariants_hold_for_any_command_sequence(steps):
    c = Campaign().posted()
    for app in APPS:
        c.with_application(app)
    now = T0 + timedelta(days=2)
    rejected_before: set[str] = set()
    for kind, app, days in steps:
        now = now + timedelta(days=days)
        before = c.state
        try:
            if kind == "advance":
                kind = advance(c, app)
            new = c.do(command(kind, app, now), at=now)
        except RuleViolation as err:
            assert err.code and c.state == before
            continue
        live = [a for a in c.state.applications.values() if a.has_live_offer]
        assert len(live) <= 1, "two live offers"
        for e in new:
            if isinstance(e, OfferMade):
                assert e.application_id not in rejected_before, "offer to a rejected applicant"
        rejected_before |= {
            a.application_id
            for a in c.state.applications.values()
            if a.status is ApplicationStatus.rejected
        }
        if c.state.appointed_application_id is not None:
            p = c.state.applications[c.state.appointed_application_id].pledges
            assert p is not None and p.unsigned == () and not p.expired
    assert fold_recruitment(c.events) == c.state
