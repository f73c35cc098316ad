"""Property-based API testing with schemathesis over the OpenAPI document.

A Temporal dev server and an in-process worker run in a thread with their own event loop;
the app, ``create_app(settings)`` with its real lifespan (event store and Temporal client
built from settings), is served in-process through schemathesis's ASGI transport (its own
loop thread). Every operation is exercised with valid tokens: no 5xx, every status code,
content type and body as the schema documents, at least 100 cases per operation.
"""

from __future__ import annotations

import asyncio
import os
import threading
from contextlib import suppress
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import Role, create_token
from tests.api.conftest import OWN

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
APPROVER_ONLY = ("/approve", "/return", "/offer-approval", "/appoint", "/renew")


class TemporalThread(threading.Thread):
    """Dev server + worker on this thread's own event loop (the tests are synchronous)."""

    def __init__(self, settings) -> None:
        super().__init__(daemon=True, name="schemathesis-temporal")
        self.settings = settings
        self.address: str | None = None
        self.ready, self.error = threading.Event(), None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            self.error = exc
            self.ready.set()

    async def _main(self) -> None:
        from temporalio.worker import Worker

        import eventstore
        from activities.notifications import OutboxNotifier
        from api.main import build_store_kwargs
        from tests.temporal_env import address_of, dev_server_env
        from workflows.registry import WORKFLOWS, activities

        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with dev_server_env() as env:
            self.address = address_of(env)
            settings = self.settings
            store = await eventstore.from_settings(settings, **build_store_kwargs())
            notifier = OutboxNotifier.from_url(settings.database_url)
            worker = Worker(env.client, task_queue=settings.task_queue, workflows=WORKFLOWS,
                            activities=activities(store=store, notifier=notifier,
                                                  client=env.client))
            async with worker:
                self.ready.set()
                await self._stop.wait()
            await notifier.close()
            await store.close()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self.join(timeout=60)


@pytest.fixture(scope="module")
def app(api_settings):
    """The app as deployed: its lifespan connects to the thread's Temporal server."""
    from schemathesis.python.asgi import shutdown_lifespans

    from api.main import create_app

    temporal = TemporalThread(api_settings)
    temporal.start()
    assert temporal.ready.wait(timeout=120), "Temporal did not start"
    if temporal.error is not None:
        raise temporal.error
    yield create_app(api_settings.model_copy(update={"temporal_address": temporal.address}))
    with suppress(Exception):
        shutdown_lifespans()
    with suppress(Exception):
        temporal.stop()


def _document() -> dict:
    """The app's OpenAPI document, built in-process (the live server serves the same app)."""
    from api.main import create_app

    return create_app(connect_temporal=False).openapi()


# schemathesis 4.32's lazy ``from_fixture`` trips over pytest 9 (Node._nodeid), so the
# schema is loaded eagerly from the document and the app is handed over per call.
# The fuzzing phase only (no exhaustive coverage phase), valid and invalid inputs, ASCII
# strings (generation is the cost here, not the calls), 100 cases per operation.
CONFIG = schemathesis.Config.from_dict({
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {"mode": "all", "max-examples": 100, "codec": "ascii"},
})
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)

# `make test` (and CI) fuzzes EVERY operation with 100 cases each (a few minutes).
# NINYO_FUZZ_CORE_ONLY=1 is a developer's shortcut: every assessment and audit operation
# and one write route of each kind the lifecycle router builds (start, campaign,
# application, appointment, claim; with and without a body) — they share one code path
# per kind.
CORE = (
    r"^/assessments/"
    r"|^/audit/"
    r"|^/recruitments$"
    r"|^/recruitments/\{municipality\}/\{campaign_id\}/(approve|posting|costs)$"
    r"|^/recruitments/\{municipality\}/\{campaign_id\}/applications/\{application_id\}/reject$"
    r"|^/appointments/\{municipality\}/\{appointment_id\}/costs$"
    r"|^/claims/\{municipality\}/\{fiscal_year\}/decision$"
)
core = schema.include(path_regex=CORE)
CORE_ONLY = os.environ.get("NINYO_FUZZ_CORE_ONLY") == "1"


def _role_for(path: str) -> Role:
    if path in ("/audit/verify", "/audit/checkpoint"):
        return Role.auditor
    if path.endswith(APPROVER_ONLY):
        return Role.approver
    return Role.hr_officer


def _call(case, app, api_settings) -> None:
    token = create_token(api_settings, sub="fuzzer", role=_role_for(case.path),
                         municipalities=[OWN], ttl=timedelta(minutes=30))
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"},
                           checks=CHECKS, timeout=30)


SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.skipif(not CORE_ONLY, reason="covered by the every-operation run")
@core.parametrize()
@SETTINGS
def test_core_operations_conform_to_the_schema(case, app, api_settings):
    _call(case, app, api_settings)


@pytest.mark.skipif(CORE_ONLY, reason="NINYO_FUZZ_CORE_ONLY=1: core operations only")
@schema.parametrize()
@SETTINGS
def test_every_operation_conforms_to_the_schema(case, app, api_settings):
    _call(case, app, api_settings)
