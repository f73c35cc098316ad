"""The event store's contract suite runs on SQLite (a temp file) and the real PostgreSQL.

Each test gets a fresh, migrated database. PostgreSQL unreachable = the run FAILS (never
skips): see tests/pg.py.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from eventstore import EventStore, NewEvent, PersonalFields, UpcasterRegistry
from eventstore.migrate import upgrade
from eventstore.schema import events
from tests import pg

SIGNING_KEY = os.urandom(32)
MASTER_KEY = os.urandom(32)

PERSONAL = {
    "ApplicationReceived": PersonalFields(subject="applicant_id", fields=("name", "email")),
}


def _v1_to_v2(data: dict) -> dict:  # v1 had "fee" in man-yen; v2 has integer yen
    data["fee_yen"] = data.pop("fee") * 10_000
    return data


def _v2_to_v3(data: dict) -> dict:  # v3 added the form, defaulting to part-time
    data.setdefault("form", "part_time")
    return data


def make_upcasters() -> UpcasterRegistry:
    reg = UpcasterRegistry()
    reg.register("AdvisorAppointed", 1, _v1_to_v2)
    reg.register("AdvisorAppointed", 2, _v2_to_v3)
    return reg


@pytest.fixture(scope="session")
def pg_events_db() -> str:
    """One PostgreSQL database for this suite, created and migrated once (fails loudly
    when PostgreSQL is unreachable); each test starts from empty tables (see db_url)."""
    pg.check_reachable()
    url = pg.create_database("ninyo_es")
    try:
        upgrade(url)
        yield url
    finally:
        pg.drop_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request, tmp_path) -> str:
    """An empty event store database with the schema the alembic migrations create."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'events.db'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_events_db")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("TRUNCATE events, person_keys")
    finally:
        await engine.dispose()
    return url


async def open_store(url: str, **kwargs) -> EventStore:
    kwargs.setdefault("personal", PERSONAL)
    kwargs.setdefault("upcasters", make_upcasters())
    return await EventStore.connect(url, signing_key=SIGNING_KEY, master_key=MASTER_KEY, **kwargs)


@pytest.fixture
async def store(db_url) -> AsyncIterator[EventStore]:
    s = await open_store(db_url)
    try:
        yield s
    finally:
        await s.close()


class Tamper:
    """Direct SQL on the store's database, as an intruder (or a careless DBA) would do it.

    Constraint checks that would stop a casual DELETE are switched off the way someone
    with full database rights can (PostgreSQL: session_replication_role; SQLite: a plain
    connection does not enforce foreign keys).
    """

    def __init__(self, url: str) -> None:
        self.engine = create_async_engine(url)
        self.is_pg = self.engine.dialect.name == "postgresql"

    async def __aenter__(self) -> Tamper:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.engine.dispose()

    async def run(self, fn) -> None:
        async with self.engine.begin() as conn:
            if self.is_pg:
                await conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            await fn(conn)

    async def rows(self) -> list[sa.Row]:
        from eventstore.schema import events

        async with self.engine.connect() as conn:
            return (await conn.execute(sa.select(events).order_by(events.c.position))).all()

    async def all_text(self, conn: AsyncConnection | None = None) -> str:
        """PostgreSQL: the text of every row of every table of the database."""
        async with self.engine.connect() as conn:
            tables = (
                await conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ).scalars()
            parts = []
            for t in list(tables):
                res = await conn.exec_driver_sql(f'SELECT t::text FROM "{t}" t')
                parts.extend(res.scalars())
            return "\n".join(parts)


async def fill(store: EventStore, n: int = 8) -> None:
    """``n`` claim amendments over two streams (amount_yen 1,000,000 + i, note 改定i)."""
    for i in range(n):
        stream = f"subsidy:131016:{2024 + i % 2}"
        await store.append(
            stream,
            None,
            [NewEvent("ClaimAmended", {"amount_yen": 1_000_000 + i, "note": f"改定{i}"},
                      metadata={"municipality": "131016", "actor": "finance-1"})],
        )  # fmt: skip


def edit_text(position: int, old: str, new: str, column: str = "data_json"):
    """UPDATE events SET <column> = replace(<column>, old, new) WHERE position = ..."""
    return lambda c: c.execute(
        events.update()
        .where(events.c.position == position)
        .values({column: sa.func.replace(events.c[column], old, new)})
    )
