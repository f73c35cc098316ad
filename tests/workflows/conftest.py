"""Fixtures for workflow tests: the time-skipping Temporal server (one per session), a real
event store per test (SQLite file; PostgreSQL where a test says so), the outbox notifier,
and a worker registering exactly the production set (workflows/registry.py)."""

from __future__ import annotations

import os
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.notifications import OutboxNotifier
from domain.events import personal_data_registry, upcasters
from eventstore import EventStore
from tests.temporal_env import time_skipping_env
from workflows import registry


@pytest.fixture(scope="session")
async def ts_env():
    async with time_skipping_env() as env:
        yield env


@dataclass
class TimeSkipping:
    env: WorkflowEnvironment
    store: EventStore
    outbox: OutboxNotifier
    task_queue: str


@asynccontextmanager
async def session_on(env: WorkflowEnvironment, tmp_path_factory, task_queue: str):
    """A store, an outbox and ONE worker that live as long as the server ``env``."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('ts') / 'events.db'}"
    store = await open_store(url)
    outbox = OutboxNotifier.from_url(url)
    async with running_worker(env.client, store, outbox, task_queue) as tq:
        yield TimeSkipping(env, store, outbox, tq)
    await outbox.close()
    await store.close()


@pytest.fixture(scope="session")
async def ts(ts_env, tmp_path_factory):
    """The time-skipping server with ONE worker for the whole session.

    On the time-skipping server, time only moves when no workflow task is outstanding: a
    workflow left behind by an earlier test whose worker had stopped would freeze the
    clock for every later test. So the worker (and its store) live as long as the server;
    tests keep apart by campaign id and municipality code.
    """
    async with session_on(ts_env, tmp_path_factory, "ts-session") as t:
        yield t


@asynccontextmanager
async def private_time_skipping(tmp_path_factory):
    """A time-skipping server of its own, for a module that closes fiscal years (claims,
    late costs): on the shared server that left the clock stuck or skipping for whichever
    tests pytest-randomly ran after it. Override ``ts`` in the module with this."""
    async with time_skipping_env() as env, session_on(env, tmp_path_factory, "ts-private") as t:
        yield t


async def open_store(url: str) -> EventStore:
    return await EventStore.connect(
        url, signing_key=os.urandom(32), master_key=os.urandom(32),
        personal=personal_data_registry(), upcasters=upcasters(), migrate=True,
    )


@pytest.fixture
async def store(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'events.db'}"
    s = await open_store(url)
    s.test_url = url  # type: ignore[attr-defined]
    yield s
    await s.close()


@pytest.fixture
async def outbox(store):
    n = OutboxNotifier.from_url(store.test_url)
    yield n
    await n.close()


@asynccontextmanager
async def running_worker(client, store, notifier, task_queue: str | None = None):
    tq = task_queue or f"test-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client, task_queue=tq, workflows=registry.WORKFLOWS,
        activities=registry.activities(store=store, notifier=notifier, client=client),
    ):
        yield tq
