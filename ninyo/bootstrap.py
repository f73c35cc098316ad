"""The composition root: the one place that builds Ninyo's real adapters from settings.

Every process builds its adapters here — the worker (``worker.py``), the HTTP API
(``api.main`` lifespan), the CLI (``ninyo audit ...``) and the demo (``cli.demo``) — so
they all agree on:

- the settings (``NINYO_*``) and the logging set-up;
- the event store with the domain's personal-data registry and upcasters;
- the Temporal client with the production data converter (pydantic + AES-GCM codec);
- the notifier (outbox table, or SMTP when ``NINYO_SMTP_HOST`` is set);
- the task queue: always ``settings.task_queue`` (``NINYO_TASK_QUEUE``), for the worker
  that polls it and for every client that starts a workflow on it.

    async with bootstrap.runtime(settings) as rt:      # store + client + notifier
        worker = bootstrap.worker(rt)                   # every workflow and activity

Nothing here decides anything; it only wires. Tests may hand in adapters they built
themselves (``Runtime(settings, store=..., client=...)``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ninyo.logging import configure_logging, get_logger
from ninyo.settings import Settings, get_settings

if TYPE_CHECKING:  # pragma: no cover
    from temporalio.client import Client
    from temporalio.worker import Worker

    from activities.notifications import Notifier, OutboxNotifier
    from eventstore import EventStore

log = get_logger(__name__)


def settings(**overrides: Any) -> Settings:
    """The product's settings (environment / ``.env``), with ``overrides`` applied."""
    base = get_settings()
    return base.model_copy(update=overrides) if overrides else base


def setup_logging(s: Settings) -> None:
    """Logging, and traces when ``NINYO_OTLP_ENDPOINT`` is set (``ninyo.telemetry``)."""
    from ninyo import telemetry

    configure_logging(s.log_level, s.log_json)
    telemetry.setup_tracing()


def store_kwargs() -> dict[str, Any]:
    """The domain's personal-data registry and upcasters, for the event store."""
    from domain import events

    return {"personal": events.personal_data_registry(), "upcasters": events.upcasters()}


async def open_store(s: Settings, *, migrate: bool = False) -> EventStore:
    """The event store configured by ``s`` (URL and keys)."""
    import eventstore
    from ninyo import telemetry

    store = await eventstore.from_settings(s, migrate=migrate, **store_kwargs())
    return telemetry.instrument_store(store)  # appends and verify runs counted


async def connect_temporal(s: Settings, *, wait: float = 0.0) -> Client:
    """The Temporal client with the production data converter and payload codec.

    ``wait`` seconds: keep retrying while the server is still starting (the demo's dev
    server); 0 fails at once.
    """
    from workflows.client import connect

    deadline = time.monotonic() + wait
    while True:
        try:
            return await connect(s)
        except Exception:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.5)


async def try_connect_temporal(s: Settings) -> Client | None:
    """``connect_temporal``, or None when Temporal is unreachable (the API still serves
    assessments and audits, and reconnects on the next lifecycle request)."""
    try:
        return await connect_temporal(s)
    except Exception as exc:  # noqa: BLE001 - logged; the caller degrades
        log.warning("temporal_unreachable", address=s.temporal_address, error=str(exc))
        return None


def notifier(s: Settings) -> Notifier:
    from activities.notifications import notifier_from_settings

    return notifier_from_settings(s)


def outbox_reader(s: Settings) -> OutboxNotifier:
    """The notification outbox, for reading (the API's ``/notifications``)."""
    from activities.notifications import OutboxNotifier

    return OutboxNotifier.from_url(s.database_url)


@dataclass
class Runtime:
    """The adapters of one process. ``client`` / ``notifier`` are None when not asked for."""

    settings: Settings
    store: EventStore
    client: Client | None = None
    notifier: Notifier | None = None

    @property
    def task_queue(self) -> str:
        return self.settings.task_queue


@asynccontextmanager
async def runtime(
    s: Settings | None = None,
    *,
    temporal: bool = True,
    notify: bool = False,
    migrate: bool = False,
    wait_for_temporal: float = 0.0,
    logging: bool = True,
) -> AsyncIterator[Runtime]:
    """Build the adapters, yield them, close them (store and notifier) at the end."""
    s = s or settings()
    if logging:
        setup_logging(s)
    async with AsyncExitStack() as stack:
        store = await open_store(s, migrate=migrate)
        stack.push_async_callback(store.close)
        n = None
        if notify:
            n = notifier(s)
            stack.push_async_callback(n.close)
        client = await connect_temporal(s, wait=wait_for_temporal) if temporal else None
        yield Runtime(settings=s, store=store, client=client, notifier=n)


def worker(rt: Runtime, *, graceful_shutdown: timedelta | None = None, **kwargs: Any) -> Worker:
    """The worker of every workflow and activity (``workflows.registry``), polling
    ``settings.task_queue``."""
    from temporalio.worker import Worker

    from workflows import registry

    assert rt.client is not None, "a worker needs a Temporal client"
    assert rt.notifier is not None, "a worker needs a notifier"
    if graceful_shutdown is not None:
        kwargs["graceful_shutdown_timeout"] = graceful_shutdown
    return Worker(
        rt.client,
        task_queue=rt.settings.task_queue,
        workflows=registry.WORKFLOWS,
        activities=registry.activities(store=rt.store, notifier=rt.notifier, client=rt.client),
        **kwargs,
    )
