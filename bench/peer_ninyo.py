"""Ninyo's own event store (``eventstore/``): hash chain on, personal-data encryption on
(the bench event type is declared with its personal fields, and every event carries them).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import datetime

from bench.payload import (
    EVENT_TYPE,
    PERSONAL_FIELDS,
    SUBJECT_FIELD,
    application_data,
    metadata,
)
from bench.stats import Timer


def available() -> str | None:
    """None when the event store can be used, else why not."""
    try:
        import eventstore  # noqa: F401
        from eventstore import EventStore, NewEvent, PersonalFields  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - reported in the results
        return f"eventstore not importable yet: {exc!r}"
    return None


def events_table() -> str:
    """The name of the store's event table (for the plain-read baseline of verify)."""
    return "events"


def trivial_fold(events) -> dict:
    """Applicants by id — the same work the eventsourcing aggregate does."""
    applicants: dict[str, dict] = {}
    for e in events:
        applicants[e.data[SUBJECT_FIELD]] = e.data
    return applicants


class NinyoPeer:
    def __init__(self, store):
        self.store = store
        self._streams = 0

    @classmethod
    async def connect(cls, url: str) -> NinyoPeer:
        from eventstore import EventStore, PersonalFields

        personal: dict = {}
        upcasters = None
        try:  # the domain's own declarations, so its events are stored as in production
            from bench.domain_stream import store_kwargs

            kw = store_kwargs()
            personal, upcasters = dict(kw["personal"]), kw["upcasters"]
        except Exception:  # noqa: BLE001 - domain/ not landed: bench events only
            pass
        personal[EVENT_TYPE] = PersonalFields(subject=SUBJECT_FIELD, fields=PERSONAL_FIELDS)
        store = await EventStore.connect(
            url, signing_key=os.urandom(32), master_key=os.urandom(32), personal=personal,
            upcasters=upcasters, migrate=True,
        )
        return cls(store)

    async def close(self) -> None:
        await self.store.close()

    def new_stream(self) -> str:
        self._streams += 1
        from domain import streams

        return streams.campaign("131016", f"bench-{self._streams}-{uuid.uuid4().hex[:6]}")

    @staticmethod
    def events(start: int, count: int) -> list:
        from eventstore import NewEvent

        return [NewEvent(type=EVENT_TYPE, data=application_data(start + k), metadata=metadata())
                for k in range(count)]

    async def append_single(self, n: int) -> tuple[int, float]:
        stream = self.new_stream()
        with Timer() as t:
            for v in range(n):
                await self.store.append(stream, v, self.events(v, 1), stream_type="recruitment")
        return n, t.seconds

    async def append_batch(self, batches: int, size: int = 100) -> tuple[int, float]:
        stream = self.new_stream()
        with Timer() as t:
            for b in range(batches):
                await self.store.append(stream, b * size, self.events(b * size, size),
                                        stream_type="recruitment")
        return batches * size, t.seconds

    async def append_concurrent(self, writers: int, per_writer: int) -> tuple[int, float]:
        streams = [self.new_stream() for _ in range(writers)]

        async def write(stream: str) -> None:
            for v in range(per_writer):
                await self.store.append(stream, v, self.events(v, 1), stream_type="recruitment")

        start = time.perf_counter()
        await asyncio.gather(*(write(s) for s in streams))
        return writers * per_writer, time.perf_counter() - start

    async def fill(self, n: int, batch: int = 500, make_events=None) -> str:
        """A new stream of ``n`` events (``make_events(start, count)``, default bench events)."""
        make_events = make_events or self.events
        stream = self.new_stream()
        done = 0
        while done < n:
            k = min(batch, n - done)
            await self.store.append(stream, done, make_events(done, k), stream_type="recruitment")
            done += k
        return stream

    async def read_stream(self, stream: str, fold) -> tuple[int, float]:
        """``store.read_stream`` then ``fold(recorded events)`` (the like-for-like read)."""
        with Timer() as t:
            events = await self.store.read_stream(stream)
            fold(events)
        return len(events), t.seconds

    async def view(self, stream: str, view, *args) -> tuple[int, float]:
        """``view(store, stream, *args)``: a domain read and fold; returns events folded."""
        with Timer() as t:
            n = await view(self.store, stream, *args)
        return n, t.seconds

    async def instant_of(self, stream: str, version: int) -> datetime:
        events = await self.store.read_stream(stream, up_to_version=version)
        return events[-1].recorded_at

    async def verify(self) -> tuple[int, float]:
        with Timer() as t:
            result = await self.store.verify()
        if not result.ok:
            raise RuntimeError(f"verification failed: {result}")
        return result.count, t.seconds
