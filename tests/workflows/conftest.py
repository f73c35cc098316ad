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


@asynccontextmanager
async def private_time_skipping(tmp_path_factory):
    """A time-skipping server with ONE worker, its store and outbox, for one test module."""
    async with time_skipping_env() as env, session_on(env, tmp_path_factory, "ts-module") as t:
        yield t


@pytest.fixture(scope="module")
async def ts(tmp_path_factory):
    """Each test module gets a time-skipping server of its own, with ONE worker.

    On the time-skipping server, time only moves when no workflow task is outstanding: a
    workflow left behind by an earlier test whose worker had stopped would freeze the
    clock for every later test; so the worker (and its store) live as long as the server,
    and tests of a module keep apart by campaign id and municipality code. One server per
    module, not per session: with pytest-randomly's order, a module that closes fiscal
    years (claims, late costs) or leaves hundreds of timers (the 600-applicant campaign)
    left a shared server's clock stuck or skipping for whatever ran after it (a whole run
    once hung in test_scale). A server starts in about a second.
    """
    async with private_time_skipping(tmp_path_factory) as t:
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
