"""The schema comes from the alembic migrations, for both dialects."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine

import eventstore
from eventstore import EventStore, NewEvent, SchemaMissingError
from eventstore.migrate import VERSION_TABLE, downgrade, upgrade
from ninyo.settings import Settings
from tests import pg


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'dir' / 'events.db'}"
    else:
        pg.check_reachable()
        url = pg.create_database("ninyo_es_mig")
        try:
            yield url
        finally:
            pg.drop_database(url)


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            from sqlalchemy import inspect

            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_connect_to_a_database_without_schema_says_how_to_create_it(empty_url):
    with pytest.raises(SchemaMissingError, match="ninyo db upgrade"):
        await EventStore.connect(empty_url, signing_key=os.urandom(32), master_key=os.urandom(32))


async def test_upgrade_works_inside_a_running_event_loop_and_is_idempotent(empty_url):
    upgrade(empty_url)  # called from a coroutine: alembic runs in a thread
    upgrade(empty_url)
    assert {"events", "person_keys", VERSION_TABLE} <= await _tables(empty_url)
    downgrade(empty_url, "base")
    assert "events" not in await _tables(empty_url)
    upgrade(empty_url, "0001")
    assert "events" in await _tables(empty_url)


async def test_connect_with_migrate_creates_the_schema(empty_url):
    store = await EventStore.connect(
        empty_url, signing_key=os.urandom(32), master_key=os.urandom(32), migrate=True
    )
    async with store:
        assert (await store.append("s", 0, [NewEvent("X", {})])).positions == [1]


async def test_from_settings_uses_the_configured_url_and_keys(tmp_path):
    signing = os.urandom(32)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'ninyo.db'}",
        checkpoint_signing_key=SecretStr(base64.b64encode(signing).decode()),
        data_master_key=SecretStr(base64.b64encode(os.urandom(32)).decode()),
    )
    upgrade(settings.database_url)
    async with await eventstore.from_settings(settings) as store:
        cp = await store.checkpoint()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    expected = Ed25519PrivateKey.from_private_bytes(signing).public_key()
    raw = expected.public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert base64.b64decode(cp.public_key) == raw
