"""Replay every recorded history with the current workflow code, the production data
converter and the payload codec: a non-deterministic change to a workflow fails here.
Re-record with NINYO_RECORD_HISTORIES=1 (see histories_util.py) only for intended changes
shipped behind ``workflow.patched``."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.temporal_env import test_converter
from tests.workflows.histories_util import HISTORIES
from workflows.registry import WORKFLOWS

FILES = sorted(HISTORIES.glob("*.json"))
EXPECTED_TYPES = {"RecruitmentWorkflow", "AppointmentWorkflow", "SubsidyClaimWorkflow"}


def test_a_history_of_every_workflow_type_is_committed():
    import json

    found = set()
    for f in FILES:
        events = json.loads(f.read_text())["events"]
        found.add(events[0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"])
    assert found == EXPECTED_TYPES


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
async def test_history_replays_deterministically(path):
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=WORKFLOWS, data_converter=test_converter())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure!r}"
