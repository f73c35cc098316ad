"""Reading what a campaign left behind: its events (in the store) and reminders (outbox)."""

from __future__ import annotations

from temporalio.client import WorkflowHandle

from workflows.models import CommandResult as Result


async def campaign_events(store, code: str, campaign: str) -> list:
    """The campaign's full event list: its stream and its applications' streams, in
    global position order (docs/interfaces.md)."""
    events = await store.read_category(f"recruitment:{code}:{campaign}")
    events += await store.read_category(f"application:{code}:{campaign}:")
    return sorted(events, key=lambda e: e.position)


def types(events) -> list[str]:
    return [e.type for e in events]


def reminders(events) -> list[tuple[str, str]]:
    return [(e.data["kind"], e.data["subject_id"]) for e in events if e.type == "ReminderSent"]


async def cmd(handle: WorkflowHandle, command) -> Result:
    return await handle.execute_update("command", command, result_type=Result)


async def update(handle: WorkflowHandle, name: str, command) -> Result:
    """An update other than ``command`` (a claim's ``approve``, ``draft_now``, ...)."""
    return await handle.execute_update(name, command, result_type=Result)


async def run_to_appointment(
    env, task_queue: str, sc, applicants=("a1",), deadline_days=10, appointment_id="ap1"
):
    """Drive a campaign from its role to the appointment of the first applicant; returns
    the campaign handle (already completed)."""
    from datetime import timedelta

    from workflows.client import start_campaign
    from workflows.models import CampaignInput

    h = await start_campaign(env.client, CampaignInput(define=sc.define()), task_queue=task_queue)
    now = await env.get_current_time()
    await cmd(h, sc.submit())
    await cmd(h, sc.approve())
    await cmd(h, sc.publish(now + timedelta(days=deadline_days)))
    for a in applicants:
        await cmd(h, sc.receive(a))
    await advance(env, timedelta(days=deadline_days + 1))
    first = applicants[0]
    now = await env.get_current_time()
    await offer_accepted(h, sc, first, now)
    result = await sign_all_and_appoint(h, sc, first, appointment_id)
    assert result.stage == "appointed"
    return h


async def offer_accepted(h, sc, application_id: str, now, pledge_days: int = 10) -> None:
    """Screen, interview (recorded), shortlist, offer approved, made and accepted."""
    from datetime import timedelta

    for c in (sc.screen(application_id), sc.schedule(application_id, now + timedelta(hours=1)),
              sc.record(application_id), sc.shortlist(application_id),
              sc.approve_offer(application_id),
              sc.make_offer(application_id, now + timedelta(days=14)),
              sc.accept(application_id, now + timedelta(days=pledge_days))):
        await cmd(h, c)


async def required_pledges(h, application_id: str) -> list[str]:
    from domain.state import ApplicationState
    from workflows.models import ApplicationQuery

    app = await h.query("application", ApplicationQuery(application_id=application_id),
                        result_type=ApplicationState)
    return [p.item for p in app.pledges.required]


async def sign_all_and_appoint(h, sc, application_id: str, appointment_id: str = "ap1"):
    items = await required_pledges(h, application_id)
    await cmd(h, sc.sign(application_id, items, sc.term.start))
    return await cmd(h, sc.appoint(application_id, appointment_id))


async def advance(env, duration, step_timeout: float = 3.0) -> None:
    """Skip ``duration`` of server time on the time-skipping test server, in steps of at
    most 30 days (each step lets the workflows' timers of that month fire).

    The V1 test server (1.40) now and then leaves its time-skipping lock counter raised
    (seen when an appointment closes its fiscal year and starts the claim); its sleep RPC
    then never returns. Each step has a deadline (normal steps take well under a second);
    when it passes, one lock is released and the step retried.
    """
    from datetime import timedelta

    import temporalio.api.testservice.v1 as ts_api
    from temporalio.service import RPCError

    step = timedelta(days=30)
    remaining = duration
    while remaining > timedelta(0):
        chunk = min(step, remaining)
        req = ts_api.SleepRequest()
        req.duration.FromTimedelta(chunk)
        for attempt in range(4):
            try:
                await env.client.test_service.unlock_time_skipping_with_sleep(
                    req, timeout=timedelta(seconds=step_timeout)
                )
                break
            except RPCError as err:
                if attempt == 3:
                    raise AssertionError(f"the time-skipping server did not advance: {err}") from err
                try:
                    await env.client.test_service.unlock_time_skipping(
                        ts_api.UnlockTimeSkippingRequest()
                    )
                except RPCError:
                    pass  # not locked: the step was only slow
        remaining -= chunk


async def campaign_started(ts, campaign_id: str, *steps: str):
    """A campaign on the session's time-skipping worker, moved through ``steps`` (names of
    Scenario methods without arguments, e.g. "submit", "approve")."""
    from tests.workflows.builders import Scenario
    from workflows.client import start_campaign
    from workflows.models import CampaignInput

    now = await ts.env.get_current_time()
    sc = Scenario(now, campaign_id=campaign_id)
    h = await start_campaign(ts.env.client, CampaignInput(define=sc.define()),
                             task_queue=ts.task_queue)
    for step in steps:
        await cmd(h, getattr(sc, step)())
    return sc, h
