"""Issue 11 point 2 on the time-skipping server: late costs after the term, and an
appointment recorded after its term. The appointment closes its fiscal year and starts the
claim at once, the case where the V1 time-skipping server can leave its clock stuck for the
tests after it (tests/workflows/helpers.py ``advance``): so this module runs on a
time-skipping server of its own, whatever order pytest-randomly picks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.commands import RecordCost
from domain.events import CostKind
from domain.fiscal import fiscal_year_of
from tests.workflows.builders import OFFICER, Scenario, municipality
from tests.workflows.conftest import private_time_skipping
from tests.workflows.helpers import advance, run_to_appointment, types, update
from workflows.models import AppointmentView


@pytest.fixture(scope="module")
async def ts(tmp_path_factory):
    """This module's own time-skipping server (it closes a fiscal year; see
    tests/workflows/conftest.py ``private_time_skipping``)."""
    async with private_time_skipping(tmp_path_factory) as t:
        yield t



async def test_past_term_appointment_takes_late_costs_without_stale_reminders(ts):
    """Issue 11 point 2: an existing advisor whose term is already past is recorded (no
    stale reminders), and pay for the last months, paid after the term ended, is still
    recorded until the claim of its fiscal year is decided (the appointment closed at once
    and answered STATE-WORKFLOW-CLOSED before)."""
    from domain.posting import Term
    from tests.unit import lifecycle_builders as lb
    from tests.workflows.builders import jst_day

    env, store, tq = ts.env, ts.store, ts.task_queue
    now = await env.get_current_time()
    today = jst_day(now)
    last_fy = fiscal_year_of(today) - 1  # the term ended in the previous fiscal year
    end = date(last_fy + 1, 2, 28)
    sc = Scenario(now, campaign_id="past", municipality=municipality("074098"))
    sc.term = Term(start=date(last_fy, 4, 1), end=end)
    sc.role = lb.role(term=sc.term)
    await run_to_appointment(env, tq, sc)
    code = sc.municipality.code
    ap = env.client.get_workflow_handle(f"appointment:{code}:ap1", result_type=AppointmentView)
    await advance(env, timedelta(days=1))
    # February's pay, paid in March after the term ended: still recorded
    await update(ap, "command", RecordCost(actor=OFFICER, cost_id="last-pay",
                                        cost_kind=CostKind.remuneration, amount_yen=300_000,
                                        paid_on=date(last_fy + 1, 3, 10)))
    view = await ap.query("status", result_type=AppointmentView)
    assert view.status == "ended" and view.costs_by_fiscal_year == {last_fy: 300_000}
    events = await store.read_stream(f"appointment:{code}:ap1")
    assert "ReminderSent" not in types(events) and "TermEnded" in types(events)
    # it stays open for late costs until that year's claim is decided (the claim signals
    # it; the whole round is in test_term_with_readiness_costs_yearly_claim_and_term_end)
    assert (await ap.query("status", result_type=AppointmentView)).claims == [last_fy]
    await ap.terminate("test over")
    await env.client.get_workflow_handle(f"subsidy:{code}:{last_fy}").terminate("test over")
