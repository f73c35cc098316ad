"""A role left waiting for approval reminds the approver (CampaignSlas.approval, 3 days),
once; a role approved in time sends none. The change was made by following
docs/contributing.md, "Add a reminder"."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.workflows.builders import Scenario, municipality
from tests.workflows.helpers import advance, campaign_events, cmd, reminders
from workflows.client import start_campaign
from workflows.models import CampaignInput


async def _submitted(ts, name: str, code: str) -> Scenario:
    now = await ts.env.get_current_time()
    sc = Scenario(now, name, municipality(code))
    h = await start_campaign(ts.env.client, CampaignInput(define=sc.define()),
                             task_queue=ts.task_queue)
    await cmd(h, sc.submit())
    return sc, h


async def test_a_role_waiting_for_approval_reminds_the_approver_once(ts):
    sc, h = await _submitted(ts, "waiting", "074071")
    await advance(ts.env, timedelta(days=7))  # past the 3 days: one reminder only
    events = await campaign_events(ts.store, "074071", "waiting")
    assert reminders(events) == [("approval_pending", "waiting")]
    submitted = next(e for e in events if e.type == "RoleSubmittedForApproval")
    sent = next(e for e in events if e.type == "ReminderSent")
    # judged on the workflow's own clock (the events' `at`), not on how far this test
    # advanced the shared time-skipping server: in random order another test's pending
    # timers can make the server skip further than asked
    submitted_at = datetime.fromisoformat(submitted.data["at"])
    assert datetime.fromisoformat(sent.data["due"]) == submitted_at + timedelta(days=3)
    assert datetime.fromisoformat(sent.data["at"]) >= submitted_at + timedelta(days=3)
    assert sent.data["recipient_role"] == "approver" and sent.data["rule"] == "R-POST-1"
    mails = await ts.outbox.pending("recruitment:074071:waiting")
    assert [m["kind"] for m in mails].count("reminder:approval_pending") == 1
    assert all(m["recipient"] == "approver@localhost"
               for m in mails if m["kind"] == "reminder:approval_pending")


async def test_a_role_approved_in_time_sends_no_approval_reminder(ts):
    sc, h = await _submitted(ts, "prompt", "074072")
    await advance(ts.env, timedelta(days=1))
    await cmd(h, sc.approve())
    await advance(ts.env, timedelta(days=5))
    assert reminders(await campaign_events(ts.store, "074072", "prompt")) == []
