"""The subsidy claim as a domain aggregate: draft, approve, redraft, submission, decision —
who may take each step from which stage (AUTH-ROLE / STATE-CLAIM-STAGE), and the state
folded from the events decide returns."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain import claim
from domain.commands import (
    SYSTEM,
    Actor,
    ApproveClaim,
    DraftClaim,
    RecordDecision,
    RecordSubmission,
    RedraftClaim,
)
from domain.errors import RuleViolation

NOW = datetime(2026, 4, 2, tzinfo=UTC)
OFFICER = Actor(id="officer-1", role="hr_officer")
APPROVER = Actor(id="cio-1", role="approver")
ASSESSMENT = {
    "fiscal_year": 2025, "eligible": True, "total_measure_yen": 690_000,
    "reasons": [{"code": "R-SUB-5", "message": "..."}, {"code": "R-SUB-3", "message": "..."},
                {"code": "R-SUB-5", "message": "..."}],
}


def step(state, cmd):
    return claim.fold_claim(claim.decide(state, cmd, NOW), state)


def drafted():
    return step(claim.new_claim("074056", 2025), DraftClaim(actor=SYSTEM, assessment=ASSESSMENT))


def refusal(state, cmd) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        claim.decide(state, cmd, NOW)
    return exc.value


def test_a_draft_records_the_assessment_and_the_amount_on_the_claims_stream():
    state = claim.new_claim("074056", 2025)
    assert state.claim_id == "subsidy:074056:2025" and state.stage is claim.ClaimStage.collecting
    events = claim.decide(state, DraftClaim(actor=SYSTEM, assessment=ASSESSMENT), NOW)
    assert [e.type for e in events] == ["SubsidyAssessed", "SubsidyClaimDrafted"]
    assert events[0].rules == ("R-SUB-5", "R-SUB-3")  # each rule once, in order
    assert events[1].amount_yen == 690_000 and events[1].claim_id == "subsidy:074056:2025"
    s = claim.fold_claim(events, state)
    assert (s.stage, s.amount_yen, s.assessment, s.version) == (
        claim.ClaimStage.drafted, 690_000, ASSESSMENT, 2)


def test_the_whole_way_from_draft_to_decision():
    s = step(drafted(), ApproveClaim(actor=APPROVER))
    assert s.stage is claim.ClaimStage.approved
    s = step(s, RecordSubmission(actor=OFFICER, submitted_on=date(2026, 4, 10)))
    assert s.stage is claim.ClaimStage.submitted
    s = step(s, RecordDecision(actor=OFFICER, decided_on=date(2026, 10, 1), granted_yen=600_000))
    assert (s.stage, s.granted_yen, s.version) == (claim.ClaimStage.decided, 600_000, 5)


def test_a_redraft_is_an_officers_draft_of_a_drafted_claim():
    s = drafted()
    claim.check(s, RedraftClaim(actor=OFFICER))  # the workflow's validation: no refusal
    again = dict(ASSESSMENT, total_measure_yen=700_000)
    s = step(s, DraftClaim(actor=OFFICER, assessment=again))
    assert (s.stage, s.amount_yen) == (claim.ClaimStage.drafted, 700_000)
    # RedraftClaim only asks for a draft: deciding it alone produces nothing
    assert refusal(s, RedraftClaim(actor=OFFICER)).code == "STATE-UNKNOWN-COMMAND"


@pytest.mark.parametrize("cmd, role", [
    (ApproveClaim(actor=OFFICER), "approver"),
    (RedraftClaim(actor=APPROVER), "hr_officer"),
    (RecordSubmission(actor=APPROVER, submitted_on=date(2026, 4, 10)), "hr_officer"),
    (RecordDecision(actor=APPROVER, decided_on=date(2026, 10, 1), granted_yen=1), "hr_officer"),
])
def test_each_step_needs_its_role(cmd, role):
    with pytest.raises(RuleViolation) as exc:
        claim.check(drafted(), cmd)  # what the workflow validates an update with
    v = exc.value
    assert (v.code, v.field) == ("AUTH-ROLE", "actor.role")
    assert v.message == f"this step needs the role {role}, not {cmd.actor.role}"


def test_steps_out_of_order_are_refused_with_the_stage():
    collecting = claim.new_claim("074056", 2025)
    v = refusal(collecting, ApproveClaim(actor=APPROVER))
    assert v.code == "STATE-CLAIM-STAGE"
    assert v.message.startswith("cannot approve a claim that is collecting: it waits for")
    assert v.params["needs"].startswith("この申請は")  # issue 11 point 3: what it waits for
    v = refusal(drafted(), RecordSubmission(actor=OFFICER, submitted_on=date(2026, 4, 10)))
    assert v.message.startswith("cannot submit a claim that is drafted: it waits for the approver")
    approved = step(drafted(), ApproveClaim(actor=APPROVER))
    assert refusal(approved, DraftClaim(actor=SYSTEM, assessment=ASSESSMENT)).code == "STATE-CLAIM-STAGE"
    assert refusal(approved, DraftClaim(actor=OFFICER, assessment=ASSESSMENT)).code == "STATE-CLAIM-STAGE"
    # an officer cannot make the first draft: that is the system's once the year has settled
    assert refusal(collecting, DraftClaim(actor=OFFICER, assessment=ASSESSMENT)).code == "STATE-CLAIM-STAGE"


def test_now_must_be_an_aware_instant():
    with pytest.raises(ValueError):
        claim.decide(drafted(), ApproveClaim(actor=APPROVER), datetime(2026, 4, 2))
