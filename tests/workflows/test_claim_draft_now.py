"""Issue 11 point 3, end to end: a claim collecting under a long settle period says what it
waits for and when it drafts by itself; approving it then is refused naming the stage; the
officer's "draft now" drafts it at once, without waiting for the settle period."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.fiscal import fiscal_year_of
from tests.workflows.builders import APPROVER, OFFICER, municipality
from tests.workflows.conftest import private_time_skipping
from workflows.models import ApproveClaim, ClaimInput, ClaimView, CommandResult, DraftClaimNow


@pytest.fixture(scope="module")
async def ts(tmp_path_factory):
    """This module's own time-skipping server (a claim workflow; see
    tests/workflows/conftest.py ``private_time_skipping``)."""
    async with private_time_skipping(tmp_path_factory) as t:
        yield t


async def test_claim_draft_now_ends_the_settle_period_end_to_end(ts):
    env = ts.env
    now = await env.get_current_time()
    fy = fiscal_year_of(now.date()) - 1
    town = municipality("074058")
    settle = timedelta(days=30)
    claim = await env.client.start_workflow(
        "SubsidyClaimWorkflow",
        ClaimInput(municipality=town, fiscal_year=fy, settle=settle),
        id=f"subsidy:{town.code}:{fy}",
        task_queue=ts.task_queue,
        result_type=ClaimView,
    )
    try:
        view = await claim.query("status", result_type=ClaimView)
        assert view.stage == "collecting" and view.waits_for
        assert view.labels["stage"] == "経費集計中"
        assert view.drafts_at is not None and view.drafts_at >= now + settle - timedelta(minutes=1)
        # approving while collecting is refused, saying what the stage needs
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await claim.execute_update("approve", ApproveClaim(actor=APPROVER),
                                       result_type=CommandResult)
        assert "collecting" in str(err.value.cause) and "draft now" in str(err.value.cause)
        # only an officer may ask to draft now
        with pytest.raises(WorkflowUpdateFailedError):
            await claim.execute_update("draft_now", DraftClaimNow(actor=APPROVER),
                                       result_type=CommandResult)
        result = await claim.execute_update("draft_now", DraftClaimNow(actor=OFFICER),
                                            result_type=CommandResult)
        assert result.stage == "drafted"
        drafted = await claim.query("status", result_type=ClaimView)
        assert drafted.stage == "drafted" and drafted.drafts_at is None
        assert drafted.labels["stage"] == "申請案作成済み（承認待ち）"
        # drafted well before the settle period would have run out
        assert await env.get_current_time() < now + settle
        events = await ts.store.read_stream(f"subsidy:{town.code}:{fy}")
        assert [e.type for e in events][:2] == ["SubsidyAssessed", "SubsidyClaimDrafted"]
    finally:
        with contextlib.suppress(Exception):
            await claim.terminate("test over")
