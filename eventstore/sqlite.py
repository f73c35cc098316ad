"""The SQLite recorder (aiosqlite): the embedded default.

* WAL journal, ``synchronous=FULL``; the store issues its own BEGIN, ``BEGIN IMMEDIATE``
  (the database write lock) for writers - that is the store-wide append lock.
* ``secure_delete`` is on and ``reclaim`` truncates the WAL, so a forgotten person's
  wrapped key leaves no byte behind in the database files.
* Everything else is the SQLAlchemy Core of :class:`~eventstore.recorder.Recorder`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine

from eventstore.recorder import Recorder
from eventstore.schema import events as E

_LOG_ROWS = (
    "SELECT position, stream_id, stream_type, version, event_id, type, schema_version,"
    " recorded_at, prev_hash, hash, CAST(data_json AS BLOB), CAST(metadata_json AS BLOB)"
    " FROM events WHERE position > ? ORDER BY position LIMIT ?"
)
_HEX32 = re.compile("[0-9a-f]{32}")


def setup_engine(engine: AsyncEngine) -> None:
    """WAL, our own BEGIN (IMMEDIATE for writers), secure_delete for forget()."""

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


class SqliteRecorder(Recorder):
    dialect = "sqlite"

    async def reclaim(self) -> None:
        # secure_delete zeroed the freed bytes in the database; push them out of the WAL.
        async with self.engine.connect() as conn:
            raw = await conn.get_raw_connection()  # outside any transaction
            await raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def _log_batch(self, after: int, batch_size: int) -> list:
        async with self.read_engine.connect() as conn:
            drv = (await conn.get_raw_connection()).driver_connection
            async with drv.execute(_LOG_ROWS, (after, batch_size)) as cur:
                return await cur.fetchall()

    def event_id_text(self) -> Callable[[Any], str]:
        dialect = self.engine.dialect
        to_uuid = E.c.event_id.type.dialect_impl(dialect).result_processor(dialect, None)

        def text(value: Any) -> str:
            # The 32 lower-case hex digits SQLAlchemy stores; anything else the slow, exact
            # way (SQLAlchemy's own conversion).
            if type(value) is str and _HEX32.fullmatch(value):
                return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
            return str(to_uuid(value) if to_uuid else value)

        return text
