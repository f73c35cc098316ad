"""A bare Temporal workflow with one update handler: the floor for a command's round trip
(client -> server -> worker -> server -> client), no validation, no I/O."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow


@workflow.defn(name="BenchBareWorkflow")
class BareWorkflow:
    def __init__(self) -> None:
        self.count = 0
        self.done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.done, timeout=timedelta(hours=1))
        return self.count

    @workflow.update
    async def bump(self, note: str) -> int:
        self.count += 1
        return self.count

    @workflow.signal
    def finish(self) -> None:
        self.done = True
