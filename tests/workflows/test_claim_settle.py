"""Issue 11 point 3: the claim's settle period is a setting, the view says what the claim
waits for, and the officer may ask it to draft now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain import claim as claim_domain
from domain.commands import ApproveClaim, DraftClaimNow
from domain.errors import RuleViolation
from tests.workflows.builders import APPROVER, OFFICER, municipality
from workflows.client import rule_violation
from workflows.models import ClaimInput, ClaimView, CommandResult, Contacts


async def test_claim_waits_says_what_for_and_drafts_now_on_request(ts):
    env, tq = ts.env, ts.task_queue
    m = municipality("074099")
    h = await env.client.start_workflow(
        "SubsidyClaimWorkflow", ClaimInput(municipality=m, fiscal_year=2024, contacts=Contacts(),
                                           settle=timedelta(days=30)),
        id="subsidy:074099:2024", task_queue=tq)
    view = await h.query("status", result_type=ClaimView)
    assert view.stage == "collecting" and "精算期間" in view.waits_for
    assert view.drafts_at is not None
    # approving a claim still collecting: the refusal says what the stage waits for
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await h.execute_update("approve", ApproveClaim(actor=APPROVER), result_type=CommandResult)
    v = rule_violation(err.value)
    assert v is not None and v.code == "STATE-CLAIM-STAGE" and "waits for" in v.message
    assert v.params["needs"].startswith("この申請は")
    await h.execute_update("draft_now", DraftClaimNow(actor=OFFICER), result_type=CommandResult)
    view = await h.query("status", result_type=ClaimView)
    assert view.stage == "drafted" and view.drafts_at is None
    assert "承認" in view.waits_for
    await h.terminate("test over")


def test_draft_now_only_while_collecting_and_only_by_an_officer():
    state = claim_domain.new_claim("074099", 2024)
    claim_domain.check(state, DraftClaimNow(actor=OFFICER))
    with pytest.raises(RuleViolation) as err:
        claim_domain.check(state, DraftClaimNow(actor=APPROVER))
    assert err.value.code == "AUTH-ROLE"
    drafted = state.model_copy(update={"stage": claim_domain.ClaimStage.drafted})
    with pytest.raises(RuleViolation) as err:
        claim_domain.check(drafted, DraftClaimNow(actor=OFFICER))
    assert err.value.code == "STATE-CLAIM-STAGE" and "approver" in err.value.message
