"""Issue 10 point 1: writes through Temporal that bypass the API are refused and record
nothing — whether plain JSON (no payload key) or encrypted but not signed by Ninyo's
client (the actor the API authenticated travels in a signed envelope)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from tests.temporal_env import test_converter
from tests.workflows.builders import Scenario
from tests.workflows.helpers import campaign_events, campaign_started, cmd, types
from workflows.client import rule_violation
from workflows.models import CampaignInput, CampaignReply

MALLORY = {"kind": "ApproveRole", "actor": {"id": "mallory", "role": "approver"}}


async def _submitted(ts, campaign_id: str):
    return await campaign_started(ts, campaign_id, "submit")


async def _outsider(ts, **kwargs) -> Client:
    cfg = ts.env.client.service_client.config
    return await Client.connect(cfg.target_host, namespace=ts.env.client.namespace, **kwargs)


async def test_a_plain_json_update_from_outside_records_nothing(ts):
    sc, h = await _submitted(ts, "bypass-plain")
    outsider = await _outsider(ts)  # the `temporal` CLI: default converter, no key
    with pytest.raises(WorkflowUpdateFailedError):
        await outsider.get_workflow_handle(h.id).execute_update(
            "command_view", MALLORY, result_type=dict)
    events = await campaign_events(ts.store, sc.municipality.code, sc.campaign_id)
    assert "RoleApproved" not in types(events)
    await cmd(h, sc.approve())  # the campaign still works for Ninyo's own client


async def test_an_encrypted_but_unsigned_command_is_refused(ts):
    sc, h = await _submitted(ts, "bypass-unsigned")
    # has the payload key (a leaked converter), but is not Ninyo's client: no signature
    outsider = await _outsider(ts, data_converter=test_converter())
    forged = sc.approve().model_copy(update={"actor": sc.approve().actor.model_copy(
        update={"id": "mallory"})})
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await outsider.get_workflow_handle(h.id).execute_update(
            "command_view", forged, result_type=CampaignReply)
    assert rule_violation(e.value).code == "AUTH-SIGNATURE"
    events = await campaign_events(ts.store, sc.municipality.code, sc.campaign_id)
    assert "RoleApproved" not in types(events)


async def test_a_campaign_started_from_outside_writes_nothing(ts):
    now = await ts.env.get_current_time()
    sc = Scenario(now, campaign_id="bypass-start")
    outsider = await _outsider(ts, data_converter=test_converter())
    h = await outsider.start_workflow(
        "RecruitmentWorkflow", CampaignInput(define=sc.define()), id="recruitment:"
        f"{sc.municipality.code}:bypass-start", task_queue=ts.task_queue,
        execution_timeout=timedelta(minutes=5))
    with pytest.raises(Exception):  # noqa: B017 - the workflow fails: AUTH-SIGNATURE
        await h.result()
    assert await campaign_events(ts.store, sc.municipality.code, sc.campaign_id) == []
