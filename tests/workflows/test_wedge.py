"""Issue 10 point 2: one input must not wedge a campaign. What can fail is checked before
the append (the workflow refuses, nothing is written, the state and the store agree) and
the campaign keeps taking commands; values the workflow could not process (a deadline in
year 9999) never reach it, even when sent to Temporal directly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.screening import Employment
from tests.workflows.helpers import campaign_events, campaign_started, cmd, types
from workflows.client import rule_violation
from workflows.models import CampaignView


async def _posted(ts, campaign_id: str):
    sc, h = await campaign_started(ts, campaign_id, "submit", "approve")
    await cmd(h, sc.publish(await ts.env.get_current_time() + timedelta(days=10)))
    return sc, h


async def test_events_too_large_to_record_are_refused_before_the_append(ts):
    sc, h = await _posted(ts, "wedge-big")
    huge = tuple(Employment(company="x" * 3000, position=f"p{i}") for i in range(200))
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await cmd(h, sc.receive("a1").model_copy(update={"career_history": huge}))
    assert rule_violation(e.value).code == "payload_too_large"
    # nothing written, the state agrees, and the campaign still takes commands
    await cmd(h, sc.receive("a2"))
    status = await h.query("status", result_type=CampaignView)
    events = await campaign_events(ts.store, sc.municipality.code, sc.campaign_id)
    assert types(events).count("ApplicationReceived") == 1
    assert status.version == len(events)  # the state folded exactly what the store holds


async def test_a_deadline_in_year_9999_sent_straight_to_temporal_is_refused(ts):
    sc, h = await _posted(ts, "wedge-9999")
    payload = {"kind": "ExtendPostingDeadline", "actor": {"id": "hr-1", "role": "hr_officer"},
               "new_deadline": "9999-12-31T00:00:00+09:00"}
    with pytest.raises(WorkflowUpdateFailedError):
        await h.execute_update("command", payload, result_type=dict)
    await cmd(h, sc.receive("a1"))  # the campaign is not wedged
    events = await campaign_events(ts.store, sc.municipality.code, sc.campaign_id)
    assert "PostingDeadlineExtended" not in types(events)
