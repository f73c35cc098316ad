"""RecruitmentWorkflow on the time-skipping server: weeks of posting and pledge deadlines
pass in seconds; the events land in the real event store, in order; reminders are sent
(and not sent) as the state says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.commands import RecordCost
from domain.events import CostKind
from domain.fiscal import fiscal_year_of
from domain.state import ApplicationState
from tests.workflows.builders import OFFICER, Scenario, jst_day
from tests.workflows.helpers import advance, campaign_events, cmd, reminders, types
from tests.workflows.histories_util import record
from workflows.client import rule_violation, start_campaign
from workflows.models import ApplicationQuery, CampaignInput, CampaignView


async def _posted(env, tq, campaign_id, deadline_days=10):
    now = await env.get_current_time()
    sc = Scenario(now, campaign_id=campaign_id)
    h = await start_campaign(env.client, CampaignInput(define=sc.define()), task_queue=tq)
    await cmd(h, sc.submit())
    await cmd(h, sc.approve())
    deadline = now + timedelta(days=deadline_days)
    await cmd(h, sc.publish(deadline))
    return sc, h, deadline


async def test_happy_path_role_to_appointment(ts):
    env, store, outbox, tq = ts.env, ts.store, ts.outbox, ts.task_queue
    sc, h, deadline = await _posted(env, tq, "happy")
    await cmd(h, sc.receive("a1"))
    await cmd(h, sc.receive("a2"))
    # the deadline passes: reminders 7 and 1 day before, then the posting closes itself
    await advance(env, timedelta(days=11))
    status = await h.query("status", result_type=CampaignView)
    assert status.posting_open is False
    await cmd(h, sc.screen("a1"))
    now = await env.get_current_time()
    await cmd(h, sc.schedule("a1", now + timedelta(days=1)))
    await cmd(h, sc.record("a1"))  # before the interview-feedback SLA: no reminder
    await cmd(h, sc.shortlist("a1"))
    await cmd(h, sc.approve_offer("a1"))
    await cmd(h, sc.make_offer("a1", now + timedelta(days=14)))
    await cmd(h, sc.accept("a1", now + timedelta(days=10)))
    app = await h.query(
        "application", ApplicationQuery(application_id="a1"), result_type=ApplicationState
    )
    items = [p.item for p in app.pledges.required]
    await cmd(h, sc.sign("a1", items, sc.term.start - timedelta(days=30)))
    result = await cmd(h, sc.appoint("a1"))
    assert result.stage == "appointed"
    # the agency's success fee, paid after the hire, is still a recruitment cost (R-SUB-4)
    paid = jst_day(await env.get_current_time())
    await cmd(h, RecordCost(actor=OFFICER, cost_id="agency-fee", cost_kind=CostKind.agency_fee,
                            amount_yen=880_000, paid_on=paid))
    # the campaign closes at the end of that fiscal year
    fy_end = date(fiscal_year_of(paid) + 1, 4, 1)
    await advance(env, fy_end - paid + timedelta(days=1))
    final = await h.result()
    assert final.stage == "appointed"
    await record(env.client, h.id, "recruitment-happy")

    events = await campaign_events(store, "074055", "happy")
    assert types(events) == [
        "RoleDefined", "RoleSubmittedForApproval", "RoleApproved", "PostingPublished",
        "ApplicationReceived", "ApplicationReceived",
        "ReminderSent", "ReminderSent", "PostingClosed",
        "DocumentScreeningCompleted", "InterviewScheduled", "InterviewRecorded",
        "ApplicantShortlisted", "OfferApproved", "OfferMade", "OfferAccepted",
        "PledgeRequested", "PledgeSigned", "Appointed", "CostRecorded",
    ]
    assert reminders(events) == [
        ("posting_deadline_7d", "happy"), ("posting_deadline_1d", "happy"),
    ]
    sent = await outbox.pending("recruitment:074055:happy")
    assert [r["kind"] for r in sent] == [
        "approval:role", "posting:published", "reminder:posting_deadline_7d",
        "reminder:posting_deadline_1d", "approval:offer",
    ]
    # the approver hears when something waits for approval; the officer gets the rest
    assert {(r["kind"].split(":")[0], r["recipient"]) for r in sent} == {
        ("approval", "approver@localhost"), ("posting", "hr@localhost"),
        ("reminder", "hr@localhost")}
    assert "【承認依頼】" in sent[0]["subject"]
    assert "標準募集様式" in sent[1]["subject"] and "| 応募締切 |" in sent[1]["body"]
    # reminder texts show the deadline in 令和 and JST, not ISO (issue 11 point 9)
    deadline_mail = sent[2]["body"]
    assert "令和" in deadline_mail and "時" in deadline_mail and "(JST)" not in deadline_mail
    # metadata: actor, role, municipality, workflow id
    published = next(e for e in events if e.type == "PostingPublished")
    assert published.metadata["actor"] == "officer-1"
    assert published.metadata["role"] == "hr_officer"
    assert published.metadata["municipality"] == "074055"
    assert published.metadata["workflow_id"] == "recruitment:074055:happy"
    closed = next(e for e in events if e.type == "PostingClosed")
    assert closed.metadata["role"] == "system"


async def test_refused_command_changes_nothing_and_names_the_rule(ts):
    env, store, _outbox, tq = ts.env, ts.store, ts.outbox, ts.task_queue
    sc, h, _ = await _posted(env, tq, "refused")
    before = await h.query("status", result_type=CampaignView)
    with pytest.raises(WorkflowUpdateFailedError) as exc:
        await cmd(h, sc.approve())  # already approved
    v = rule_violation(exc.value)
    assert v is not None and v.code.startswith("STATE-")
    # an auditor never writes
    from domain.commands import Actor, CancelCampaign

    with pytest.raises(WorkflowUpdateFailedError) as exc:
        await cmd(h, CancelCampaign(actor=Actor(id="aud", role="auditor"), reason="x"))
    assert rule_violation(exc.value).code == "AUTH-ROLE"
    after = await h.query("status", result_type=CampaignView)
    assert after.version == before.version
    await h.terminate("test over")
    assert len(await campaign_events(store, "074055", "refused")) == 4


async def test_R_SKILL_5_advice_and_warnings_come_back_in_the_answer_and_the_status(ts):
    """Issue 11 point 7: the linter's advice and definition warnings were only in the log."""
    env, tq = ts.env, ts.task_queue
    now = await env.get_current_time()
    sc = Scenario(now, campaign_id="advice")
    sc.role = sc.role.model_copy(update={"requirements": ()})
    h = await start_campaign(env.client, CampaignInput(define=sc.define()), task_queue=tq)
    redefined = await cmd(h, sc.define())
    assert "R-SKILL-3" in [f["code"] for f in redefined.findings]
    assert all(f["label"] and f["message"] for f in redefined.findings)
    status = await h.query("status", result_type=CampaignView)
    assert "R-SKILL-3" in [a["code"] for a in status.advice]
    # a Japanese label beside each code a person reads (issue 11 point 9)
    assert status.labels["stage"] == "役割定義中"
    await h.terminate("test over")
