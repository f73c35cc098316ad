"""Bare Temporal workflows with one update handler: the floor for a command's round trip
(client -> server -> worker -> server -> client), and the same with the handler awaiting a
no-op activity, or a no-op local activity — the two ways a workflow can write its events."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn(name="bench_noop")
async def noop(note: str) -> str:
    return note


@workflow.defn(name="BenchBareWorkflow")
class BareWorkflow:
    @workflow.init
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.count = 0
        self.done = False

    @workflow.run
    async def run(self, mode: str) -> int:
        await workflow.wait_condition(lambda: self.done, timeout=timedelta(hours=1))
        return self.count

    @workflow.update
    async def bump(self, note: str) -> int:
        if self.mode == "activity":
            await workflow.execute_activity(noop, note, start_to_close_timeout=timedelta(seconds=30))
        elif self.mode == "local_activity":
            await workflow.execute_local_activity(noop, note,
                                                  start_to_close_timeout=timedelta(seconds=30))
        self.count += 1
        return self.count

    @workflow.signal
    def finish(self) -> None:
        self.done = True
