"""The limit: bare asyncpg INSERTs into a table shaped like Ninyo's event log (no hash
chain, no encryption, no version check beyond the unique index)."""

from __future__ import annotations

import json
import uuid

import asyncpg

from bench.payload import EVENT_TYPE, application_data, metadata
from bench.stats import Timer

# Same columns, constraints and indexes as eventstore/schema.py's ``events`` (hash columns
# left empty: no chain is computed), so the index maintenance cost is the same.
DDL = """
CREATE TABLE IF NOT EXISTS raw_events (
    position       bigserial PRIMARY KEY,
    stream_id      text COLLATE "C" NOT NULL,
    stream_type    text        NOT NULL,
    version        integer     NOT NULL,
    event_id       uuid        NOT NULL,
    type           text        NOT NULL,
    schema_version integer     NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    municipality   text,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    prev_hash      varchar(64),
    hash           varchar(64),
    CONSTRAINT uq_raw_events_event_id UNIQUE (event_id),
    CONSTRAINT uq_raw_events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX IF NOT EXISTS ix_raw_events_municipality ON raw_events (municipality, position);
CREATE INDEX IF NOT EXISTS ix_raw_events_type ON raw_events (type, position);
"""

INSERT = (
    "INSERT INTO raw_events (stream_id, stream_type, version, event_id, type, schema_version,"
    " data, metadata, municipality) VALUES ($1, 'recruitment', $2, $3, $4, 1, $5::jsonb,"
    " $6::jsonb, '131016')"
)

# A batch as one statement (arrays unnested server-side): faster than executemany here.
INSERT_MANY = (
    "INSERT INTO raw_events (stream_id, stream_type, version, event_id, type, schema_version,"
    " data, metadata, municipality) SELECT $1, 'recruitment', v, e, $2, 1, d::jsonb,"
    " m::jsonb, '131016'"
    " FROM unnest($3::int[], $4::uuid[], $5::text[], $6::text[]) AS t(v, e, d, m)"
)


class RawPeer:
    def __init__(self, conn: asyncpg.Connection):
        self.conn = conn
        self._streams = 0

    @classmethod
    async def connect(cls, dsn: str) -> RawPeer:
        conn = await asyncpg.connect(dsn)
        await conn.execute(DDL)
        return cls(conn)

    async def close(self) -> None:
        await self.conn.close()

    def _new_stream(self) -> str:
        self._streams += 1
        return f"raw:{self._streams}:{uuid.uuid4().hex[:8]}"

    @staticmethod
    def _row(stream: str, version: int, i: int) -> tuple:
        return (stream, version, uuid.uuid4(), EVENT_TYPE,
                json.dumps(application_data(i), ensure_ascii=False), json.dumps(metadata()))

    async def append_single(self, n: int) -> tuple[int, float]:
        stream = self._new_stream()
        with Timer() as t:
            for v in range(1, n + 1):
                async with self.conn.transaction():
                    await self.conn.execute(INSERT, *self._row(stream, v, v))
        return n, t.seconds

    async def _insert_many(self, stream: str, versions: list[int]) -> None:
        await self.conn.execute(
            INSERT_MANY, stream, EVENT_TYPE, versions, [uuid.uuid4() for _ in versions],
            [json.dumps(application_data(v), ensure_ascii=False) for v in versions],
            [json.dumps(metadata()) for _ in versions],
        )

    async def append_batch(self, batches: int, size: int = 100) -> tuple[int, float]:
        stream = self._new_stream()
        with Timer() as t:
            for b in range(batches):
                async with self.conn.transaction():
                    await self._insert_many(stream, list(range(b * size + 1, b * size + size + 1)))
        return batches * size, t.seconds

    async def fill_stream(self, n: int) -> str:
        stream = self._new_stream()
        async with self.conn.transaction():
            await self._insert_many(stream, list(range(1, n + 1)))
        return stream

    async def read_stream(self, stream: str) -> tuple[int, float]:
        with Timer() as t:
            rows = await self.conn.fetch(
                "SELECT * FROM raw_events WHERE stream_id = $1 ORDER BY version", stream
            )
        return len(rows), t.seconds

    async def read_all(self, table: str = "raw_events") -> tuple[int, float]:
        """A plain, ordered read of every row of ``table`` (the baseline for whole-log
        verification), streamed through a server-side cursor like a verifier would."""
        n = 0
        with Timer() as t:
            async with self.conn.transaction():
                cur = self.conn.cursor(f"SELECT * FROM {table} ORDER BY position", prefetch=2000)
                async for _row in cur:
                    n += 1
        return n, t.seconds
