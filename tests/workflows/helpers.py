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
