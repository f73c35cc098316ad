"""The tamper-evident, append-only event store: the front over the layers.

PostgreSQL (asyncpg) in production, SQLite (aiosqlite) embedded; the layers are described
in :mod:`eventstore.recorder` and docs/eventstore.md. This module validates calls and runs
the append protocol; everything else is delegated.

Ordering and locking
--------------------
Every event gets a global ``position`` (1, 2, 3, ... gap-free) and the hash of the event
before it. Both need appends to be *serialised*: the appender must know the head (last
position and hash) and nobody may commit in between. A sequence/autoincrement would not
do: two transactions could take positions 7 and 8 and commit 8 first, so a reader tailing
"position > 7" would skip 7 forever, and the chain would fork.

So every append takes one store-wide lock *first* in its transaction and inserts its rows
with explicit positions ``head + 1 ...``: ``pg_advisory_xact_lock`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite (see the recorders). Writers of one process first queue on an
asyncio lock (cheaper than queueing in the database, and no busy-wait sleeps on SQLite).

The head (position, hash, instant) a store committed or read last, and the versions of the
streams it wrote or read, are cached, so an append whose ``expected_version`` is the cached
version of its stream (or 0) is usually just *lock + INSERT* (the "optimistic" path,
``Recorder.record``). A stale cache is harmless: it can only be *behind* the database (the
log and the streams only grow), so the insert then hits the position primary key or the
unique (stream_id, version) - as do a retry (event id) and a person whose key exists - and
the append runs again on the full path: lock, read head + stream version + stored ids in
one statement, then insert (or raise :class:`ConcurrencyError`, or answer the retry).

Cost: the store has **single-writer throughput**. Appends across all streams run one at a
time; on the optimistic path on PostgreSQL an append is one statement that is its own
transaction (lock, new person keys and events: one round trip, the lock held until its
commit, the WAL flush); SQLite and the full path hold the lock for two round trips (lock,
insert) plus COMMIT, three with the head read; throughput is about
``1 / (that latency)`` whatever the number of clients, and a batch of events costs little
more than one event. Reads never take the lock and never wait for appends. This is
deliberate: the workflow engine's write rate is far below it, and in exchange readers get a
gap-free, commit-ordered log and the chain a single, unforkable history.

Idempotency: an event id is the append's idempotency key. Re-appending a batch whose ids
are already stored (a retry after a lost reply) returns the stored positions and writes
nothing; the check runs under the lock, so it also holds for concurrent retries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from eventstore import mapper
from eventstore.canonical import GENESIS, canonical_json
from eventstore.integrity import Integrity
from eventstore.model import (
    AppendResult,
    Checkpoint,
    ConcurrencyError,
    Decoder,
    NewEvent,
    RecordedEvent,
    SchemaMissingError,
    UpcasterRegistry,
    VerifyResult,
)
from eventstore.personal import PersonalData, person_key_id
from eventstore.recorder import COLUMNS, Recorder
from eventstore.schema import events as E
from eventstore.schema import person_keys as K

_LOCKED_ATTEMPTS = 5
_CACHE_SIZE = 50_000  # stream versions remembered


def recorder_for(engine: AsyncEngine) -> Recorder:
    """The recorder of ``engine``'s database (chosen here, in the front: the recorder
    interface does not know its implementations)."""
    if engine.dialect.name == "postgresql":
        from eventstore.postgres import PostgresRecorder

        return PostgresRecorder(engine)
    if engine.dialect.name == "sqlite":
        from eventstore.sqlite import SqliteRecorder

        return SqliteRecorder(engine)
    raise ValueError(f"no event store recorder for {engine.dialect.name!r}")


class EventStore:
    """See the module docstring for the guarantees and their cost."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        signing_key: bytes,
        master_key: bytes,
        personal: Mapping[str, Any] | None = None,
        upcasters: Any = None,
    ) -> None:
        self._engine = engine
        self.integrity = Integrity(recorder := recorder_for(engine), signing_key)
        self.recorder: Recorder = recorder
        self.personal = PersonalData(recorder, master_key, personal)
        self.public_key = self.integrity.public_key
        self._head: tuple[int, str, datetime] | None = None  # last committed head seen
        self._versions: dict[str, int] = {}  # stream id -> a version it had (committed)
        self._upcasters = UpcasterRegistry.coerce(upcasters)

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        signing_key: bytes,
        master_key: bytes,
        personal: Mapping[str, Any] | None = None,
        upcasters: Any = None,
        migrate: bool = False,
        pool_size: int = 10,
        max_overflow: int = 20,
    ) -> EventStore:
        """Open the store at ``url``. ``migrate=True`` first upgrades the schema to head."""
        parsed = make_url(url)
        is_sqlite = parsed.get_backend_name() == "sqlite"
        if is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            from eventstore.migrate import upgrade_async

            await upgrade_async(url)
        engine = create_async_engine(
            url, json_serializer=canonical_json, pool_size=pool_size, max_overflow=max_overflow
        )
        if is_sqlite:
            from eventstore.sqlite import setup_engine

            setup_engine(engine)
        try:
            store = cls(
                engine,
                signing_key=signing_key,
                master_key=master_key,
                personal=personal,
                upcasters=upcasters,
            )
            await store._check_schema()
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def _check_schema(self) -> None:
        def missing(sync_conn) -> list[str]:
            insp = sa.inspect(sync_conn)
            out = []
            for table in (E, K):
                if not insp.has_table(table.name):
                    out.append(table.name)
                    continue
                have = {c["name"] for c in insp.get_columns(table.name)}
                out += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
            return out

        async with self._engine.connect() as conn:
            absent = await conn.run_sync(missing)
        if absent:
            raise SchemaMissingError(
                f"the event store schema is missing or out of date (no {', '.join(absent)}): "
                "run `ninyo db upgrade` (or EventStore.connect(..., migrate=True))"
            )

    async def close(self) -> None:
        await self._engine.dispose()

    async def __aenter__(self) -> EventStore:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    # ------------------------------------------------------------------ append
    async def append(
        self,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
        stream_type: str = "default",
    ) -> AppendResult:
        """Append ``events`` to ``stream_id`` atomically.

        ``expected_version`` is the stream's current version (0 for a new stream), or None
        to append whatever the version. Raises :class:`ConcurrencyError` when it is wrong.
        """
        mapper.check_append(stream_id, stream_type, expected_version)
        prepared = mapper.prepare(list(events))
        ids = [ev.event_id for ev, *_ in prepared]
        plan = self.personal.plan(prepared)

        async with self.recorder.local_lock:
            if self._head is not None and (
                expected_version == 0
                or (
                    expected_version is not None
                    and self._versions.get(stream_id) == expected_version
                )
            ):
                try:
                    return await self._append_optimistic(
                        stream_id, expected_version, prepared, stream_type, plan
                    )
                except sa.exc.IntegrityError:
                    pass  # another writer, a retry, a wrong version: decide under the lock
            for _attempt in range(_LOCKED_ATTEMPTS):
                try:
                    return await self._append_locked(
                        stream_id, expected_version, ids, prepared, stream_type, plan
                    )
                except sa.exc.IntegrityError as exc:
                    # Only a writer that bypasses the lock (an older or foreign client) can
                    # get here: read the head again.
                    last = exc
            raise RuntimeError(
                f"append to {stream_id!r}: refused by the database {_LOCKED_ATTEMPTS} times "
                "after reading the head under the lock"
            ) from last

    async def _append_optimistic(
        self, stream_id, expected_version, prepared, stream_type, plan
    ) -> AppendResult:
        """Insert at the head this store last saw, skipping the state read (one statement
        on PostgreSQL, see ``Recorder.record``).

        Only called when ``expected_version`` is 0 or this store's cached version of the
        stream. Caches lag the database, never lead it, so if another store appended
        meanwhile the position primary key or ``uq_events_stream_version`` refuses the
        insert; the event id and person key unique constraints refuse retries and persons
        with a key. IntegrityError sends the caller to the full path, which explains.
        """
        head_pos, head_hash, head_at = self._head
        datas, fresh, key_rows = await self.personal.seal(prepared, plan)
        rows, positions = mapper.to_rows(
            stream_id, stream_type, expected_version, head_pos, head_hash, head_at,
            prepared, datas,
        )  # fmt: skip
        await self.recorder.record(rows, key_rows)
        self._advance(stream_id, rows, fresh)
        return AppendResult(version=expected_version + len(rows), positions=positions)

    async def _append_locked(
        self, stream_id, expected_version, ids, prepared, stream_type, plan
    ) -> AppendResult:
        recorder = self.recorder
        async with recorder.transaction() as conn:
            head_pos, head_hash, head_at, stream_ver, n_stored = await recorder.append_state(
                conn, stream_id, ids
            )
            if head_pos is not None:
                self._remember_head(head_pos, head_hash, head_at)
            if n_stored:
                return await self._already_stored(conn, stream_id, ids)
            actual = stream_ver or 0
            self._remember_version(stream_id, actual)
            if expected_version is not None and actual != expected_version:
                raise ConcurrencyError(
                    actual, stream_id=stream_id, expected_version=expected_version
                )
            datas, fresh, key_rows = await self.personal.seal(prepared, plan, conn)
            if key_rows:
                await recorder.insert_keys(conn, key_rows)
            rows, positions = mapper.to_rows(
                stream_id, stream_type, actual, head_pos or 0, head_hash or GENESIS, head_at,
                prepared, datas,
            )  # fmt: skip
            await recorder.insert_events(conn, rows)
        self._advance(stream_id, rows, fresh)
        return AppendResult(version=actual + len(rows), positions=positions)

    def _remember_head(self, position: int, hash_: str, recorded_at: datetime) -> None:
        if self._head is None or position > self._head[0]:
            self._head = (position, hash_, recorded_at)

    def _remember_version(self, stream_id: str, version: int) -> None:
        versions = self._versions
        if version > versions.get(stream_id, -1):
            if len(versions) >= _CACHE_SIZE:
                versions.clear()
            versions[stream_id] = version

    def _advance(self, stream_id: str, rows: list[dict], fresh_keys: dict[str, bytes]) -> None:
        """After a commit: remember the new head, stream version and person keys stored."""
        last = rows[-1]
        self._remember_head(last["position"], last["hash"], last["recorded_at"])
        self._remember_version(stream_id, last["version"])
        self.personal.remember(fresh_keys)

    async def _already_stored(
        self, conn: AsyncConnection, stream_id: str, ids: list[UUID]
    ) -> AppendResult:
        stored = {r.event_id: r for r in await self.recorder.stored_events(conn, ids)}
        if len(stored) != len(ids):
            raise ValueError(
                "events: some of these event ids are already stored and some are not; a "
                "retried batch must be the same batch"
            )
        other = {r.stream_id for r in stored.values()} - {stream_id}
        if other:
            raise ValueError(
                f"events: these event ids are already stored in another stream ({sorted(other)})"
            )
        rows = [stored[i] for i in ids]
        return AppendResult(
            version=max(r.version for r in rows), positions=[r.position for r in rows]
        )

    # ------------------------------------------------------------------ reads
    async def stream_version(self, stream_id: str) -> int:
        version = await self.recorder.stream_version(stream_id)
        self._remember_version(stream_id, version)
        return version

    async def read_stream(
        self, stream_id: str, up_to_version: int | None = None
    ) -> list[RecordedEvent]:
        events = await self._decorate(await self.recorder.read_stream(stream_id, up_to_version))
        if events:  # the usual prelude to an append with expected_version = this
            self._remember_version(stream_id, events[-1].version)
        return events

    async def read_stream_as_of(self, stream_id: str, instant: datetime) -> list[RecordedEvent]:
        """The stream as it was at ``instant`` (events recorded at or before it)."""
        _require_aware(instant, "instant")
        return await self._decorate(await self.recorder.read_stream_as_of(stream_id, instant))

    async def read_decoded(
        self,
        stream_id: str,
        decoder: Decoder,
        *,
        up_to_version: int | None = None,
        as_of: datetime | None = None,
    ) -> list[Any]:
        """``read_stream`` (or ``read_stream_as_of`` with ``as_of``) decoded by ``decoder``
        into the reader's own events, from the stored JSON text: the personal fields are
        spliced back in as text and nothing else is parsed twice. Same decryption, erasure
        and upcasting as ``read_stream``; no ``RecordedEvent`` (position, hash, metadata)."""
        if as_of is not None:
            _require_aware(as_of, "as_of")
        rows, wrapped = await self.recorder.read_stream_keyed(stream_id, up_to_version, as_of)
        texts = await self.personal.unseal_texts(
            [r[10] for r in rows], [r[4] for r in rows], decoder.erased_json, wrapped
        )
        events = mapper.decode(rows, texts, decoder, self._upcasters)
        if rows and as_of is None:
            self._remember_version(stream_id, rows[-1][3])
        return events

    async def read_category(
        self, prefix: str, as_of: datetime | None = None
    ) -> list[RecordedEvent]:
        """Events of all streams whose id starts with ``prefix``, in global order."""
        stmt = sa.select(*COLUMNS).where(*_prefix_clauses(prefix))
        if as_of is not None:
            _require_aware(as_of, "as_of")
            stmt = stmt.where(E.c.recorded_at <= as_of)
        return await self._decorate(await self.recorder.select(stmt.order_by(E.c.position)))

    async def read_all(
        self, from_position: int = 1, batch_size: int = 1000
    ) -> AsyncIterator[RecordedEvent]:
        """The whole log from ``from_position``, fetched ``batch_size`` rows at a time."""
        async for ev in self.query(from_position=from_position, batch_size=batch_size):
            yield ev

    async def query(
        self,
        types: Iterable[str] | None = None,
        stream_type: str | None = None,
        municipality: str | None = None,
        from_position: int = 1,
        batch_size: int = 1000,
    ) -> AsyncIterator[RecordedEvent]:
        """Events matching all given filters, in global order, streamed in batches."""
        if batch_size < 1:
            raise ValueError("batch_size: must be >= 1")
        stmt = sa.select(*COLUMNS)
        if types is not None:
            stmt = stmt.where(E.c.type.in_(list(types)))
        if stream_type is not None:
            stmt = stmt.where(E.c.stream_type == stream_type)
        if municipality is not None:
            stmt = stmt.where(E.c.municipality == municipality)
        async for rows in self.recorder.batches(stmt, from_position, batch_size):
            for ev in await self._decorate(rows):
                yield ev

    async def _decorate(self, rows: Sequence[Sequence]) -> list[RecordedEvent]:
        """Rows -> RecordedEvents: personal fields decrypted (or marked erased), upcast."""
        datas = mapper.parse_data(rows)
        await self.personal.unseal(datas, [r[4] for r in rows])
        upcast = self._upcasters.upcast if self._upcasters else None
        return mapper.to_recorded(rows, datas, upcast)

    # ------------------------------------------------------------------ integrity, erasure
    async def verify(
        self, checkpoint: Checkpoint | None = None, *, batch_size: int = 5000
    ) -> VerifyResult:
        """See :meth:`eventstore.integrity.Integrity.verify`."""
        return await self.integrity.verify(checkpoint, batch_size=batch_size)

    async def checkpoint(self, *, verify: bool = True) -> Checkpoint:
        """See :meth:`eventstore.integrity.Integrity.checkpoint`."""
        return await self.integrity.checkpoint(verify=verify)

    async def forget(self, person_id: str, municipality: str | None = None) -> None:
        """See :meth:`eventstore.personal.PersonalData.forget`; with ``municipality`` the
        person of that municipality (person keys are scoped by municipality)."""
        await self.personal.forget(person_key_id(municipality, person_id))


def _require_aware(instant: datetime, name: str) -> None:
    if not isinstance(instant, datetime) or instant.tzinfo is None:
        raise ValueError(f"{name}: must be a timezone-aware datetime (UTC)")


def _prefix_clauses(prefix: str) -> list[sa.ColumnElement[bool]]:
    """``stream_id`` starts with ``prefix`` as an index range (byte order on both dialects)."""
    if not isinstance(prefix, str):
        raise TypeError("prefix: must be a string")
    if not prefix:
        return []
    clauses = [E.c.stream_id >= prefix]
    last = ord(prefix[-1])
    if last < 0x10FFFF:
        nxt = last + 1
        if 0xD800 <= nxt <= 0xDFFF:  # skip the surrogate block
            nxt = 0xE000
        clauses.append(E.c.stream_id < prefix[:-1] + chr(nxt))
    return clauses
