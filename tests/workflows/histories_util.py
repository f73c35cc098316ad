"""Recording workflow histories for the replay test.

    NINYO_RECORD_HISTORIES=1 .venv/bin/pytest tests/workflows/test_recruitment.py \
        tests/workflows/test_appointment.py      # rewrites tests/workflows/histories/*.json

The histories are encrypted with the fixed test payload key (tests/temporal_env.py), so
the replay test decodes them with the production converter and codec.
"""

from __future__ import annotations

import os
from pathlib import Path

HISTORIES = Path(__file__).parent / "histories"


def recording() -> bool:
    return os.environ.get("NINYO_RECORD_HISTORIES") == "1"


async def record(client, workflow_id: str, name: str, all_runs: bool = False) -> None:
    """Save the latest run (and, with ``all_runs``, every earlier run) of a workflow."""
    if not recording():
        return
    HISTORIES.mkdir(exist_ok=True)
    handle = client.get_workflow_handle(workflow_id)
    run_id = (await handle.describe()).run_id
    n = 0
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        suffix = f"-run{n}" if all_runs else ""
        (HISTORIES / f"{name}{suffix}.json").write_text(history.to_json())
        if not all_runs:
            return
        start = history.events[0].workflow_execution_started_event_attributes
        run_id = start.continued_execution_run_id
        n += 1
