"""Fixtures of the API tests: a fresh PostgreSQL event store, the in-process app, tokens.

The Temporal part (real dev server + in-process worker) lives in ``temporal_api`` below
and is only started by the tests that drive workflows.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

import eventstore
from api.main import build_store_kwargs, create_app
from eventstore.migrate import upgrade
from ninyo.auth import Role, create_token
from ninyo.settings import Settings
from tests import pg

OWN = "062049"  # 酒田市 (the tokens' municipality)
OTHER = "072010"  # 福島市 (someone else's)


def _b64key() -> SecretStr:
    return SecretStr(base64.b64encode(os.urandom(32)).decode())


@pytest.fixture(scope="session")
def api_db_url():
    pg.check_reachable()
    url = pg.create_database("ninyo_api")
    upgrade(url)
    yield url
    pg.drop_database(url)


@pytest.fixture(scope="session")
def api_settings(api_db_url) -> Settings:
    from tests.temporal_env import TEST_PAYLOAD_KEY

    return Settings(
        database_url=api_db_url,
        jwt_secret=_b64key(),
        checkpoint_signing_key=_b64key(),
        data_master_key=_b64key(),
        payload_key=SecretStr(base64.b64encode(TEST_PAYLOAD_KEY).decode()),
        temporal_address="127.0.0.1:1",  # replaced by the dev server's where Temporal is used
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def store(api_settings) -> AsyncIterator[eventstore.EventStore]:
    s = await eventstore.from_settings(api_settings, **build_store_kwargs())
    yield s
    await s.close()


@dataclass
class Tokens:
    settings: Settings

    def __call__(self, role: Role | str, *munis: str, sub: str | None = None) -> dict[str, str]:
        role = Role(role)
        token = create_token(self.settings, sub=sub or f"{role.value}-1", role=role,
                             municipalities=list(munis or (OWN,)), ttl=timedelta(minutes=30))
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def tokens(api_settings) -> Tokens:
    return Tokens(api_settings)


async def _serve(app) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ninyo.test") as c:
            yield c


@pytest.fixture(scope="session")
async def http(api_settings, store) -> AsyncIterator[httpx.AsyncClient]:
    """The app without Temporal (assessments, audit, auth)."""
    app = create_app(api_settings, store=store, connect_temporal=False)
    async for c in _serve(app):
        yield c


@dataclass
class TemporalApi:
    http: httpx.AsyncClient
    client: object  # temporalio.client.Client


@pytest.fixture(scope="session")
async def temporal_api(api_settings, store) -> AsyncIterator[TemporalApi]:
    """The app on a real Temporal dev server, with the worker running in-process."""
    from temporalio.worker import Worker

    from activities.notifications import OutboxNotifier
    from tests.temporal_env import dev_server_env
    from workflows.registry import WORKFLOWS, activities

    async with dev_server_env() as env:
        notifier = OutboxNotifier.from_url(api_settings.database_url)
        worker = Worker(
            env.client, task_queue=api_settings.task_queue, workflows=WORKFLOWS,
            activities=activities(store=store, notifier=notifier, client=env.client),
        )
        async with worker:
            app = create_app(api_settings, store=store, client=env.client)
            async for c in _serve(app):
                yield TemporalApi(http=c, client=env.client)
        await notifier.close()
