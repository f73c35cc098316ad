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


# When Ninyo's schema is in the database, the raw table is a copy of its ``events`` table
# (columns, generated columns, defaults, constraints and indexes; LIKE copies no foreign
# keys) with a sequence for the position; rows carry the same JSON texts, hashes empty.
MIRROR_DDL = """
CREATE TABLE raw_events (LIKE events INCLUDING ALL);
CREATE SEQUENCE raw_events_position OWNED BY raw_events.position;
ALTER TABLE raw_events ALTER COLUMN position SET DEFAULT nextval('raw_events_position');
"""
# How the event's JSON is stored, by the columns Ninyo's table has (the schema moved while
# this was written): two canonical texts, one payload text, or jsonb columns.
_JSON_LAYOUTS = {
    ("data_json", "metadata_json"): "two texts",
    ("payload",): "one text",
}


def _mirror_inserts(columns: tuple[str, ...]) -> tuple[str, str]:
    cols = ", ".join(columns)
    params = ", ".join(f"${5 + i}" for i in range(len(columns)))
    arrays = ", ".join(f"${5 + i}::text[]" for i in range(len(columns)))
    names = ", ".join(f"j{i}" for i in range(len(columns)))
    single = (
        "INSERT INTO raw_events (stream_id, stream_type, version, event_id, type,"
        f" schema_version, {cols}, recorded_at, prev_hash, hash) VALUES ($1, 'recruitment',"
        f" $2, $3, $4, 1, {params}, now(), '', '')"
    )
    many = (
        "INSERT INTO raw_events (stream_id, stream_type, version, event_id, type,"
        f" schema_version, {cols}, recorded_at, prev_hash, hash) SELECT $1, 'recruitment', v,"
        f" e, $2, 1, {names}, now(), '', ''"
        f" FROM unnest($3::int[], $4::uuid[], {arrays}) AS t(v, e, {names})"
    )
    return single, many  # single: $1 stream, $2 version, $3 id, $4 type; many: $2 type


class RawPeer:
    def __init__(self, conn: asyncpg.Connection, json_columns: tuple[str, ...] = ()):
        self.conn = conn
        self.json_columns = json_columns  # () = own table with jsonb data/metadata
        self._streams = 0
        if json_columns:
            self._insert, self._insert_many_sql = _mirror_inserts(json_columns)

    @property
    def mirror(self) -> bool:
        return bool(self.json_columns)

    @classmethod
    async def connect(cls, dsn: str) -> RawPeer:
        """Call after Ninyo's store created its schema, to mirror its table."""
        conn = await asyncpg.connect(dsn)
        present = {r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'events' AND is_generated = 'NEVER'")}
        for columns in _JSON_LAYOUTS:
            if set(columns) <= present:
                await conn.execute(MIRROR_DDL)
                return cls(conn, columns)
        await conn.execute(DDL)
        return cls(conn)

    @property
    def schema(self) -> str:
        if self.mirror:
            return ("copy of Ninyo's events table (LIKE events INCLUDING ALL: generated "
                    f"columns and indexes, no foreign keys), JSON in {', '.join(self.json_columns)}")
        return "own table with the columns and indexes of Ninyo's"

    async def close(self) -> None:
        await self.conn.close()

    def _new_stream(self) -> str:
        self._streams += 1
        return f"raw:{self._streams}:{uuid.uuid4().hex[:8]}"

    def _texts(self, i: int) -> tuple[str, ...]:
        """The event's JSON in the mirrored table's layout."""
        def canon(v) -> str:
            return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

        data, meta = application_data(i), metadata()
        if self.json_columns == ("payload",):
            return (canon({"data": data, "metadata": meta}),)
        return canon(data), canon(meta)

    def _row(self, stream: str, version: int, i: int) -> tuple:
        if self.mirror:
            return (stream, version, uuid.uuid4(), EVENT_TYPE, *self._texts(i))
        return (stream, version, uuid.uuid4(), EVENT_TYPE,
                json.dumps(application_data(i), ensure_ascii=False), json.dumps(metadata()))

    async def append_single(self, n: int) -> tuple[int, float]:
        """One autocommit INSERT per event: one round trip, its own transaction (the
        fastest way PostgreSQL takes one event; no BEGIN/COMMIT round trips)."""
        stream = self._new_stream()
        sql = self._insert if self.mirror else INSERT
        with Timer() as t:
            for v in range(1, n + 1):
                await self.conn.execute(sql, *self._row(stream, v, v))
        return n, t.seconds

    async def _insert_many(self, stream: str, versions: list[int]) -> None:
        if self.mirror:
            texts = list(zip(*(self._texts(v) for v in versions), strict=True))
            await self.conn.execute(
                self._insert_many_sql, stream, EVENT_TYPE, versions,
                [uuid.uuid4() for _ in versions], *[list(t) for t in texts])
            return
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

    async def fetch(self, sql: str, *args) -> tuple[int, float]:
        """The plain read of the rows another peer reads: the same query, one prepared
        ``fetch`` (the fastest plain read of them: no cursor, no transaction)."""
        with Timer() as t:
            rows = await self.conn.fetch(sql, *args)
        return len(rows), t.seconds

    async def read_all(self, table: str = "raw_events", batch: int = 5000) -> tuple[int, float]:
        """A plain, ordered read of every row of ``table`` — its stored columns, not the
        ones the database generates from them — in keyset pages of ``batch`` rows, each one
        prepared ``fetch`` (the baseline for whole-log verification: faster here than a
        server-side cursor, which needs a transaction and a round trip per prefetch)."""
        columns = [r["column_name"] for r in await self.conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
            " AND is_generated = 'NEVER' ORDER BY ordinal_position", table)]
        query = (f"SELECT {', '.join(columns)} FROM {table} WHERE position > $1"
                 " ORDER BY position LIMIT $2")
        n = after = 0
        with Timer() as t:
            while rows := await self.conn.fetch(query, after, batch):
                n += len(rows)
                after = rows[-1]["position"]
                if len(rows) < batch:
                    break
        return n, t.seconds
