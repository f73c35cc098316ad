"""Append and read: positions, versions, optimistic concurrency, idempotency, reads."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from eventstore import ConcurrencyError, NewEvent, RecordedEvent
from eventstore.canonical import GENESIS
from tests.eventstore.conftest import open_store

MUNI = "131016"


def ev(type_: str = "Noted", **data) -> NewEvent:
    return NewEvent(
        type=type_,
        data=data or {"n": 1},
        metadata={"actor": "hr-1", "role": "hr_officer", "municipality": MUNI,
                  "correlation_id": "corr-1", "workflow_id": "wf-1", "run_id": "run-1"},
    )  # fmt: skip


async def all_events(store) -> list[RecordedEvent]:
    return [e async for e in store.read_all()]


async def test_append_to_new_stream_and_read_it_back(store):
    first = ev("CampaignOpened", title="CIO補佐官 募集", budget_yen=3_600_000, ratio=0.5)
    res = await store.append("recruitment:131016:c1", 0, [first], stream_type="recruitment")
    assert res.version == 1 and res.positions == [1]
    res = await store.append("recruitment:131016:c1", 1, [ev(), ev()], stream_type="recruitment")
    assert res.version == 3 and res.positions == [2, 3]

    events = await store.read_stream("recruitment:131016:c1")
    assert [(e.position, e.version) for e in events] == [(1, 1), (2, 2), (3, 3)]
    e1 = events[0]
    assert e1.event_id == first.event_id
    assert e1.type == "CampaignOpened" and e1.stream_type == "recruitment"
    assert e1.data == {"title": "CIO補佐官 募集", "budget_yen": 3_600_000, "ratio": 0.5}
    assert e1.metadata["municipality"] == MUNI and e1.metadata["run_id"] == "run-1"
    assert e1.recorded_at.tzinfo is not None and e1.recorded_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - e1.recorded_at) < timedelta(minutes=5)
    # the chain: each event links to the hash of the one before it
    assert e1.prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert await store.stream_version("recruitment:131016:c1") == 3
    assert await store.stream_version("recruitment:131016:nope") == 0


async def test_append_with_wrong_expected_version_raises_concurrency_error(store):
    await store.append("s-1", 0, [ev(), ev()])
    for wrong in (0, 1, 3, 7):
        with pytest.raises(ConcurrencyError) as info:
            await store.append("s-1", wrong, [ev()])
        assert info.value.actual_version == 2
        assert info.value.expected_version == wrong
    with pytest.raises(ConcurrencyError) as info:
        await store.append("new-stream", 1, [ev()])
    assert info.value.actual_version == 0
    assert [e.version for e in await all_events(store)] == [1, 2]  # nothing else written


async def test_append_without_expected_version_appends_at_the_end(store):
    await store.append("s-any", None, [ev()])
    res = await store.append("s-any", None, [ev()])
    assert res.version == 2


async def test_append_same_event_id_again_is_a_no_op_returning_stored_positions(store):
    batch = [ev(), ev()]
    first = await store.append("s-idem", 0, batch)
    # a retry after a lost reply: the stream moved on, yet the retry is answered, not refused
    again = await store.append("s-idem", 0, batch)
    assert again == first
    await store.append("s-idem", 2, [ev()])
    assert (await store.append("s-idem", 0, batch)).positions == first.positions
    assert len(await all_events(store)) == 3


async def test_append_refuses_a_batch_mixing_stored_and_new_event_ids_and_writes_nothing(store):
    stored = ev()
    await store.append("s-mix", 0, [stored])
    with pytest.raises(ValueError, match="same batch"):
        await store.append("s-mix", 1, [ev(), stored])
    with pytest.raises(ValueError, match="another stream"):
        await store.append("s-other", 0, [stored])
    assert [e.event_id for e in await all_events(store)] == [stored.event_id]
    assert await store.stream_version("s-mix") == 1


async def test_append_refuses_values_that_would_not_round_trip_and_names_the_field(store):
    cases = [
        ({"amount": math.nan}, "events[0].data.amount"),
        ({"name": "a\x00b"}, "events[0].data.name"),
        ({"when": datetime.now(UTC)}, "events[0].data.when"),
        ({"nested": {"xs": [1, math.inf]}}, "events[0].data.nested.xs[1]"),
    ]
    for data, field in cases:
        with pytest.raises((ValueError, TypeError), match=field.replace("[", r"\[")):
            await store.append("s-bad", 0, [NewEvent("Bad", data)])
    assert await all_events(store) == []


async def test_append_stores_numbers_and_strings_exactly(store):
    data = {"z": -0.0, "tiny": 1e-7, "x": 123.456, "big": 1e20, "huge": 2**70, "s": 'é\n"'}
    await store.append("s-f", 0, [NewEvent("F", data)])
    (e,) = await store.read_stream("s-f")
    assert e.data == data
    assert (await store.verify()).ok


async def test_read_stream_up_to_version(store):
    await store.append("s-up", 0, [ev(i=i) for i in range(5)])
    assert [e.version for e in await store.read_stream("s-up", up_to_version=3)] == [1, 2, 3]


async def test_read_stream_as_of_an_instant_sees_only_events_recorded_by_then(store):
    await store.append("s-asof", 0, [ev(step=1)])
    await store.append("s-asof", 1, [ev(step=2), ev(step=3)])
    await store.append("s-other", 0, [ev()])
    await store.append("s-asof", 3, [ev(step=4)])
    events = await store.read_stream("s-asof")
    instants = [e.recorded_at for e in events]
    assert instants == sorted(instants) and instants[0] < instants[1] == instants[2] < instants[3]

    as_of = store.read_stream_as_of
    assert await as_of("s-asof", instants[0] - timedelta(microseconds=1)) == []
    assert [e.data["step"] for e in await as_of("s-asof", instants[0])] == [1]
    assert [e.data["step"] for e in await as_of("s-asof", instants[2])] == [1, 2, 3]
    later = instants[3] + timedelta(days=1)
    assert [e.data["step"] for e in await as_of("s-asof", later)] == [1, 2, 3, 4]
    # an instant in another timezone means the same moment
    jst = instants[0].astimezone(timezone_jst())
    assert [e.data["step"] for e in await as_of("s-asof", jst)] == [1]
    with pytest.raises(ValueError, match="instant"):
        await as_of("s-asof", datetime(2026, 1, 1))


def timezone_jst():
    from datetime import timezone

    return timezone(timedelta(hours=9))


async def test_read_category_returns_streams_with_the_prefix_in_global_order(store):
    await store.append("application:131016:c_1:a1", 0, [ev(n=1)])
    await store.append("application:131016:c_10:a9", 0, [ev(n=2)])  # not c_1
    await store.append("application:131016:c_1:a2", 0, [ev(n=3)])
    await store.append("application:131016:cx1:a3", 0, [ev(n=4)])  # "_" is no wildcard
    await store.append("recruitment:131016:c_1", 0, [ev(n=5)])
    await store.append("application:131016:c_1:a1", 1, [ev(n=6)])

    got = await store.read_category("application:131016:c_1:")
    assert [e.data["n"] for e in got] == [1, 3, 6]
    assert [e.position for e in got] == sorted(e.position for e in got)

    cut = got[1].recorded_at
    assert [e.data["n"] for e in await store.read_category("application:131016:c_1:", cut)] == [
        1,
        3,
    ]
    assert len(await store.read_category("")) == 6
    assert await store.read_category("zzz") == []


async def test_query_filters_by_type_stream_type_municipality_and_position(store):
    other = NewEvent("Noted", {"n": 0}, metadata={"municipality": "011002"})
    await store.append("r:1", 0, [ev("Opened"), ev("Noted")], stream_type="recruitment")
    await store.append("a:1", 0, [ev("Noted"), other], stream_type="appointment")

    async def q(**kw):
        return [e.position async for e in store.query(**kw)]

    assert await q(types=["Noted"]) == [2, 3, 4]
    assert await q(stream_type="appointment") == [3, 4]
    assert await q(municipality=MUNI) == [1, 2, 3]
    assert await q(municipality="011002") == [4]
    assert await q(types=["Noted"], municipality=MUNI, from_position=3) == [3]
    assert await q(types=[]) == []


async def test_read_all_streams_the_log_in_batches_from_a_position(store):
    for i in range(5):
        await store.append(f"s-{i % 2}", None, [ev(i=i), ev(i=i)])
    everything = [e async for e in store.read_all(batch_size=3)]
    assert [e.position for e in everything] == list(range(1, 11))
    tail = [e.position async for e in store.read_all(from_position=8, batch_size=2)]
    assert tail == [8, 9, 10]
    assert [e.position async for e in store.read_all(from_position=11)] == []


async def test_upcasters_turn_old_schema_versions_into_the_current_shape_on_read(store, db_url):
    old = NewEvent("AdvisorAppointed", {"fee": 30}, schema_version=1)
    mid = NewEvent("AdvisorAppointed", {"fee_yen": 250_000}, schema_version=2)
    cur = NewEvent("AdvisorAppointed", {"fee_yen": 100_000, "form": "full_time"}, schema_version=3)
    await store.append("appointment:131016:x", 0, [old, mid, cur])

    got = await store.read_stream("appointment:131016:x")
    assert [e.schema_version for e in got] == [3, 3, 3]
    assert [e.data for e in got] == [
        {"fee_yen": 300_000, "form": "part_time"},
        {"fee_yen": 250_000, "form": "part_time"},
        {"fee_yen": 100_000, "form": "full_time"},
    ]
    # the stored events are unchanged: upcasting is a read-side view
    assert (await store.verify()).ok
    async with await open_store(db_url, upcasters=None) as raw:
        stored = await raw.read_stream("appointment:131016:x")
    assert [(e.schema_version, e.data) for e in stored][0] == (1, {"fee": 30})


async def test_a_failed_batch_leaves_nothing_behind(store):
    await store.append("s-atomic", 0, [ev()])
    taken = ev()
    await store.append("s-elsewhere", 0, [taken])
    # second event collides with a stored id: the first must not stay either
    with pytest.raises(ValueError):
        await store.append("s-atomic", 1, [ev(), taken])
    assert await store.stream_version("s-atomic") == 1
    assert [e.position for e in await all_events(store)] == [1, 2]
    assert (await store.append("s-atomic", 1, [ev()])).positions == [3]


async def test_a_second_store_on_the_same_database_continues_the_chain(db_url):
    a = await open_store(db_url)
    b = await open_store(db_url)
    try:
        await a.append("s-a", 0, [ev()])
        await b.append("s-b", 0, [ev()])
        await a.append("s-a", 1, [ev(), ev()])  # a's idea of the head is stale: recovers
        await b.append("s-b", 1, [ev()])
        with pytest.raises(ConcurrencyError):
            await a.append("s-b", 1, [ev()])
        positions = [e.position for e in await all_events(a)]
        assert positions == [1, 2, 3, 4, 5]
        assert (await b.verify()).ok
    finally:
        await a.close()
        await b.close()


async def test_new_event_ids_are_unique_by_default():
    assert NewEvent("X", {}).event_id != NewEvent("X", {}).event_id
    assert NewEvent("X", {}, event_id=str(uuid4())).event_id.version == 4
