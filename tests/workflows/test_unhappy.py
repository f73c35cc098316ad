"""Unhappy paths on the time-skipping server: a moved deadline moves its reminders, early
steps cancel theirs, an unsigned pledge expires and the offer lapses (R-PLEDGE-3),
rejection needs a reason (R-SCR-3), withdrawal, re-posting, cancellation by the approver —
and no reminder fires in a state it was not meant for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.commands import (
    CancelCampaign,
    ExtendPostingDeadline,
    RejectApplicant,
    Repost,
    WithdrawApplication,
)
from domain.screening import RejectionReasonCode
from tests.unit import lifecycle_builders as lb
from tests.workflows.builders import APPROVER, OFFICER, Scenario, municipality
from tests.workflows.helpers import (
    advance,
    campaign_events,
    cmd,
    offer_accepted,
    reminders,
    required_pledges,
    types,
)
from workflows.client import rule_violation, start_campaign
from workflows.models import CampaignInput, CampaignView


async def _refused(h, command) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as exc:
        await cmd(h, command)
    v = rule_violation(exc.value)
    assert v is not None
    return v.code


async def _campaign(ts, name: str, code: str, deadline_days: int):
    now = await ts.env.get_current_time()
    sc = Scenario(now, name, municipality(code))
    h = await start_campaign(ts.env.client, CampaignInput(define=sc.define()), task_queue=ts.task_queue)
    for c in (sc.submit(), sc.approve(), sc.publish(now + timedelta(days=deadline_days))):
        await cmd(h, c)
    return sc, h, now


async def test_extended_deadline_moves_its_reminders(ts):
    sc, h, t0 = await _campaign(ts, "extend", "074063", deadline_days=10)
    await advance(ts.env, timedelta(days=4))  # the 7-day reminder (day 3) has fired
    new_deadline = t0 + timedelta(days=20)
    await cmd(h, ExtendPostingDeadline(actor=OFFICER, new_deadline=new_deadline))
    await advance(ts.env, timedelta(days=7))  # day 11: past the OLD deadline
    assert (await h.query("status", result_type=CampaignView)).posting_open
    await advance(ts.env, timedelta(days=10))  # day 21: past the new deadline
    assert not (await h.query("status", result_type=CampaignView)).posting_open
    events = await campaign_events(ts.store, "074063", "extend")
    sent = [(e.data["kind"], e.data["due"]) for e in events if e.type == "ReminderSent"]
    old, new = (t0 + timedelta(days=10)), new_deadline
    assert [k for k, _ in sent] == ["posting_deadline_7d", "posting_deadline_7d", "posting_deadline_1d"]
    assert [d[:19] for _, d in sent] == [
        old.isoformat()[:19], new.isoformat()[:19], new.isoformat()[:19]]
    # who was reminded (the HR officer's mailbox) and when, on every reminder event
    assert {e.data["recipient_role"] for e in events if e.type == "ReminderSent"} == {"hr_officer"}
    assert types(events)[-1] == "PostingClosed"
    await h.terminate("test over")


async def test_early_steps_cancel_their_reminders_late_ones_get_them(ts):
    sc, h, t0 = await _campaign(ts, "sla", "074064", deadline_days=5)
    for a in ("a1", "a2", "a3"):
        await cmd(h, sc.receive(a))
    await advance(ts.env, timedelta(days=6))  # posting closed
    await cmd(h, sc.screen("a1"))
    await cmd(h, sc.screen("a2"))
    now = await ts.env.get_current_time()
    await cmd(h, sc.schedule("a1", now + timedelta(days=1)))
    await cmd(h, sc.schedule("a2", now + timedelta(days=1)))
    await advance(ts.env, timedelta(days=2))
    await cmd(h, sc.record("a1"))  # within the 3-day feedback SLA: no reminder for a1
    await advance(ts.env, timedelta(days=10))  # a2's feedback is late; a3 never screened
    events = await campaign_events(ts.store, "074064", "sla")
    got = reminders(events)
    assert ("interview_feedback", "a2/iv-a2") in got
    assert ("interview_feedback", "a1/iv-a1") not in got
    assert got.count(("screening_sla", "sla")) == 1  # one digest, not one mail per applicant
    digest = [r for r in await ts.outbox.pending("recruitment:074064:sla")
              if r["kind"] == "reminder:screening_sla"]
    assert len(digest) == 1 and "a3" in digest[0]["body"] and "a1" not in digest[0]["body"]
    await h.terminate("test over")


async def test_R_PLEDGE_3_unsigned_pledge_expires_and_the_offer_lapses(ts):
    sc, h, t0 = await _campaign(ts, "pledge", "074065", deadline_days=5)
    await cmd(h, sc.receive("a1"))
    await advance(ts.env, timedelta(days=6))
    now = await ts.env.get_current_time()
    await offer_accepted(h, sc, "a1", now, pledge_days=5)
    required = await required_pledges(h, "a1")
    await cmd(h, sc.sign("a1", required[:1], sc.term.start))  # one of several signed
    await advance(ts.env, timedelta(days=6))
    events = await campaign_events(ts.store, "074065", "pledge")
    assert types(events)[-4:] == ["PledgeSigned", "ReminderSent", "PledgeExpired", "OfferLapsed"]
    assert reminders(events)[-1] == ("pledge_deadline", "a1")
    lapsed = events[-1]
    assert lapsed.data["reason"] == "pledge_expired" and lapsed.data["rule"] == "R-PLEDGE-3"
    # the offer lapsed with the pledge: appointing now is refused because no offer stands
    assert await _refused(h, sc.appoint("a1")) == "STATE-OFFER-NOT-ACCEPTED"
    status = await h.query("status", result_type=CampaignView)
    assert status.live_offer is None
    await h.terminate("test over")


async def test_rejection_withdrawal_repost_and_cancellation(ts):
    sc, h, t0 = await _campaign(ts, "nofit", "074066", deadline_days=5)
    await cmd(h, sc.receive("a1"))
    await cmd(h, sc.receive("a2"))
    await advance(ts.env, timedelta(days=6))
    await cmd(h, sc.screen("a1"))
    # R-SCR-3: every rejection carries a reason
    assert await _refused(h, RejectApplicant(
        actor=OFFICER, application_id="a1", reason_code=RejectionReasonCode.other, reason=" ",
    )) == "R-SCR-3"
    await cmd(h, RejectApplicant(
        actor=OFFICER, application_id="a1", reason_code=RejectionReasonCode.requirements_not_met,
        reason="必須要件（レベル4相当）を満たさない"))
    await cmd(h, WithdrawApplication(actor=OFFICER, application_id="a2", reason="他社に決定"))
    # no one fits: post again with a new deadline
    now = await ts.env.get_current_time()
    await cmd(h, Repost(actor=OFFICER, reason="適任者なし",
                        details=lb.details(deadline=now + timedelta(days=10),
                                           municipality=sc.municipality)))
    assert (await h.query("status", result_type=CampaignView)).posting_open
    # only the approver cancels
    assert await _refused(h, CancelCampaign(actor=OFFICER, reason="予算")) == "AUTH-ROLE"
    await cmd(h, CancelCampaign(actor=APPROVER, reason="予算措置の見送り"))
    final = await h.result()
    assert final.stage == "cancelled"
    await advance(ts.env, timedelta(days=12))  # past the re-posted deadline
    events = await campaign_events(ts.store, "074066", "nofit")
    assert types(events)[-5:] == [
        "DocumentScreeningCompleted", "ApplicantRejected", "ApplicationWithdrawn", "Reposted",
        "CampaignCancelled",
    ]
    # a 5-day posting gets no "7 days left" reminder; the re-posted deadline's reminders
    # never fired: the campaign was cancelled first
    assert reminders(events) == [("posting_deadline_1d", "nofit")]
