"""The production worker (``worker.main``) with one test hook, for the crash test.

    python -m tests.workflows.crash_worker

Environment (besides the worker's own ``NINYO_*``):

- ``NINYO_TEST_CRASH_PORT``: a TCP port on 127.0.0.1 where the test listens;
- ``NINYO_TEST_CRASH_EVENT`` / ``NINYO_TEST_CRASH_APPLICATION``: the first append of an event
  of that type for that application id is the one held;
- ``NINYO_TEST_CRASH_WHEN``: ``before`` (hold before the events reach the store) or
  ``after`` (hold once they are committed, before the activity can report it).

When the held append is reached, the worker tells the test (one line: ``when stream_id``) and
waits forever, so the test's SIGKILL lands exactly while that command is in flight. Every
other append goes straight to the real store.
"""

from __future__ import annotations

import asyncio
import inspect
import os

from eventstore import EventStore


def install_hook() -> None:
    port = int(os.environ["NINYO_TEST_CRASH_PORT"])
    when = os.environ["NINYO_TEST_CRASH_WHEN"]
    event_type = os.environ["NINYO_TEST_CRASH_EVENT"]
    application_id = os.environ["NINYO_TEST_CRASH_APPLICATION"]
    if when not in ("before", "after"):
        raise ValueError(f"NINYO_TEST_CRASH_WHEN: before or after, not {when!r}")
    real = EventStore.append
    signature = inspect.signature(real)
    held = False

    async def hold(stream_id: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"{when} {stream_id}\n".encode())
        await writer.drain()
        await reader.read()  # the test never answers: it kills this process
        await asyncio.Event().wait()

    async def append(self, *args, **kwargs):
        nonlocal held
        call = signature.bind(self, *args, **kwargs)
        events = list(call.arguments["events"])
        call.arguments["events"] = events
        hit = not held and any(
            e.type == event_type and e.data.get("application_id") == application_id for e in events
        )
        if not hit:
            return await real(*call.args, **call.kwargs)
        held = True
        if when == "after":
            await real(*call.args, **call.kwargs)
        await hold(call.arguments["stream_id"])

    EventStore.append = append


if __name__ == "__main__":
    import worker

    install_hook()
    asyncio.run(worker.main())
