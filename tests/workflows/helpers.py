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


async def run_to_appointment(env, task_queue: str, sc, applicants=("a1",), deadline_days=10):
    """Drive a campaign from its role to the appointment of the first applicant; returns
    the campaign handle (already completed)."""
    from datetime import timedelta

    from domain.state import ApplicationState
    from workflows.client import start_campaign
    from workflows.models import ApplicationQuery, CampaignInput

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
    await cmd(h, sc.screen(first))
    await cmd(h, sc.schedule(first, now + timedelta(hours=2)))
    await cmd(h, sc.record(first))
    await cmd(h, sc.shortlist(first))
    await cmd(h, sc.approve_offer(first))
    await cmd(h, sc.make_offer(first, now + timedelta(days=14)))
    await cmd(h, sc.accept(first, now + timedelta(days=10)))
    app = await h.query("application", ApplicationQuery(application_id=first), result_type=ApplicationState)
    await cmd(h, sc.sign(first, [p.item for p in app.pledges.required], sc.term.start - timedelta(days=30)))
    await cmd(h, sc.appoint(first))
    await h.result()
    return h


async def advance(env, duration) -> None:
    """Skip ``duration`` of server time on the time-skipping test server.

    The V1 test server (1.40) sometimes leaves its time-skipping lock counter raised after a
    signal-with-start from inside an activity (the subsidy claim); its sleep RPC then never
    returns. We give the sleep a deadline and, when it passes, release one lock and retry.
    """
    from datetime import timedelta

    import temporalio.api.testservice.v1 as ts_api
    from temporalio.service import RPCError

    req = ts_api.SleepRequest()
    req.duration.FromTimedelta(duration)
    for _ in range(3):
        try:
            await env.client.test_service.unlock_time_skipping_with_sleep(
                req, timeout=timedelta(seconds=40)
            )
            return
        except RPCError:
            await env.client.test_service.unlock_time_skipping(ts_api.UnlockTimeSkippingRequest())
    raise AssertionError("the time-skipping server did not advance")
