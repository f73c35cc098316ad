"""Concurrent writers: one winner per version, a gap-free log, an unbroken chain.

On PostgreSQL the writers share two stores (two connection pools, as two processes
would), so both the in-process queue and the database-level rules are exercised.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from eventstore import ConcurrencyError, NewEvent
from tests.eventstore.conftest import open_store

WRITERS = 20


async def _two_stores(url):
    return [await open_store(url, pool_size=WRITERS, max_overflow=5) for _ in range(2)]


async def test_concurrent_writers_on_one_stream_one_winner_per_version(db_url):
    stores = await _two_stores(db_url)
    stream = "recruitment:131016:contended"
    losses: Counter[int] = Counter()
    first_round: list[str] = []

    async def writer(w: int) -> None:
        store = stores[w % 2]
        expected = 0
        while True:
            try:
                await store.append(stream, expected, [NewEvent("Bid", {"writer": w})])
                first_round.append("won" if expected == 0 else "later")
                return
            except ConcurrencyError as exc:
                losses[expected] += 1
                assert exc.actual_version > expected
                expected = exc.actual_version

    try:
        await asyncio.gather(*(writer(w) for w in range(WRITERS)))
        events = await stores[0].read_stream(stream)
        # every writer's event exactly once, versions 1..20, no gap, no duplicate
        assert [e.version for e in events] == list(range(1, WRITERS + 1))
        assert sorted(e.data["writer"] for e in events) == list(range(WRITERS))
        assert [e.position for e in events] == list(range(1, WRITERS + 1))
        # exactly one writer won version 1 on its first try; the rest were told to retry
        assert first_round.count("won") == 1
        assert losses[0] == WRITERS - 1
        assert (await stores[1].verify()).ok
    finally:
        for s in stores:
            await s.close()


async def test_concurrent_writers_with_the_same_expected_version_exactly_one_wins(db_url):
    stores = await _two_stores(db_url)
    stream = "appointment:131016:race"
    try:
        await stores[0].append(stream, 0, [NewEvent("Opened", {})])

        async def attempt(w: int):
            try:
                return await stores[w % 2].append(stream, 1, [NewEvent("Decided", {"w": w})])
            except ConcurrencyError as exc:
                return exc

        outcomes = await asyncio.gather(*(attempt(w) for w in range(WRITERS)))
        wins = [o for o in outcomes if not isinstance(o, ConcurrencyError)]
        losses = [o for o in outcomes if isinstance(o, ConcurrencyError)]
        assert len(wins) == 1 and wins[0].version == 2
        assert len(losses) == WRITERS - 1
        assert {exc.actual_version for exc in losses} == {2}
        assert await stores[1].stream_version(stream) == 2
    finally:
        for s in stores:
            await s.close()


async def test_concurrent_writers_on_different_streams_keep_global_order_and_chain(db_url):
    stores = await _two_stores(db_url)
    per_writer = 5
    try:

        async def writer(w: int) -> None:
            for v in range(per_writer):
                batch = [NewEvent("Step", {"w": w, "v": v}), NewEvent("Step", {"w": w})]
                await stores[w % 2].append(f"application:131016:c1:{w}", 2 * v, batch)

        await asyncio.gather(*(writer(w) for w in range(WRITERS)))
        log = [e async for e in stores[0].read_all(batch_size=37)]
        total = WRITERS * per_writer * 2
        assert [e.position for e in log] == list(range(1, total + 1))
        assert [e.prev_hash for e in log[1:]] == [e.hash for e in log[:-1]]
        by_stream: dict[str, list[int]] = {}
        for e in log:
            by_stream.setdefault(e.stream_id, []).append(e.version)
        assert all(vs == list(range(1, 2 * per_writer + 1)) for vs in by_stream.values())
        # a batch is contiguous in the log: nobody interleaves inside it
        for a, b in zip(log[::2], log[1::2], strict=True):
            assert a.stream_id == b.stream_id and b.position == a.position + 1
        instants = [e.recorded_at for e in log]
        assert instants == sorted(instants)
        result = await stores[1].verify()
        assert result.ok and result.count == total
    finally:
        for s in stores:
            await s.close()


async def test_same_event_appended_concurrently_is_stored_once(db_url):
    stores = await _two_stores(db_url)
    event = NewEvent("ApplicationReceived", {"applicant_id": "p-1", "name": "山田 太郎"})
    try:
        await stores[0].append("application:131016:c1:p-1", 0, [NewEvent("Opened", {})])
        results = await asyncio.gather(
            *(stores[w % 2].append("application:131016:c1:p-1", 1, [event]) for w in range(WRITERS))
        )
        assert {(r.version, tuple(r.positions)) for r in results} == {(2, (2,))}
        log = [e async for e in stores[0].read_all()]
        assert [e.event_id for e in log].count(event.event_id) == 1
        assert len(log) == 2
    finally:
        for s in stores:
            await s.close()


async def test_a_reader_tailing_by_position_never_skips_a_commit(db_url):
    """A projection reads "everything after the last position I saw" while writers commit:
    it must see every position, in order, never one before an earlier one exists."""
    stores = await _two_stores(db_url)
    reader_store = await open_store(db_url)
    writers_done = asyncio.Event()
    seen: list[int] = []

    async def tail() -> None:
        last = 0
        while True:
            finished = writers_done.is_set()
            async for e in reader_store.read_all(from_position=last + 1, batch_size=7):
                assert e.position == last + 1, f"saw position {e.position} right after {last}"
                last = e.position
                seen.append(last)
            if finished:
                return
            await asyncio.sleep(0)  # let the writers run; no timed wait

    async def writer(w: int) -> None:
        for v in range(5):
            await stores[w % 2].append(f"application:131016:c2:{w}", v, [NewEvent("Step", {})])

    try:
        reader = asyncio.create_task(tail())
        await asyncio.gather(*(writer(w) for w in range(10)))
        writers_done.set()
        await reader
        assert seen == list(range(1, 51))
    finally:
        for s in [*stores, reader_store]:
            await s.close()
