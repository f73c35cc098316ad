"""The recorder: how one database stores and returns the rows of the log.

The store is layered the way the ``eventsourcing`` library separates mapper and recorder:

* :mod:`eventstore.mapper` turns events into rows (canonical JSON, hash chain) and rows into
  :class:`~eventstore.model.RecordedEvent` (upcasting);
* a **recorder** (this interface; :mod:`eventstore.postgres`, :mod:`eventstore.sqlite`)
  writes and reads rows - its database's fast paths are its own business;
* :mod:`eventstore.personal` seals, unseals and forgets personal data;
* :mod:`eventstore.integrity` verifies the chain and signs checkpoints;
* :class:`eventstore.store.EventStore` is the thin front that validates calls and runs the
  append protocol (optimistic path, then the full path under the lock).

:class:`Recorder` implements everything with SQLAlchemy Core, which runs on both
databases; a subclass overrides what its database does faster or differently (the lock,
the inserts, the hot reads, the whole-log scan of ``verify``, reclaiming erased keys).
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from eventstore.schema import events as E
from eventstore.schema import person_keys as K

#: The columns of a row, in the order every read returns them (mapper.to_recorded's order).
COLUMNS = (
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
#: The same columns as SQL text (for reads sent to the driver directly).
COLUMNS_SQL = ", ".join(c.name for c in COLUMNS)


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
_STREAM_VERSION = sa.select(sa.func.coalesce(sa.func.max(E.c.version), 0)).where(
    E.c.stream_id == sa.bindparam("sid")
)
_KEYS = sa.select(K.c.person_id, K.c.wrapped_key).where(
    K.c.person_id.in_(sa.bindparam("pids", expanding=True))
)
_HEAD = sa.select(E.c.position, E.c.hash).order_by(E.c.position.desc()).limit(1)

#: rows handed to ``verify`` between two turns of the event loop (see ``log_rows``)
LOG_CHUNK = 250


class Recorder(ABC):
    """Rows in, rows out, for one database (see the module docstring)."""

    dialect: str
    #: the statement taking the store-wide lock as a write transaction's first statement
    #: (None: beginning the transaction took it, as SQLite's BEGIN IMMEDIATE does)
    lock: sa.TextClause | None = None

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.write_engine = engine.execution_options(ninyo_write=True)
        self.read_engine = engine
        # Writers of this process queue here before the database lock (cheaper than
        # queueing in the database, and it keeps the front's cached head current).
        self.local_lock = asyncio.Lock()

    # ------------------------------------------------------------------ writes
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction whose first statement takes the store-wide append lock.
        The caller holds ``local_lock``."""
        async with self.write_engine.begin() as conn:
            if self.lock is not None:
                await conn.execute(self.lock)
            yield conn

    async def record(self, rows: list[dict], key_rows: list[dict]) -> None:
        """The optimistic append: new person keys and events in one transaction under the
        lock, nothing read first. Any unique constraint refusing a row (a stale head, a
        retry, a person who has a key) raises ``IntegrityError`` and writes nothing."""
        async with self.transaction() as conn:
            if key_rows:
                await self.insert_keys(conn, key_rows)
            await self.insert_events(conn, rows)

    async def append_state(
        self, conn: AsyncConnection, stream_id: str, ids: list[UUID]
    ) -> tuple[int | None, str | None, datetime | None, int | None, int]:
        """(head position, head hash, head instant, stream version, how many of ``ids`` are
        stored), read under the lock."""
        return tuple((await conn.execute(_APPEND_STATE, {"sid": stream_id, "ids": ids})).one())

    async def stored_events(self, conn: AsyncConnection, ids: list[UUID]) -> list[sa.Row]:
        """(event_id, position, stream_id, version) of those of ``ids`` that are stored."""
        return list(await conn.execute(_STORED_IDS, {"ids": ids}))

    async def insert_events(self, conn: AsyncConnection, rows: list[dict]) -> None:
        await conn.execute(_INSERT, rows)

    async def insert_keys(self, conn: AsyncConnection, rows: list[dict]) -> None:
        await conn.execute(_INSERT_KEYS, rows)

    async def person_keys(
        self, pids: Sequence[str], conn: AsyncConnection | None = None
    ) -> dict[str, bytes | None]:
        """person id -> wrapped key (None: forgotten) for those of ``pids`` that have a row."""
        if conn is None:
            async with self.read_engine.connect() as own:
                return await self.person_keys(pids, own)
        return {r.person_id: r.wrapped_key for r in await conn.execute(_KEYS, {"pids": pids})}

    async def destroy_key(self, conn: AsyncConnection, person_id: str, now: datetime) -> None:
        """Drop the person's wrapped key, leaving a tombstone (a new one if they had none)."""
        res = await conn.execute(
            K.update().where(K.c.person_id == person_id).values(wrapped_key=None, forgotten_at=now)
        )
        if res.rowcount == 0:
            await conn.execute(
                K.insert().values(
                    person_id=person_id, wrapped_key=None, created_at=now, forgotten_at=now
                )
            )

    @abstractmethod
    async def reclaim(self) -> None:
        """After ``destroy_key``: push the freed bytes out of the database files (best
        effort; docs/eventstore.md says what remains)."""

    # ------------------------------------------------------------------ reads
    async def stream_version(self, stream_id: str) -> int:
        async with self.read_engine.connect() as conn:
            return (await conn.execute(_STREAM_VERSION, {"sid": stream_id})).scalar_one()

    async def head(self) -> tuple[int, str] | None:
        async with self.read_engine.connect() as conn:
            row = (await conn.execute(_HEAD)).first()
        return (row.position, row.hash) if row else None

    async def select(self, stmt: sa.Select) -> Sequence[Sequence]:
        """The rows of ``stmt`` (which selects :data:`COLUMNS`)."""
        async with self.read_engine.connect() as conn:
            return (await conn.execute(stmt)).all()

    async def read_stream(self, stream_id: str, up_to_version: int | None) -> Sequence[Sequence]:
        stmt = sa.select(*COLUMNS).where(E.c.stream_id == stream_id)
        if up_to_version is not None:
            stmt = stmt.where(E.c.version <= up_to_version)
        return await self.select(stmt.order_by(E.c.version))

    async def read_stream_as_of(self, stream_id: str, instant: datetime) -> Sequence[Sequence]:
        stmt = sa.select(*COLUMNS).where(E.c.stream_id == stream_id, E.c.recorded_at <= instant)
        return await self.select(stmt.order_by(E.c.version))

    async def read_stream_keyed(
        self, stream_id: str, up_to_version: int | None, as_of: datetime | None
    ) -> tuple[Sequence[Sequence], dict[str, bytes | None] | None]:
        """``read_stream`` (or ``read_stream_as_of``) and, where the database can fetch
        them in the same round trip, the wrapped keys of the persons whose sealed data the
        rows hold (else None: the caller looks them up)."""
        if as_of is not None:
            return await self.read_stream_as_of(stream_id, as_of), None
        return await self.read_stream(stream_id, up_to_version), None

    async def batches(
        self, stmt: sa.Select, from_position: int, batch_size: int
    ) -> AsyncIterator[Sequence[sa.Row]]:
        """Keyset pagination by position: constant memory, no connection held between
        batches."""
        stmt = stmt.where(E.c.position > sa.bindparam("after")).order_by(E.c.position)
        stmt = stmt.limit(batch_size)
        after = max(from_position, 1) - 1
        while True:
            async with self.read_engine.connect() as conn:
                rows = (await conn.execute(stmt, {"after": after})).all()
            if not rows:
                return
            yield rows
            if len(rows) < batch_size:
                return
            after = rows[-1].position

    # ------------------------------------------------------------------ the whole log
    @abstractmethod
    async def _log_batch(self, after: int, batch_size: int) -> list:
        """Rows after position ``after`` straight from the driver: position, stream_id,
        stream_type, version, event id (``event_id_text`` makes it canonical), type,
        schema_version, recorded_at (``instant`` makes it an aware datetime), prev_hash,
        hash, and data_json and metadata_json as their UTF-8 bytes (what the hash covers)."""

    @abstractmethod
    def event_id_text(self) -> Callable[[Any], str]:
        """The driver's event id -> its canonical text (``str(RecordedEvent.event_id)``)."""

    def instant(self) -> Callable[[Any], datetime]:
        """The driver's ``recorded_at`` -> the aware UTC datetime SQLAlchemy would give."""
        dialect = self.engine.dialect
        convert = E.c.recorded_at.type.dialect_impl(dialect).result_processor(dialect, None)
        return convert or (lambda value: value)

    async def log_rows(self, batch_size: int) -> AsyncIterator[list]:
        """The whole log as driver rows (see ``_log_batch``), ``batch_size`` at a time by
        keyset on position; the next batch is fetched while the caller works on this one
        (close the iterator, e.g. with ``contextlib.aclosing``, to stop early)."""
        pending = asyncio.ensure_future(self._log_batch(0, batch_size))
        try:
            while rows := await pending:
                pending = None
                if len(rows) == batch_size:
                    pending = asyncio.ensure_future(self._log_batch(rows[-1][0], batch_size))
                # Hand the batch over in chunks and let the event loop run in between: the
                # driver then reads the next batch off the socket while this one is hashed,
                # so the server keeps producing rows instead of stalling on a full buffer.
                for i in range(0, len(rows), LOG_CHUNK):
                    if i:
                        await asyncio.sleep(0)
                    yield rows[i : i + LOG_CHUNK]
                if pending is None:
                    return
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
