"""The yearly subsidy claim through the workflows at an exact, non-zero amount.

The packaged measure period ends in FY2025 (R-SUB-7), so on today's clock the claim the
workflows draft is for 0 yen, and a wrong amount would go unnoticed. Extending a measure to
a new fiscal year is a data change: here the worker assesses the claim under the packaged
policy with the appointment measure's last term extended to the claim's fiscal year, and
the claim is drafted, approved, submitted and decided at exactly half the eligible pay,
rounded down (R-SUB-3, R-SUB-8).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from contextlib import asynccontextmanager
from datetime import date, timedelta
from importlib import resources

import pytest
from temporalio.worker import Worker

from activities.claims import ClaimActivities
from domain.commands import RecordCost
from domain.events import CostKind
from domain.fiscal import fiscal_year_of
from domain.policy import Policy, load_policy
from tests.workflows.builders import APPROVER, OFFICER, Scenario, municipality
from tests.workflows.conftest import private_time_skipping
from tests.workflows.helpers import advance, run_to_appointment, update
from workflows import registry
from workflows.models import (
    ApproveClaim,
    ClaimView,
    RecordDecision,
    RecordSubmission,
)


@pytest.fixture(scope="module")
async def ts(tmp_path_factory):
    """This module's own time-skipping server (it closes a fiscal year; see
    tests/workflows/conftest.py ``private_time_skipping``)."""
    async with private_time_skipping(tmp_path_factory) as t:
        yield t


def measure_extended_to(fiscal_year: int) -> Policy:
    """The packaged policy, the appointment measure's last term running to ``fiscal_year``."""
    measures = json.loads(resources.files("domain").joinpath("policies/measures.json").read_text())
    measures["appointment"]["terms"][-1]["to_fiscal_year"] = fiscal_year
    return load_policy(measures=measures)


@asynccontextmanager
async def worker_assessing_under(ts, policy: Policy):
    """A worker of the production set on its own task queue whose claim assessment uses
    ``policy`` (the claim workflow runs on the queue of the appointment that starts it)."""
    tq = f"policy-{uuid.uuid4().hex[:8]}"
    production = registry.activities(store=ts.store, notifier=ts.outbox, client=ts.env.client)
    acts = [a for a in production if getattr(a, "__name__", "") != "assess_claim_year"]
    assert len(acts) == len(production) - 1
    acts.append(ClaimActivities(ts.store, policy=policy).assess_claim_year)
    async with Worker(ts.env.client, task_queue=tq, workflows=registry.WORKFLOWS, activities=acts):
        yield tq



async def test_claim_is_drafted_approved_and_decided_at_half_the_pay_rounded_down(ts):
    env = ts.env
    now = await env.get_current_time()
    sc = Scenario(now, campaign_id="amount", municipality=municipality("074057"))
    fy = fiscal_year_of(sc.term.start)
    code = sc.municipality.code
    async with worker_assessing_under(ts, measure_extended_to(fy)) as tq:
        campaign = await run_to_appointment(env, tq, sc)
        ap = env.client.get_workflow_handle(f"appointment:{code}:ap1")
        claim = env.client.get_workflow_handle(f"subsidy:{code}:{fy}", result_type=ClaimView)
        try:
            paid = sc.term.start + timedelta(days=20)
            assert fiscal_year_of(paid) == fy
            # a payment is recorded once it is made: wait until it is paid
            await advance(env, paid - (await env.get_current_time()).date() + timedelta(days=1))
            for cost_id, kind, amount in (
                ("pay-1", CostKind.remuneration, 300_000),
                ("pay-2", CostKind.term_end_allowance, 123_457),
            ):
                await update(ap, "command", RecordCost(
                    actor=OFFICER, cost_id=cost_id, cost_kind=kind, amount_yen=amount,
                    paid_on=paid))  # fmt: skip

            fy_end = date(fy + 1, 4, 1)
            today = (await env.get_current_time()).date()
            await advance(env, fy_end - today + timedelta(days=50))
            cv = await claim.query("status", result_type=ClaimView)
            assert cv.stage == "drafted" and cv.appointments == ["ap1"]
            # 0.5 x (300,000 + 123,457) = 211,728.5, rounded down (R-SUB-8)
            assert cv.amount_yen == 211_728
            assert cv.assessment["fiscal_year"] == fy
            assert cv.assessment["total_measure_yen"] == 211_728
            assert "R-SUB-7" not in [r["code"] for r in cv.assessment["reasons"]]

            await update(claim, "approve", ApproveClaim(actor=APPROVER))
            await update(claim, "record_submission",
                       RecordSubmission(actor=OFFICER, submitted_on=fy_end))  # fmt: skip
            await update(
                claim,
                "record_decision",
                RecordDecision(
                    actor=OFFICER, decided_on=fy_end + timedelta(days=200), granted_yen=211_728
                ),
            )
            done = await claim.result()
            assert (done.stage, done.amount_yen, done.granted_yen) == ("decided", 211_728, 211_728)
            decided = (await ts.store.read_stream(f"subsidy:{code}:{fy}"))[-1]
            assert decided.type == "SubsidyDecided" and decided.data["granted_yen"] == 211_728
        finally:
            # nothing of this test may outlive its worker: on the time-skipping server a
            # workflow with no worker would stop the clock for every later test
            for h in (ap, campaign, claim):
                with contextlib.suppress(Exception):
                    await h.terminate("test over")
