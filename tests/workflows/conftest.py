"""Fixtures for workflow tests: the time-skipping Temporal server (one per session), a real
event store per test (SQLite file; PostgreSQL where a test says so), the outbox notifier,
and a worker registering exactly the production set (workflows/registry.py)."""

from __future__ import annotations

import os
import uuid
from contextlib import asynccontextmanager

import pytest
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
