"""The tamper-evident, append-only event store (SQLAlchemy Core, async).

One code path for PostgreSQL (asyncpg, JSONB) and SQLite (aiosqlite, the embedded default).

Ordering and locking
--------------------
Every event gets a global ``position`` (1, 2, 3, ... gap-free) and the hash of the event
before it. Both need appends to be *serialised*: the appender must know the head (last
position and hash) and nobody may commit in between. A sequence/autoincrement would not
do: two transactions could take positions 7 and 8 and commit 8 first, so a reader tailing
"position > 7" would skip 7 forever, and the chain would fork.

So every append takes one store-wide lock *first* in its transaction and inserts its rows
with explicit positions ``head + 1 ...``:

* PostgreSQL: ``pg_advisory_xact_lock(<store key>)``, released by COMMIT/ROLLBACK. The lock
  is released only after the previous commit is visible, so the next holder's READ
  COMMITTED statements see it, and commits happen in position order.
* SQLite: ``BEGIN IMMEDIATE`` (the database write lock).
* In both, writers of one process first queue on an asyncio lock (cheaper than queueing in
  the database, and no busy-wait sleeps on SQLite).

The head (position, hash, instant) a store committed or read last, and the versions of the
streams it wrote or read, are cached, so an append whose ``expected_version`` is the cached
version of its stream (or 0) is usually just *lock + multi-row INSERT* (the "optimistic"
path). A stale cache is harmless: it can only be *behind* the database (the log and the
streams only grow), so the insert then hits the position primary key or the unique
(stream_id, version) - as do a retry (event id) and a person whose key exists - and the
append runs again on the full path: lock, read head + stream version + stored ids in one
statement, then insert (or raise :class:`ConcurrencyError`, or answer the retry).

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

import asyncio
import base64
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from hashlib import sha256
from json.encoder import encode_basestring as _q
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from eventstore import crypto
from eventstore.canonical import GENESIS, canonical_json, event_hash, iso_utc, normalise
from eventstore.model import (
    AppendResult,
    Checkpoint,
    ConcurrencyError,
    ForgottenPersonError,
    NewEvent,
    PersonalFields,
    RecordedEvent,
    SchemaMissingError,
    UpcasterRegistry,
    VerifyResult,
    normalise_personal,
)
from eventstore.schema import events as E
from eventstore.schema import person_keys as K
from eventstore.schema import utcnow

#: PostgreSQL advisory lock key of the store ("ninyo_es"); advisory locks are per database.
ADVISORY_LOCK_KEY = int.from_bytes(b"ninyo_es", "big")

_COLUMNS = (
    E.c.position,
    E.c.stream_id,
    E.c.stream_type,
    E.c.version,
    E.c.event_id,
    E.c.type,
    E.c.schema_version,
    E.c.recorded_at,
    E.c.prev_hash,
    E.c.hash,
    E.c.data_json,
    E.c.metadata_json,
)

_LOCK = sa.text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")


def _head_subquery(col: sa.ColumnElement) -> sa.ScalarSelect:
    return sa.select(col).order_by(E.c.position.desc()).limit(1).scalar_subquery()


# Head, stream version and "are any of these ids stored?" in one round trip.
_APPEND_STATE = sa.select(
    _head_subquery(E.c.position),
    _head_subquery(E.c.hash),
    _head_subquery(E.c.recorded_at),
    sa.select(sa.func.max(E.c.version))
    .where(E.c.stream_id == sa.bindparam("sid"))
    .scalar_subquery(),
    sa.select(sa.func.count())
    .where(E.c.event_id.in_(sa.bindparam("ids", expanding=True)))
    .scalar_subquery(),
)
_STORED_IDS = sa.select(E.c.event_id, E.c.position, E.c.stream_id, E.c.version).where(
    E.c.event_id.in_(sa.bindparam("ids", expanding=True))
)
# RETURNING makes SQLAlchemy send a batch as multi-row INSERT ... VALUES statements
# ("insertmanyvalues") instead of one statement per row.
_INSERT = E.insert().returning(E.c.position)
_INSERT_KEYS = K.insert().returning(K.c.person_id)
_LOCKED_ATTEMPTS = 5
_MICROSECOND = timedelta(microseconds=1)
_CACHE_SIZE = 50_000  # entries per cache (stream versions, person keys)
_STREAM_VERSION = sa.select(sa.func.coalesce(sa.func.max(E.c.version), 0)).where(
    E.c.stream_id == sa.bindparam("sid")
)
_KEYS = sa.select(K.c.person_id, K.c.wrapped_key).where(
    K.c.person_id.in_(sa.bindparam("pids", expanding=True))
)


# verify(): the hashed columns, in the order of canonical.event_hash's arguments, read
# through the driver. The event id as text: PostgreSQL's uuid::text is the canonical form;
# SQLite stores 32 hex digits (see _driver_event_id).
_RAW_COLUMNS = (
    "position, stream_id, stream_type, version, {event_id}, type, schema_version, "
    "recorded_at, prev_hash, hash, data_json, metadata_json"
)
_RAW_CHUNK = 250  # rows verified between two turns of the event loop (see _raw_batches)
_RAW_ROWS_PG = (
    f"SELECT {_RAW_COLUMNS.format(event_id='event_id::text')} FROM events "
    "WHERE position > $1 ORDER BY position LIMIT $2"
)
_RAW_ROWS_SQLITE = (
    f"SELECT {_RAW_COLUMNS.format(event_id='event_id')} FROM events "
    "WHERE position > ? ORDER BY position LIMIT ?"
)


_HEX32 = re.compile("[0-9a-f]{32}")


def _driver_event_id(dialect: sa.Dialect) -> Callable[[Any], str]:
    """The driver's event id -> its canonical text (what ``str(RecordedEvent.event_id)`` is)."""
    if dialect.name == "postgresql":
        return str  # selected as uuid::text: already canonical
    to_uuid = E.c.event_id.type.dialect_impl(dialect).result_processor(dialect, None)

    def text(value: Any) -> str:
        # SQLite: the 32 lower-case hex digits SQLAlchemy stores; anything else the slow,
        # exact way (SQLAlchemy's own conversion).
        if type(value) is str and _HEX32.fullmatch(value):
            return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
        return str(to_uuid(value) if to_uuid else value)

    return text


# read_stream on PostgreSQL (see EventStore._load_pg): the columns of _COLUMNS.
_SELECT_PG = (
    "SELECT position, stream_id, stream_type, version, event_id, type, schema_version,"
    " recorded_at, prev_hash, hash, data_json, metadata_json FROM events"
)
_READ_STREAM_PG = f"{_SELECT_PG} WHERE stream_id = $1 ORDER BY version"
_READ_STREAM_UPTO_PG = f"{_SELECT_PG} WHERE stream_id = $1 AND version <= $2 ORDER BY version"

# Appends on PostgreSQL (see EventStore._insert_events): one statement per batch, whatever
# its size, prepared once per connection by the driver. A batch shares stream and instant.
_INSERT_PG = (
    "INSERT INTO events (stream_id, stream_type, recorded_at, position, version, event_id,"
    " type, schema_version, data_json, metadata_json, prev_hash, hash)"
    " SELECT $1::text, $2::text, $3::timestamptz, u.* FROM unnest($4::bigint[], $5::int[],"
    " $6::uuid[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[]) AS u"
)
_INSERT_KEYS_PG = (
    "INSERT INTO person_keys (created_at, person_id, wrapped_key)"
    " SELECT $1::timestamptz, u.* FROM unnest($2::text[], $3::bytea[]) AS u"
)
# The optimistic append on PostgreSQL (see EventStore._append_optimistic_pg): lock, new
# person keys and events in ONE statement, run outside an explicit transaction, so it is its
# own transaction: one round trip instead of BEGIN, lock, key insert, event insert, COMMIT.
# Both inserts join the lock's (materialised: the function is volatile) CTE, so no row is
# inserted before the lock is held, and the lock is held until the statement's commit.
# Nothing is read: the unique indexes (position, stream version, event id, person id) check
# against the committed state whatever the statement's snapshot, which is what the
# optimistic path relies on.
_APPEND_ONE_STATEMENT_PG = (
    f"WITH l AS (SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY}) AS locked),"
    " k AS (INSERT INTO person_keys (created_at, person_id, wrapped_key)"
    " SELECT $13::timestamptz, u.* FROM unnest($14::text[], $15::bytea[]) AS u, l)"
    " INSERT INTO events (stream_id, stream_type, recorded_at, position, version, event_id,"
    " type, schema_version, data_json, metadata_json, prev_hash, hash)"
    " SELECT $1::text, $2::text, $3::timestamptz, u.* FROM unnest($4::bigint[], $5::int[],"
    " $6::uuid[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[])"
    " AS u, l"
)


async def _pg_execute(conn: AsyncConnection, sql: str, *args: Any) -> None:
    """Run ``sql`` with asyncpg directly, in ``conn``'s transaction (already begun: the
    advisory lock was its first statement). Constraint violations (SQLSTATE class 23)
    become SQLAlchemy's IntegrityError, as they would through ``conn.execute``."""
    driver = (await conn.get_raw_connection()).driver_connection
    try:
        await driver.execute(sql, *args)
    except Exception as exc:
        if str(getattr(exc, "sqlstate", "")).startswith("23"):
            raise sa.exc.IntegrityError(sql, None, exc) from exc
        raise


def _sqlite_engine_setup(engine: AsyncEngine) -> None:
    """SQLite: WAL, our own BEGIN (IMMEDIATE for writers), secure_delete for forget()."""

    @sa_event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
        cur = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA busy_timeout=60000",
            "PRAGMA secure_delete=ON",
            "PRAGMA foreign_keys=ON",
        ):
            cur.execute(pragma)
        cur.close()

    @sa_event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get("ninyo_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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
        if len(signing_key) != 32:
            raise ValueError("signing_key: expected 32 bytes (Ed25519 private key)")
        self._engine = engine
        self._is_pg = engine.dialect.name == "postgresql"
        self._write_engine = engine.execution_options(ninyo_write=True)
        self._read_engine = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if self._is_pg else engine
        )
        # Writers of this process queue here (cheaper than queueing in the database, and
        # it keeps the cached head current for the optimistic path).
        self._local_lock = asyncio.Lock()
        self._head: tuple[int, str, datetime] | None = None  # last committed head seen
        self._key_cache: dict[str, bytes] = {}  # person id -> data key (encryption only)
        self._versions: dict[str, int] = {}  # stream id -> a version it had (committed)
        self._signer = Ed25519PrivateKey.from_private_bytes(signing_key)
        self.public_key = base64.b64encode(
            self._signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        ).decode()
        self._master = crypto.MasterKey(master_key)
        self._personal: dict[str, PersonalFields] = normalise_personal(personal)
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
        kwargs: dict[str, Any] = {
            "json_serializer": canonical_json,
            "pool_size": pool_size,
            "max_overflow": max_overflow,
        }
        engine = create_async_engine(url, **kwargs)
        if is_sqlite:
            _sqlite_engine_setup(engine)
        store = cls(
            engine,
            signing_key=signing_key,
            master_key=master_key,
            personal=personal,
            upcasters=upcasters,
        )
        try:
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

    @contextlib.asynccontextmanager
    async def _writer(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction holding the store-wide append lock (see module docstring)."""
        async with self._local_lock, self._write_engine.begin() as conn:
            if self._is_pg:
                await conn.execute(_LOCK)
            yield conn

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
        if not isinstance(stream_id, str) or not stream_id:
            raise ValueError("stream_id: must be a non-empty string")
        if not isinstance(stream_type, str) or not stream_type:
            raise ValueError("stream_type: must be a non-empty string")
        if expected_version is not None and (
            not isinstance(expected_version, int) or expected_version < 0
        ):
            raise ValueError("expected_version: must be an integer >= 0 (0 = new stream)")
        events = list(events)
        if not events:
            raise ValueError("events: nothing to append")
        prepared = []
        for i, ev in enumerate(events):
            if not isinstance(ev, NewEvent):
                raise TypeError(f"events[{i}]: expected NewEvent, got {type(ev).__name__}")
            data = normalise(ev.data, f"events[{i}].data")
            if crypto.PII in data:
                raise ValueError(f"events[{i}].data.{crypto.PII}: reserved for personal data")
            meta = normalise(ev.metadata, f"events[{i}].metadata")
            muni = meta.get("municipality")
            if muni is not None and not isinstance(muni, str):
                raise TypeError(f"events[{i}].metadata.municipality: must be a string (code)")
            prepared.append((ev, data, meta, muni))
        ids = [ev.event_id for ev in events]
        if len(set(ids)) != len(ids):
            raise ValueError("events: the same event_id appears twice in one batch")
        personal = self._personal_plan(prepared)

        async with self._local_lock:
            if self._head is not None and (
                expected_version == 0
                or (
                    expected_version is not None
                    and self._versions.get(stream_id) == expected_version
                )
            ):
                try:
                    return await self._append_optimistic(
                        stream_id, expected_version, prepared, stream_type, personal
                    )
                except sa.exc.IntegrityError:
                    pass  # another writer, a retry, a wrong version: decide under the lock
            for _attempt in range(_LOCKED_ATTEMPTS):
                try:
                    return await self._append_locked(
                        stream_id, expected_version, ids, prepared, stream_type, personal
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
        self, stream_id, expected_version, prepared, stream_type, personal
    ) -> AppendResult:
        """Lock, then insert at the head this store last saw, skipping the state read.

        Only called when ``expected_version`` is 0 or this store's cached version of the
        stream. Caches lag the database, never lead it, so if another store appended
        meanwhile the position primary key or ``uq_events_stream_version`` refuses the
        insert; the event id and person key unique constraints refuse retries and persons
        with a key. IntegrityError sends the caller to the full path, which explains.
        """
        head_pos, head_hash, head_at = self._head
        if self._is_pg:
            return await self._append_optimistic_pg(
                stream_id, expected_version, prepared, stream_type, personal
            )
        async with self._write_engine.begin() as conn:
            if self._is_pg:
                await conn.execute(_LOCK)
            datas, fresh = await self._encrypt(conn, prepared, personal, optimistic=True)
            rows, positions = self._rows(
                stream_id, stream_type, expected_version, head_pos, head_hash, head_at,
                prepared, datas,
            )  # fmt: skip
            await self._insert_events(conn, rows)
        self._advance(stream_id, rows, fresh)
        return AppendResult(version=expected_version + len(rows), positions=positions)

    async def _append_optimistic_pg(
        self, stream_id, expected_version, prepared, stream_type, personal
    ) -> AppendResult:
        """``_append_optimistic`` on PostgreSQL: one prepared statement, its own transaction
        (``_APPEND_ONE_STATEMENT_PG``), sent through the driver on an autocommit connection.
        A refused insert rolls the whole statement back and raises IntegrityError."""
        head_pos, head_hash, head_at = self._head
        key_rows: list[dict] = []
        datas, fresh = await self._encrypt(
            None, prepared, personal, optimistic=True, key_rows=key_rows
        )
        rows, positions = self._rows(
            stream_id, stream_type, expected_version, head_pos, head_hash, head_at,
            prepared, datas,
        )  # fmt: skip
        first = rows[0]
        async with self._read_engine.connect() as conn:  # AUTOCOMMIT: no BEGIN, no COMMIT
            await _pg_execute(
                conn,
                _APPEND_ONE_STATEMENT_PG,
                *_event_columns(rows),
                key_rows[0]["created_at"] if key_rows else first["recorded_at"],
                [r["person_id"] for r in key_rows],
                [r["wrapped_key"] for r in key_rows],
            )
        self._advance(stream_id, rows, fresh)
        return AppendResult(version=expected_version + len(rows), positions=positions)

    async def _append_locked(
        self, stream_id, expected_version, ids, prepared, stream_type, personal
    ) -> AppendResult:
        async with self._write_engine.begin() as conn:
            if self._is_pg:
                await conn.execute(_LOCK)
            head_pos, head_hash, head_at, stream_ver, n_stored = (
                await conn.execute(_APPEND_STATE, {"sid": stream_id, "ids": ids})
            ).one()
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
            datas, fresh = await self._encrypt(conn, prepared, personal, optimistic=False)
            rows, positions = self._rows(
                stream_id, stream_type, actual, head_pos or 0, head_hash or GENESIS, head_at,
                prepared, datas,
            )  # fmt: skip
            await self._insert_events(conn, rows)
        self._advance(stream_id, rows, fresh)
        return AppendResult(version=actual + len(rows), positions=positions)

    @staticmethod
    def _rows(
        stream_id, stream_type, version, pos, prev, head_at, prepared, datas
    ) -> tuple[list[dict], list[int]]:
        """The rows to insert after head ``pos``/``prev``, hashes chained."""
        now = utcnow()
        if head_at is not None and now <= head_at:
            # Strictly later than the previous commit, whatever the clock did: "as of" an
            # instant is then always a prefix of the log, and batches have distinct instants.
            now = head_at + _MICROSECOND
        recorded = iso_utc(now)
        rows = []
        positions = []
        for (ev, _data, meta, _muni), data in zip(prepared, datas, strict=True):
            pos += 1
            version += 1
            data_json = canonical_json(data)
            meta_json = canonical_json(meta)
            h = event_hash(
                pos, stream_id, stream_type, version, str(ev.event_id), ev.type,
                ev.schema_version, recorded, prev, data_json, meta_json,
            )  # fmt: skip
            rows.append(
                {
                    "position": pos,
                    "stream_id": stream_id,
                    "stream_type": stream_type,
                    "version": version,
                    "event_id": ev.event_id,
                    "type": ev.type,
                    "schema_version": ev.schema_version,
                    "data_json": data_json,
                    "metadata_json": meta_json,
                    "recorded_at": now,
                    "prev_hash": prev,
                    "hash": h,
                }
            )
            positions.append(pos)
            prev = h
        return rows, positions

    async def _insert_events(self, conn: AsyncConnection, rows: list[dict]) -> None:
        """INSERT the rows of one append (``_rows``) in ``conn``'s transaction.

        PostgreSQL: one prepared ``INSERT ... SELECT FROM unnest(<column arrays>)`` sent
        through the driver (SQLAlchemy renders a multi-row VALUES statement per batch,
        which cost as much CPU as building the rows). Constraint violations are raised as
        SQLAlchemy's IntegrityError either way (the optimistic path relies on them).
        """
        if not self._is_pg:
            await conn.execute(_INSERT, rows)
            return
        await _pg_execute(conn, _INSERT_PG, *_event_columns(rows))

    async def _insert_keys(self, conn: AsyncConnection, rows: list[dict]) -> None:
        """INSERT new person keys (same approach as ``_insert_events``)."""
        if not self._is_pg:
            await conn.execute(_INSERT_KEYS, rows)
            return
        await _pg_execute(
            conn,
            _INSERT_KEYS_PG,
            rows[0]["created_at"],
            [r["person_id"] for r in rows],
            [r["wrapped_key"] for r in rows],
        )

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
        if fresh_keys:
            if len(self._key_cache) + len(fresh_keys) > _CACHE_SIZE:
                self._key_cache.clear()
            self._key_cache.update(fresh_keys)

    async def _already_stored(
        self, conn: AsyncConnection, stream_id: str, ids: list[UUID]
    ) -> AppendResult:
        stored = {r.event_id: r for r in (await conn.execute(_STORED_IDS, {"ids": ids}))}
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

    def _personal_plan(self, prepared: list) -> list[tuple[int, str, list[str]]]:
        """(index, person id, fields) for each event carrying personal data."""
        if not self._personal:
            return []
        plan = []
        for i, (ev, data, _meta, _muni) in enumerate(prepared):
            spec = self._personal.get(ev.type)
            if spec is None:
                continue
            fields = [f for f in spec.fields if data.get(f) is not None]
            if not fields:
                continue
            person = data.get(spec.subject)
            if not isinstance(person, str) or not person:
                raise ValueError(
                    f"events[{i}].data.{spec.subject}: the id of the person whose data "
                    f"{fields} is, required as a non-empty string"
                )
            plan.append((i, person, fields))
        return plan

    async def _encrypt(
        self,
        conn: AsyncConnection | None,
        prepared: list,
        plan: list,
        *,
        optimistic: bool,
        key_rows: list[dict] | None = None,
    ) -> tuple[list[dict], dict[str, bytes]]:
        """The stored form of each event's data: personal fields encrypted.

        Person keys this store created or loaded are cached (for encryption only; reads
        always fetch keys, so ``forget`` takes effect at once). An unknown person gets a
        new key; optimistically that is a plain INSERT (the primary key refuses a person
        who already has a key, or a tombstone), under the lock it is looked up first.
        ``key_rows``: the new keys' rows are appended there instead of inserted (the
        caller inserts them; ``conn`` is then unused and may be None).
        """
        datas = [data for _ev, data, _meta, _muni in prepared]
        if not plan:
            return datas, {}
        cache = self._key_cache
        persons = sorted({p for _, p, _ in plan} - cache.keys())
        if persons:
            found = {}
            if not optimistic:
                found = {
                    r.person_id: r.wrapped_key for r in await conn.execute(_KEYS, {"pids": persons})
                }
            new_rows = []
            now = utcnow()
            fresh = {}
            for p in persons:
                if p in found:
                    if found[p] is None:
                        raise ForgottenPersonError(p)
                    fresh[p] = self._master.unwrap(p, found[p])
                else:
                    fresh[p], wrapped = self._master.new_wrapped_key(p)
                    new_rows.append({"person_id": p, "wrapped_key": wrapped, "created_at": now})
            if key_rows is not None:
                key_rows.extend(new_rows)
            elif new_rows:
                await self._insert_keys(conn, new_rows)
        else:
            fresh = {}
        datas = list(datas)
        aeads = {p: crypto.cipher(fresh.get(p) or cache[p]) for p in {p for _, p, _ in plan}}
        for i, person, fields in plan:
            eid = str(prepared[i][0].event_id)
            datas[i] = crypto.seal(aeads[person], person, eid, datas[i], fields)
        return datas, fresh

    # ------------------------------------------------------------------ reads
    async def stream_version(self, stream_id: str) -> int:
        async with self._read_engine.connect() as conn:
            version = (await conn.execute(_STREAM_VERSION, {"sid": stream_id})).scalar_one()
        self._remember_version(stream_id, version)
        return version

    async def read_stream(
        self, stream_id: str, up_to_version: int | None = None
    ) -> list[RecordedEvent]:
        if self._is_pg:  # the hot read: straight through the driver (see _load_pg)
            if up_to_version is None:
                events = await self._load_pg(_READ_STREAM_PG, stream_id)
            else:
                events = await self._load_pg(_READ_STREAM_UPTO_PG, stream_id, up_to_version)
        else:
            stmt = sa.select(*_COLUMNS).where(E.c.stream_id == stream_id)
            if up_to_version is not None:
                stmt = stmt.where(E.c.version <= up_to_version)
            events = await self._load(stmt.order_by(E.c.version))
        if events:  # the usual prelude to an append with expected_version = this
            self._remember_version(stream_id, events[-1].version)
        return events

    async def read_stream_as_of(self, stream_id: str, instant: datetime) -> list[RecordedEvent]:
        """The stream as it was at ``instant`` (events recorded at or before it)."""
        _require_aware(instant, "instant")
        stmt = (
            sa.select(*_COLUMNS)
            .where(E.c.stream_id == stream_id, E.c.recorded_at <= instant)
            .order_by(E.c.version)
        )
        return await self._load(stmt)

    async def read_category(
        self, prefix: str, as_of: datetime | None = None
    ) -> list[RecordedEvent]:
        """Events of all streams whose id starts with ``prefix``, in global order."""
        stmt = sa.select(*_COLUMNS).where(*_prefix_clauses(prefix))
        if as_of is not None:
            _require_aware(as_of, "as_of")
            stmt = stmt.where(E.c.recorded_at <= as_of)
        return await self._load(stmt.order_by(E.c.position))

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
        stmt = sa.select(*_COLUMNS)
        if types is not None:
            stmt = stmt.where(E.c.type.in_(list(types)))
        if stream_type is not None:
            stmt = stmt.where(E.c.stream_type == stream_type)
        if municipality is not None:
            stmt = stmt.where(E.c.municipality == municipality)
        async for rows in self._batches(stmt, from_position, batch_size):
            for ev in await self._decorate(rows):
                yield ev

    async def _batches(
        self, stmt: sa.Select, from_position: int, batch_size: int, *, prefetch: bool = False
    ) -> AsyncIterator[Sequence[sa.Row]]:
        """Keyset pagination by position: constant memory, no connection held between
        batches. ``prefetch``: the next batch is fetched while the caller works on this one
        (close the iterator, e.g. with ``contextlib.aclosing``, when stopping early)."""
        stmt = stmt.where(E.c.position > sa.bindparam("after")).order_by(E.c.position)
        stmt = stmt.limit(batch_size)

        async def fetch(after: int) -> Sequence[sa.Row]:
            async with self._read_engine.connect() as conn:
                return (await conn.execute(stmt, {"after": after})).all()

        after = max(from_position, 1) - 1
        if not prefetch:
            while rows := await fetch(after):
                yield rows
                if len(rows) < batch_size:
                    return
                after = rows[-1].position
            return
        pending = asyncio.ensure_future(fetch(after))
        try:
            while rows := await pending:
                pending = None
                if len(rows) == batch_size:
                    pending = asyncio.ensure_future(fetch(rows[-1].position))
                yield rows
                if pending is None:
                    return
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending

    async def _load(self, stmt: sa.Select) -> list[RecordedEvent]:
        async with self._read_engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return await self._decorate(rows)

    async def _load_pg(self, sql: str, *args: Any) -> list[RecordedEvent]:
        """PostgreSQL: ``sql`` (selecting the columns of ``_COLUMNS``) run by asyncpg
        directly; its values are what SQLAlchemy's result processing would give (asyncpg
        decodes uuid and timestamptz, the latter as an aware UTC datetime)."""
        async with self._read_engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            rows = await driver.fetch(sql, *args)
        return await self._decorate(rows)

    async def _decorate(self, rows: Sequence[sa.Row]) -> list[RecordedEvent]:
        """Rows -> RecordedEvents: decrypt personal fields (or mark them erased), upcast."""
        loads = json.loads
        datas = [loads(r[-2]) for r in rows]
        sealed = crypto.sealed_person
        persons = {p for data in datas if (p := sealed(data)) is not None}
        ciphers: dict[str, AESGCM | None] = {}
        if persons:
            async with self._read_engine.connect() as conn:
                found = await conn.execute(_KEYS, {"pids": sorted(persons)})
                for pid, wrapped in found:
                    ciphers[pid] = (
                        None
                        if wrapped is None
                        else crypto.cipher(self._master.unwrap(pid, wrapped))
                    )
        upcast = self._upcasters.upcast if self._upcasters else None
        out = []
        for r, data in zip(rows, datas, strict=True):
            (position, stream_id, stream_type, version, event_id, type_, sv,
             recorded_at, prev_hash, h, _data_json, meta_json) = r  # fmt: skip
            meta = loads(meta_json)
            if persons and crypto.PII in data:
                data = crypto.unseal(data, str(event_id), ciphers)
            if upcast is not None:
                sv, data = upcast(type_, sv, data)
            out.append(
                RecordedEvent(
                    position=position,
                    stream_id=stream_id,
                    stream_type=stream_type,
                    version=version,
                    event_id=event_id if isinstance(event_id, UUID) else UUID(str(event_id)),
                    type=type_,
                    schema_version=sv,
                    data=data,
                    metadata=meta,
                    recorded_at=recorded_at,
                    prev_hash=prev_hash,
                    hash=h,
                )
            )
        return out

    # ------------------------------------------------------------------ integrity
    async def _raw_batches(self, batch_size: int) -> AsyncIterator[list]:
        """The whole log as driver rows (the columns of ``_RAW_ROWS``), ``batch_size`` at a
        time by keyset on position; the next batch is fetched while the caller works on
        this one (close the iterator, e.g. with ``contextlib.aclosing``, to stop early)."""
        is_pg = self._is_pg
        sql = _RAW_ROWS_PG if is_pg else _RAW_ROWS_SQLITE

        async def fetch(after: int) -> list:
            async with self._read_engine.connect() as conn:
                drv = (await conn.get_raw_connection()).driver_connection
                if is_pg:
                    return await drv.fetch(sql, after, batch_size)
                async with drv.execute(sql, (after, batch_size)) as cur:
                    return await cur.fetchall()

        pending = asyncio.ensure_future(fetch(0))
        try:
            while rows := await pending:
                pending = None
                if len(rows) == batch_size:
                    pending = asyncio.ensure_future(fetch(rows[-1][0]))
                # Hand the batch over in chunks and let the event loop run in between: the
                # driver then reads the next batch off the socket while this one is hashed,
                # so the server keeps producing rows instead of stalling on a full buffer.
                for i in range(0, len(rows), _RAW_CHUNK):
                    if i:
                        await asyncio.sleep(0)
                    yield rows[i : i + _RAW_CHUNK]
                if pending is None:
                    return
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending

    async def verify(
        self, checkpoint: Checkpoint | None = None, *, batch_size: int = 5000
    ) -> VerifyResult:
        """Walk the whole log and recompute the chain.

        Returns ``ok`` with the count and head, or the first position whose stored row no
        longer matches (edited, deleted, moved). With ``checkpoint``: also proves that the
        log up to the checkpoint is the one that was signed, even if every hash after an
        edit was recomputed.
        """
        cp_pos = None
        if checkpoint is not None:
            if not checkpoint.signature_valid():
                return VerifyResult(False, 0, 0, GENESIS, None, "checkpoint signature is invalid")
            if checkpoint.public_key != self.public_key:
                return VerifyResult(
                    False, 0, 0, GENESIS, None, "checkpoint was signed by another key"
                )
            cp_pos = checkpoint.position
            if cp_pos == 0 and checkpoint.head_hash != GENESIS:
                return VerifyResult(False, 0, 0, GENESIS, None, "checkpoint of an empty log")

        expected = 1
        prev = GENESIS

        def bad(position: int, reason: str) -> VerifyResult:
            return VerifyResult(False, expected - 1, expected - 1, prev, position, reason)

        # Rows come straight from the driver (no SQLAlchemy result processing), the next
        # batch is fetched while this one is hashed, and the hash input is formatted inline
        # (the same text as canonical.event_hash; a batch shares one recorded_at, so its
        # ISO form is computed once per instant).
        sha = sha256
        q = _q
        event_id_text = _driver_event_id(self._engine.dialect)
        # recorded_at as SQLAlchemy would return it (an aware UTC datetime)
        dialect = self._engine.dialect
        instant = E.c.recorded_at.type.dialect_impl(dialect).result_processor(dialect, None)
        last_at = last_iso = None
        batches = self._raw_batches(batch_size)
        async with contextlib.aclosing(batches):
            async for rows in batches:
                for (position, stream_id, stream_type, version, event_id, type_, sv,
                     recorded_at, prev_hash, stored_hash, data_json, meta_json) in rows:  # fmt: skip
                    if position != expected:
                        return bad(
                            expected,
                            f"event missing: position {expected} is absent (next stored: {position})",
                        )
                    if prev_hash != prev:
                        return bad(position, "prev_hash does not link to the previous event")
                    if recorded_at != last_at:  # a batch shares one instant
                        last_at, last_iso = recorded_at, iso_utc(instant(recorded_at))
                    h = sha(
                        f"[{position:d},{q(stream_id)},{q(stream_type)},{version:d},"
                        f'"{event_id_text(event_id)}",{q(type_)},{sv:d},"{last_iso}",'
                        f'"{prev_hash}",{data_json},{meta_json}]'.encode()
                    ).hexdigest()
                    if h != stored_hash:
                        return bad(position, "stored event does not match its hash (altered)")
                    if position == cp_pos and h != checkpoint.head_hash:
                        return bad(
                            position, "hash at the checkpoint differs from the signed head hash"
                        )
                    prev = h
                    expected += 1
        if cp_pos is not None and cp_pos > expected - 1:
            return bad(
                expected,
                f"log ends at position {expected - 1}, before the checkpoint at {cp_pos}",
            )
        return VerifyResult(True, expected - 1, expected - 1, prev)

    async def checkpoint(self, *, verify: bool = True) -> Checkpoint:
        """Sign (position, head hash) of the current head for an auditor to keep.

        By default the whole chain is verified first, so a broken log is never signed
        (raises ``RuntimeError``).
        """
        if verify:
            res = await self.verify()
            if not res.ok:
                raise RuntimeError(
                    f"refusing to sign a checkpoint: {res.reason} "
                    f"(position {res.first_bad_position})"
                )
            position, head = res.head_position, res.head_hash
        else:
            stmt = sa.select(E.c.position, E.c.hash).order_by(E.c.position.desc()).limit(1)
            async with self._read_engine.connect() as conn:
                row = (await conn.execute(stmt)).first()
            position, head = (row.position, row.hash) if row else (0, GENESIS)
        created = iso_utc(utcnow())
        sig = self._signer.sign(Checkpoint.signed_message(position, head, created))
        return Checkpoint(
            position=position,
            head_hash=head,
            signature=base64.b64encode(sig).decode(),
            public_key=self.public_key,
            created_at=created,
        )

    # ------------------------------------------------------------------ erasure
    async def forget(self, person_id: str) -> None:
        """Destroy the person's data key: their personal fields read as ``"[erased]"``.

        The events themselves (and so the hash chain) are untouched. A tombstone stays, and
        later appends of personal data for this person are refused.
        """
        if not isinstance(person_id, str) or not person_id:
            raise ValueError("person_id: must be a non-empty string")
        now = utcnow()
        async with self._writer() as conn:
            res = await conn.execute(
                K.update()
                .where(K.c.person_id == person_id)
                .values(wrapped_key=None, forgotten_at=now)
            )
            self._key_cache.pop(person_id, None)
            if res.rowcount == 0:
                await conn.execute(
                    K.insert().values(
                        person_id=person_id, wrapped_key=None, created_at=now, forgotten_at=now
                    )
                )
        # Best effort: push the freed bytes out of the WAL (SQLite zeroes them: secure_delete)
        # or let PostgreSQL reclaim the dead tuple. See docs/eventstore.md for what remains.
        if self._is_pg:
            async with self._read_engine.connect() as conn:  # autocommit: VACUUM needs it
                await conn.exec_driver_sql("VACUUM person_keys")
        else:
            async with self._engine.connect() as conn:
                raw = await conn.get_raw_connection()  # outside any transaction
                await raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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


def _event_columns(rows: list[dict]) -> tuple:
    """The parameters of the ``unnest`` event inserts: the batch's shared stream columns, then
    one array per column (one round trip whatever the batch size)."""
    first = rows[0]
    return (
        first["stream_id"],
        first["stream_type"],
        first["recorded_at"],
        [r["position"] for r in rows],
        [r["version"] for r in rows],
        [r["event_id"] for r in rows],
        [r["type"] for r in rows],
        [r["schema_version"] for r in rows],
        [r["data_json"] for r in rows],
        [r["metadata_json"] for r in rows],
        [r["prev_hash"] for r in rows],
        [r["hash"] for r in rows],
    )
