"""The PostgreSQL recorder (asyncpg): the store's production database and its fast paths.

* The lock is ``pg_advisory_xact_lock`` (per database; COMMIT or ROLLBACK releases it). It
  is released only after the previous commit is visible, so the next holder's READ
  COMMITTED statements see it, and commits happen in position order.
* Inserts are one prepared ``INSERT ... SELECT FROM unnest(<one array per column>)`` sent
  through asyncpg (SQLAlchemy's multi-row VALUES rendering cost as much CPU as building the
  rows); constraint violations still surface as SQLAlchemy's ``IntegrityError``.
* The optimistic append is **one statement on an autocommit connection**: lock, new person
  keys and events, its own transaction (see ``_APPEND_ONE_STATEMENT``).
* Hot reads (a stream, the whole log for ``verify``) go to asyncpg directly: it already
  returns the UUIDs and aware UTC datetimes SQLAlchemy's result processing would give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from eventstore.recorder import COLUMNS_SQL, Recorder

#: PostgreSQL advisory lock key of the store ("ninyo_es"); advisory locks are per database.
ADVISORY_LOCK_KEY = int.from_bytes(b"ninyo_es", "big")

READ_STREAM_SQL = f"SELECT {COLUMNS_SQL} FROM events WHERE stream_id = $1 ORDER BY version"
READ_STREAM_UPTO_SQL = (
    f"SELECT {COLUMNS_SQL} FROM events WHERE stream_id = $1 AND version <= $2 ORDER BY version"
)
READ_STREAM_AS_OF_SQL = (
    f"SELECT {COLUMNS_SQL} FROM events WHERE stream_id = $1 AND recorded_at <= $2 ORDER BY version"
)
# read_decoded: the rows and, in the same round trip, the wrapped key of the person whose
# sealed data each row holds (the generated jsonb column names the person).
_KEYED = (
    f"SELECT {', '.join('e.' + c for c in COLUMNS_SQL.split(', '))}, k.person_id, k.wrapped_key"
    " FROM events e LEFT JOIN person_keys k ON k.person_id = e.data -> '$pii' ->> 'person'"
    " WHERE e.stream_id = $1"
)
READ_STREAM_KEYED_SQL = f"{_KEYED} ORDER BY e.version"
READ_STREAM_UPTO_KEYED_SQL = f"{_KEYED} AND e.version <= $2 ORDER BY e.version"
READ_STREAM_AS_OF_KEYED_SQL = f"{_KEYED} AND e.recorded_at <= $2 ORDER BY e.version"
_PERSON_KEYS = "SELECT person_id, wrapped_key FROM person_keys WHERE person_id = ANY($1::text[])"
# verify(): the hashed columns; the event id as text (uuid::text is the canonical form), the
# JSON texts as their UTF-8 bytes (what is hashed: no decoding into str and encoding back).
_LOG_ROWS = (
    "SELECT position, stream_id, stream_type, version, event_id::text, type, schema_version,"
    " recorded_at, prev_hash, hash, convert_to(data_json, 'UTF8'),"
    " convert_to(metadata_json, 'UTF8') FROM events"
    " WHERE position > $1 ORDER BY position LIMIT $2"
)

# One statement per batch, whatever its size, prepared once per connection by the driver.
# A batch shares stream and instant.
_INSERT = (
    "INSERT INTO events (stream_id, stream_type, recorded_at, position, version, event_id,"
    " type, schema_version, data_json, metadata_json, prev_hash, hash)"
    " SELECT $1::text, $2::text, $3::timestamptz, u.* FROM unnest($4::bigint[], $5::int[],"
    " $6::uuid[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[]) AS u"
)
_INSERT_KEYS = (
    "INSERT INTO person_keys (created_at, person_id, wrapped_key)"
    " SELECT $1::timestamptz, u.* FROM unnest($2::text[], $3::bytea[]) AS u"
)
# The optimistic append: lock, new person keys and events in ONE statement, run outside an
# explicit transaction, so it is its own transaction: one round trip instead of BEGIN, lock,
# key insert, event insert, COMMIT. Both inserts join the lock's (materialised: the function
# is volatile) CTE, so no row is inserted before the lock is held, and the lock is held
# until the statement's commit. Nothing is read: the unique indexes (position, stream
# version, event id, person id) check against the committed state whatever the statement's
# snapshot, which is what the optimistic path relies on.
_APPEND_ONE_STATEMENT = (
    f"WITH l AS (SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY}) AS locked),"
    " k AS (INSERT INTO person_keys (created_at, person_id, wrapped_key)"
    " SELECT $13::timestamptz, u.* FROM unnest($14::text[], $15::bytea[]) AS u, l)"
    " INSERT INTO events (stream_id, stream_type, recorded_at, position, version, event_id,"
    " type, schema_version, data_json, metadata_json, prev_hash, hash)"
    " SELECT $1::text, $2::text, $3::timestamptz, u.* FROM unnest($4::bigint[], $5::int[],"
    " $6::uuid[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[])"
    " AS u, l"
)


async def _driver(conn: AsyncConnection) -> Any:
    return (await conn.get_raw_connection()).driver_connection


async def _execute(conn: AsyncConnection, sql: str, *args: Any) -> None:
    """Run ``sql`` with asyncpg directly, in ``conn``'s transaction if one has begun.
    Constraint violations (SQLSTATE class 23) become SQLAlchemy's IntegrityError, as they
    would through ``conn.execute``."""
    try:
        await (await _driver(conn)).execute(sql, *args)
    except Exception as exc:
        if str(getattr(exc, "sqlstate", "")).startswith("23"):
            raise sa.exc.IntegrityError(sql, None, exc) from exc
        raise


def _event_columns(rows: list[dict]) -> tuple:
    """The parameters of the ``unnest`` event inserts: the batch's shared stream columns,
    then one array per column (one round trip whatever the batch size)."""
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


class PostgresRecorder(Recorder):
    dialect = "postgresql"
    lock = sa.text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        # Reads (and the one-statement append) run on autocommit connections: no BEGIN,
        # no COMMIT round trips.
        self.read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def record(self, rows: list[dict], key_rows: list[dict]) -> None:
        async with self.read_engine.connect() as conn:  # AUTOCOMMIT: its own transaction
            await _execute(
                conn,
                _APPEND_ONE_STATEMENT,
                *_event_columns(rows),
                key_rows[0]["created_at"] if key_rows else rows[0]["recorded_at"],
                [r["person_id"] for r in key_rows],
                [r["wrapped_key"] for r in key_rows],
            )

    async def insert_events(self, conn: AsyncConnection, rows: list[dict]) -> None:
        await _execute(conn, _INSERT, *_event_columns(rows))

    async def insert_keys(self, conn: AsyncConnection, rows: list[dict]) -> None:
        await _execute(
            conn,
            _INSERT_KEYS,
            rows[0]["created_at"],
            [r["person_id"] for r in rows],
            [r["wrapped_key"] for r in rows],
        )

    async def reclaim(self) -> None:
        # Let PostgreSQL reclaim the dead tuple now (VACUUM needs an autocommit connection).
        async with self.read_engine.connect() as conn:
            await conn.exec_driver_sql("VACUUM person_keys")

    async def _fetch(self, sql: str, *args: Any) -> list:
        async with self.read_engine.connect() as conn:
            return await (await _driver(conn)).fetch(sql, *args)

    async def read_stream(self, stream_id: str, up_to_version: int | None) -> Sequence[Sequence]:
        if up_to_version is None:
            return await self._fetch(READ_STREAM_SQL, stream_id)
        return await self._fetch(READ_STREAM_UPTO_SQL, stream_id, up_to_version)

    async def read_stream_as_of(self, stream_id: str, instant: datetime) -> Sequence[Sequence]:
        return await self._fetch(READ_STREAM_AS_OF_SQL, stream_id, instant)

    async def read_stream_keyed(
        self, stream_id: str, up_to_version: int | None, as_of: datetime | None
    ) -> tuple[Sequence[Sequence], dict[str, bytes | None]]:
        # One round trip instead of two (rows, then keys).
        if as_of is not None:
            rows = await self._fetch(READ_STREAM_AS_OF_KEYED_SQL, stream_id, as_of)
        elif up_to_version is not None:
            rows = await self._fetch(READ_STREAM_UPTO_KEYED_SQL, stream_id, up_to_version)
        else:
            rows = await self._fetch(READ_STREAM_KEYED_SQL, stream_id)
        return rows, {r[12]: r[13] for r in rows if r[12] is not None}

    async def person_keys(
        self, pids: Sequence[str], conn: AsyncConnection | None = None
    ) -> dict[str, bytes | None]:
        if conn is not None:  # under the append lock: in that transaction
            return await super().person_keys(pids, conn)
        # a read: one prepared statement whatever the number of persons (SQLAlchemy
        # compiles an expanding IN anew for each count: most of the look-up's time)
        return dict(await self._fetch(_PERSON_KEYS, list(pids)))

    async def _log_batch(self, after: int, batch_size: int) -> list:
        return await self._fetch(_LOG_ROWS, after, batch_size)

    def event_id_text(self) -> Callable[[Any], str]:
        return str  # selected as uuid::text: already canonical
