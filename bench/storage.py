"""The storage benchmarks: Ninyo's store vs eventsourcing vs raw asyncpg (PostgreSQL),
and Ninyo's store on SQLite."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import peer_ninyo
from bench.peer_es import EventsourcingPeer
from bench.peer_raw import RawPeer
from bench.pgdb import Database, create_database, drop_database
from bench.sizes import Sizes
from bench.stats import Figure, rate, rates

PENDING = None  # a figure that could not be measured (see the notes)


def _fig(f: Figure | None) -> dict | None:
    return f.as_json() if f is not None else None


def fold_choice():
    """(view of a campaign stream, events for a stream of n, description): the domain's own
    read and fold over a real campaign stream, else (domain/ unusable) a trivial fold over
    bench events."""
    try:
        from bench import domain_stream  # needs domain.events / domain.state
        domain_stream.check()
    except Exception as exc:  # noqa: BLE001
        async def trivial(store, stream):
            return len(peer_ninyo.trivial_fold(await store.read_stream(stream)))
        return (trivial, None,
                f"trivial fold (applicants by id) — domain fold not available: {exc!r}")
    return domain_stream.campaign_view, domain_stream.new_events, domain_stream.DESCRIPTION


async def run_postgres(sizes: Sizes, notes: list[str]) -> dict:
    db = await create_database()
    try:
        return await _postgres(db, sizes, notes)
    finally:
        await drop_database(db)


async def _postgres(db: Database, s: Sizes, notes: list[str]) -> dict:
    why = peer_ninyo.available()
    if why:
        notes.append(f"Ninyo store figures pending: {why}")
    ninyo = None if why else await peer_ninyo.NinyoPeer.connect(db.sqlalchemy_url)
    raw = await RawPeer.connect(db.dsn)  # after Ninyo's schema exists: it mirrors it
    es = EventsourcingPeer(db, pool_size=s.concurrent_writers)
    try:
        out = await _postgres_peers(raw, es, ninyo, s, notes)
        out["raw_table"] = raw.schema
        return out
    finally:
        es.close()
        await raw.close()
        if ninyo is not None:
            await ninyo.close()


def _sync(fn, *args):
    """The eventsourcing library is synchronous: call it directly (nothing else runs)."""
    async def rep():
        return fn(*args)
    return rep


async def _postgres_peers(raw, es, ninyo, s: Sizes, notes: list[str]) -> dict:
    reps = s.reps
    out: dict = {}

    def peers(**kw):
        return {k: v for k, v in kw.items() if v is not None}

    def record(section: str, figs: dict[str, Figure], expected: tuple[str, ...]) -> None:
        out[section] = {p: _fig(figs.get(p)) for p in expected}

    record("append_single", await rates(peers(
        ninyo=ninyo and (lambda: ninyo.append_single(s.single_n)),
        eventsourcing=_sync(es.append_single, s.single_n),
        raw=lambda: raw.append_single(s.single_n)), reps, s.warmup), ("ninyo", "eventsourcing", "raw"))
    record("append_batch", await rates(peers(
        ninyo=ninyo and (lambda: ninyo.append_batch(s.batch_batches)),
        eventsourcing=_sync(es.append_batch, s.batch_batches),
        raw=lambda: raw.append_batch(s.batch_batches)), reps, s.warmup), ("ninyo", "eventsourcing", "raw"))
    w, k = s.concurrent_writers, s.concurrent_per_writer
    record("append_concurrent", await rates(peers(
        ninyo=ninyo and (lambda: ninyo.append_concurrent(w, k)),
        eventsourcing=_sync(es.append_concurrent, w, k)), reps, s.warmup),
           ("ninyo", "eventsourcing"))
    out["append_concurrent"]["writers"] = w

    # read + fold one stream of read_n events; raw reads the same rows with the same query
    es_id = es.fill(s.read_n)
    read_peers = peers(eventsourcing=_sync(es.read_stream, es_id))
    fold_desc = "n/a (Ninyo store pending)"
    if ninyo is not None:
        from eventstore.postgres import READ_STREAM_SQL

        view, make_events, fold_desc = fold_choice()
        domain_stream = await ninyo.fill(s.read_n, make_events=make_events)
        bench_stream = await ninyo.fill(s.read_n)
        read_peers["ninyo"] = lambda: ninyo.view(domain_stream, view)
        read_peers["raw"] = lambda: raw.fetch(READ_STREAM_SQL, domain_stream)
        read_peers["ninyo_same_events"] = lambda: ninyo.read_stream(
            bench_stream, peer_ninyo.trivial_fold)
    else:
        raw_stream = await raw.fill_stream(s.read_n)
        read_peers["raw"] = lambda: raw.read_stream(raw_stream)
    record("read_stream", await rates(read_peers, reps, s.warmup),
           ("ninyo", "eventsourcing", "raw", "ninyo_same_events"))
    out["read_stream"].update(
        events=s.read_n, fold=fold_desc,
        raw_note="raw: the rows Ninyo's read returns, by the same SQL (eventstore.postgres."
                 "READ_STREAM_SQL), one prepared asyncpg fetch",
        ninyo_same_events_note="the eventsourcing peer's events (4 encrypted personal fields "
                               "each), trivial fold: the like-for-like store comparison")

    if ninyo is None:
        out["as_of"] = {"ninyo": PENDING, "raw": PENDING}
        out["verify"] = {"ninyo": PENDING, "raw": PENDING}
        return out
    out["as_of"] = await _as_of(ninyo, raw, s)
    out["verify"] = await _verify(s, notes)
    return out


async def _as_of(ninyo, raw, s: Sizes) -> dict:
    """The auditor's view of an appointment as of an instant (half-way through a five-year,
    ``as_of_n``-event stream), against a plain read of the same rows."""
    from bench import domain_stream
    from eventstore.postgres import READ_STREAM_AS_OF_SQL

    stream = await ninyo.fill(s.as_of_n, make_events=domain_stream.new_appointment_events)
    version = s.as_of_n // 2
    instant = await ninyo.instant_of(stream, version)
    figs = await rates({
        "ninyo": lambda: ninyo.view(stream, domain_stream.appointment_view, instant),
        "raw": lambda: raw.fetch(READ_STREAM_AS_OF_SQL, stream, instant),
    }, s.reps, s.warmup)
    return {"ninyo": figs["ninyo"].as_json(), "raw": figs["raw"].as_json(),
            "stream_events": s.as_of_n, "as_of_version": version,
            "view": domain_stream.AS_OF_DESCRIPTION,
            "raw_note": "raw: the same rows by the same SQL (eventstore.postgres."
                        "READ_STREAM_AS_OF_SQL), one prepared asyncpg fetch"}


async def _verify(s: Sizes, notes: list[str]) -> dict:
    """Whole-log verification on a database holding exactly ``verify_n`` events, interleaved
    with a plain read of the same rows."""
    db = await create_database("ninyo_bench_verify")
    try:
        ninyo = await peer_ninyo.NinyoPeer.connect(db.sqlalchemy_url)
        raw = await RawPeer.connect(db.dsn)
        try:
            per_stream = 1000
            for _ in range(max(1, s.verify_n // per_stream)):
                await ninyo.fill(min(per_stream, s.verify_n), batch=500)
            table = peer_ninyo.events_table()
            figs = await rates({"ninyo": ninyo.verify,
                                "raw": lambda: raw.read_all(table=table)}, s.reps, s.warmup)
        finally:
            await raw.close()
            await ninyo.close()
        return {"ninyo": figs["ninyo"].as_json(), "raw": figs["raw"].as_json(),
                "events": s.verify_n}
    finally:
        await drop_database(db)


async def run_sqlite(s: Sizes, notes: list[str]) -> dict:
    why = peer_ninyo.available()
    if why:
        return {"append_single": {"ninyo": PENDING}, "append_batch": {"ninyo": PENDING}}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        ninyo = await peer_ninyo.NinyoPeer.connect(url)
        try:
            single = await rate(lambda: ninyo.append_single(s.sqlite_single_n), s.reps,
                                s.warmup)
            batch = await rate(lambda: ninyo.append_batch(s.sqlite_batch_batches), s.reps,
                               s.warmup)
        finally:
            await ninyo.close()
    return {"append_single": {"ninyo": single.as_json()}, "append_batch": {"ninyo": batch.as_json()}}
