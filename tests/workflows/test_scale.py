"""A campaign with 600 applicants (the manual's city B drew 615) completes, and every run
of every workflow keeps its history under 10,240 events (continue-as-new)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from tests.workflows.builders import Scenario, municipality
from tests.workflows.helpers import (
    advance,
    cmd,
    offer_accepted,
    sign_all_and_appoint,
)
from workflows.client import start_campaign
from workflows.models import CampaignInput, CampaignView

APPLICANTS = 600
LIMIT = 10_240


async def _run_lengths(client, workflow_id: str) -> list[int]:
    """History length of every run of a workflow, newest first."""
    run_id = (await client.get_workflow_handle(workflow_id).describe()).run_id
    lengths = []
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        lengths.append(len(history.events))
        run_id = history.events[0].workflow_execution_started_event_attributes.continued_execution_run_id
    return lengths


async def test_600_applicants_bounded_history(ts):
    env, store, tq = ts.env, ts.store, ts.task_queue
    started = time.monotonic()
    now = await env.get_current_time()
    sc = Scenario(now, "big", municipality("074062"))
    # appends through a local activity write ~3 history events per command, so 600
    # applications alone stay under the default 4,000: a lower threshold still makes the
    # campaign continue as new on the way
    h = await start_campaign(env.client, CampaignInput(define=sc.define(), continue_as_new_after=1000),
                             task_queue=tq)
    for c in (sc.submit(), sc.approve(), sc.publish(now + timedelta(days=30))):
        await cmd(h, c)
    ids = [f"a{i:03d}" for i in range(APPLICANTS)]
    for batch in range(0, APPLICANTS, 150):
        await asyncio.gather(*(cmd(h, sc.receive(a)) for a in ids[batch:batch + 150]))
    await advance(env, timedelta(days=31), step_timeout=60)  # reminders, then the posting closes itself
    status = await h.query("status", result_type=CampaignView)
    assert status.applications == APPLICANTS and not status.posting_open
    assert status.runs >= 2  # continued as new on the way

    first = ids[-1]
    now = await env.get_current_time()
    await offer_accepted(h, sc, first, now)
    await sign_all_and_appoint(h, sc, first)
    final = await h.query("status", result_type=CampaignView)
    assert final.stage == "appointed" and final.applications == APPLICANTS

    lengths = await _run_lengths(env.client, h.id)
    assert len(lengths) >= 2 and max(lengths) < LIMIT, lengths
    received = [e for e in await store.read_category("application:074062:big:")
                if e.type == "ApplicationReceived"]
    assert len(received) == len({e.stream_id for e in received}) == APPLICANTS
    assert time.monotonic() - started < 120
    await env.client.get_workflow_handle("appointment:074062:ap1").terminate("test over")
    await h.terminate("test over")
