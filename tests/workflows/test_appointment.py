"""AppointmentWorkflow and SubsidyClaimWorkflow on the time-skipping server: a whole term
with its fiscal-year ends passes in seconds; readiness, activity-review and term-end
reminders; costs; the yearly claim drafted from the store, approved, submitted, decided."""

from __future__ import annotations

from datetime import date, timedelta

from domain import i18n
from domain.commands import Actor, ConfirmReadinessItem, RecordCost, RenewTerm
from domain.events import CostKind
from domain.fiscal import fiscal_year_of
from tests.workflows.builders import APPROVER, OFFICER, Scenario, municipality
from tests.workflows.helpers import advance, run_to_appointment, types, update
from tests.workflows.histories_util import record
from workflows.models import (
    AppointmentView,
    ApproveClaim,
    ClaimView,
    DraftClaimNow,
    RecordDecision,
    RecordSubmission,
)


async def _decide_claim(env, code: str, fy: int) -> None:
    """Draft (now, when still collecting), approve, submit and decide a year's claim."""
    claim = env.client.get_workflow_handle(f"subsidy:{code}:{fy}", result_type=ClaimView)
    if (await claim.query("status", result_type=ClaimView)).stage == "collecting":
        await update(claim, "draft_now", DraftClaimNow(actor=OFFICER))
    day = (await env.get_current_time()).date()
    await update(claim, "approve", ApproveClaim(actor=APPROVER))
    await update(claim, "record_submission", RecordSubmission(actor=OFFICER, submitted_on=day))
    await update(claim, "record_decision", RecordDecision(actor=OFFICER, decided_on=day,
                                                        granted_yen=0))


async def test_term_with_readiness_costs_yearly_claim_and_term_end(ts):
    env, store, _outbox, tq = ts.env, ts.store, ts.outbox, ts.task_queue
    now = await env.get_current_time()
    sc = Scenario(now, campaign_id="term", municipality=municipality("074056"))
    await run_to_appointment(env, tq, sc)
    ap = env.client.get_workflow_handle(f"appointment:{sc.municipality.code}:ap1", result_type=AppointmentView)
    # R-READY items not confirmed are warnings in the status view (issue 11 point 7)
    before = await ap.query("status", result_type=AppointmentView)
    assert {w["code"] for w in before.readiness_warnings} == {"R-READY"}
    assert len(before.readiness_warnings) >= 5 and all(w["label"] for w in before.readiness_warnings)
    # a Japanese label beside each code a person reads (issue 11 point 9)
    assert before.labels == {"status": "在任中", "form": i18n.label("form", before.form)}
    # readiness 1-5 confirmed before the start date: no readiness reminder
    for item in range(1, 6):
        await update(ap, "command", ConfirmReadinessItem(actor=OFFICER, item=item, note="確認済み"))
    after = await ap.query("status", result_type=AppointmentView)
    assert [w["message"].split(":")[0] for w in after.readiness_warnings] == [
        "readiness item 6 not confirmed"]  # only the recurring review is left
    fy = fiscal_year_of(sc.term.start)
    paid = sc.term.start + timedelta(days=20)
    assert fiscal_year_of(paid) == fy
    # a payment is recorded once made (issue 11 point 4): wait until it is paid
    await advance(env, paid - now.date() + timedelta(days=1))
    await update(ap, "command", RecordCost(
        actor=OFFICER, cost_id="pay-1", cost_kind=CostKind.remuneration,
        amount_yen=300_000, paid_on=paid))
    view = await ap.query("status", result_type=AppointmentView)
    assert view.costs_by_fiscal_year == {fy: 300_000}

    # the fiscal year ends: the municipality's claim is drafted from the store
    fy_end = date(fy + 1, 4, 1)
    await advance(env, fy_end - paid + timedelta(days=70))
    claim = env.client.get_workflow_handle(f"subsidy:{sc.municipality.code}:{fy}", result_type=ClaimView)
    cv = await claim.query("status", result_type=ClaimView)
    assert cv.stage == "drafted"
    assert cv.appointments == ["ap1"]
    # the test server's clock is the real one: FY2026 onwards lies outside the measure
    # period (R3-R7) of the policy table, so the claim is drafted with a R-SUB-7 reason
    assert cv.assessment["fiscal_year"] == fy
    assert "300,000" in cv.assessment["reasons"][0]["message"]
    assert cv.assessment["reasons"][0]["code"] == ("R-SUB-7" if fy > 2025 else "R-SUB-3")
    await update(claim, "approve", ApproveClaim(actor=APPROVER))
    await update(claim, "record_submission", RecordSubmission(actor=OFFICER, submitted_on=fy_end))
    await update(claim, "record_decision", RecordDecision(
        actor=OFFICER, decided_on=fy_end + timedelta(days=200), granted_yen=cv.amount_yen))
    done = await claim.result()
    assert done.stage == "decided" and done.granted_yen == cv.amount_yen
    await record(env.client, claim.id, "subsidy-claim")

    # the appointment continued as new into the next fiscal year
    view = await ap.query("status", result_type=AppointmentView)
    assert view.fiscal_year == fy + 1 and view.runs == 2 and view.claims == [fy]
    # the term runs out: 90/30-day reminders, the term ends, the last year is claimed
    last_fy = fiscal_year_of(sc.term.end)
    await advance(env, date(last_fy + 1, 4, 2) - (await env.get_current_time()).date())
    # an ended term takes late costs until its last year's claim is decided (issue 11
    # point 2): decide it, then the appointment closes
    await _decide_claim(env, sc.municipality.code, last_fy)
    await advance(env, date(last_fy + 1, 6, 2) - (await env.get_current_time()).date())  # 出納整理期間
    result = await ap.result()
    assert result.status == "ended"
    assert result.claims == list(range(fy, last_fy + 1))  # one claim per fiscal year served
    await record(env.client, ap.id, "appointment", all_runs=True)

    events = await store.read_stream(f"appointment:{sc.municipality.code}:ap1")
    kinds = [e.data["kind"] for e in events if e.type == "ReminderSent"]
    assert "readiness" not in kinds  # confirmed early: the reminder never fired
    assert "term_end_90d" in kinds and "term_end_30d" in kinds
    assert kinds.count("activity_review") >= 2  # R-READY 6 recurs
    assert types(events)[:7] == ["Appointed"] + ["ReadinessItemConfirmed"] * 5 + ["CostRecorded"]
    assert types(events)[-1] == "TermEnded"
    claim_events = await store.read_stream(f"subsidy:{sc.municipality.code}:{fy}")
    assert types(claim_events) == [
        "SubsidyAssessed", "SubsidyClaimDrafted", "SubsidyClaimApproved", "SubsidyClaimed",
        "SubsidyDecided",
    ]


async def test_renewal_moves_term_end_reminders_and_refusals_name_the_rule(ts):
    env, store, _outbox, tq = ts.env, ts.store, ts.outbox, ts.task_queue
    now = await env.get_current_time()
    sc = Scenario(now, campaign_id="renew", municipality=municipality("074057"))
    await run_to_appointment(env, tq, sc)
    ap = env.client.get_workflow_handle(f"appointment:{sc.municipality.code}:ap1", result_type=AppointmentView)
    await update(ap, "command", ConfirmReadinessItem(actor=OFFICER, item=1, note="共有済み"))
    view = await ap.query("status", result_type=AppointmentView)
    old_end = view.term_end
    # an HR officer may not renew (approver only)
    from temporalio.client import WorkflowUpdateFailedError

    from workflows.client import rule_violation

    try:
        await update(ap, "command", RenewTerm(actor=OFFICER, new_end=old_end + timedelta(days=365)))
        raise AssertionError("renewal by an HR officer must be refused")
    except WorkflowUpdateFailedError as err:
        assert rule_violation(err).code == "AUTH-ROLE"
    new_end = date(old_end.year + 1, old_end.month, old_end.day)
    await update(ap, "command", RenewTerm(actor=APPROVER, new_end=new_end))
    await ap.terminate("test over")
    events = await store.read_stream(f"appointment:{sc.municipality.code}:ap1")
    assert types(events)[-1] == "TermRenewed"
    _ = Actor  # noqa: F841


async def test_two_appointments_of_one_municipality_share_one_yearly_claim(ts):
    env, tq = ts.env, ts.task_queue
    now = await env.get_current_time()
    town = municipality("074067")
    first = Scenario(now, "two-a", town)
    second = Scenario(now, "two-b", town)
    second.term = first.term
    await run_to_appointment(env, tq, first)
    await run_to_appointment(env, tq, second, appointment_id="ap2")
    fy = fiscal_year_of(first.term.start)
    await advance(env, date(fy + 1, 4, 1) - (await env.get_current_time()).date() + timedelta(days=3))
    claim = env.client.get_workflow_handle(f"subsidy:{town.code}:{fy}", result_type=ClaimView)
    cv = await claim.query("status", result_type=ClaimView)
    assert sorted(cv.appointments) == ["ap1", "ap2"] and cv.stage == "drafted"
    events = await ts.store.read_stream(f"subsidy:{town.code}:{fy}")
    assert types(events) == ["SubsidyAssessed", "SubsidyClaimDrafted"]  # drafted once
    # nobody confirmed R-READY 1-5 here: each appointment got its readiness reminder
    for ap in ("ap1", "ap2"):
        stream = await ts.store.read_stream(f"appointment:{town.code}:{ap}")
        kinds = [e.data["kind"] for e in stream if e.type == "ReminderSent"]
        assert kinds.count("readiness") == 1, kinds
    for ap in ("ap1", "ap2"):
        await env.client.get_workflow_handle(f"appointment:{town.code}:{ap}").terminate("test over")
    await claim.terminate("test over")
