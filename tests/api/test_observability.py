"""What operators see (issue 15): ``/healthz``, ``/readyz``, ``/metrics`` and one command's
trace from the HTTP request through the Temporal update, the workflow, the activity and
the event store's SQL.

The trace test runs its own worker, on a task queue of its own, on the session's dev
server with Temporal's tracing interceptor; spans go to an in-memory exporter.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from api.main import create_app
from ninyo import telemetry
from tests.api.conftest import OWN, _serve
from tests.api.flow import Flow


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of metric ``name`` with (at least) ``labels`` in Prometheus text; 0 if absent."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', line[len(name) : line.rindex("}")]))
        if all(got.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_healthz_is_alive_without_temporal(http):
    r = await http.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


async def test_readyz_is_503_naming_temporal_when_there_is_no_temporal(http):
    r = await http.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["temporal"].startswith("unreachable")


async def test_readyz_is_ready_with_the_database_temporal_and_a_polling_worker(
    temporal_api, tokens
):
    await Flow(temporal_api.http, tokens).defined()  # the worker has polled by now
    r = await temporal_api.http.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"database": "ok", "temporal": "ok", "worker_pollers": "ok"}


async def test_readyz_names_the_missing_pollers_of_a_queue_no_worker_polls(
    api_settings, store, temporal_api
):
    settings = api_settings.model_copy(update={"task_queue": f"nobody-{uuid.uuid4().hex[:6]}"})
    app = create_app(settings, store=store, client=temporal_api.client)
    async for c in _serve(app):
        r = await c.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["worker_pollers"].startswith("no workflow poller")


async def test_metrics_count_the_command_by_route_and_status_and_the_store_appends(
    temporal_api, tokens
):
    http = temporal_api.http
    before = (await http.get("/metrics")).text
    f = await Flow(http, tokens).submitted()
    refused = await http.post(f.base + "/approve", headers=tokens("hr_officer"))
    assert refused.status_code == 403
    r = await http.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    after = r.text

    def grew(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    route = "/recruitments/{municipality}/{campaign_id}/submit"
    assert grew("ninyo_http_requests_total", method="POST", route=route, status="200") == 1
    assert (
        grew("ninyo_http_requests_total", method="POST", route="/recruitments", status="201") == 1
    )
    assert (
        grew(
            "ninyo_http_requests_total",
            method="POST",
            route="/recruitments/{municipality}/{campaign_id}/approve",
            status="403",
        )
        == 1
    )
    assert grew("ninyo_http_request_duration_seconds_count", method="POST", route=route) == 1
    assert grew("ninyo_store_appends_total", stream_type="recruitment", outcome="ok") >= 2
    assert grew("ninyo_store_appended_events_total", stream_type="recruitment") >= 2
    assert f.campaign not in after  # route templates, never raw paths


async def test_metrics_count_verify_runs(http, store):
    telemetry.instrument_store(store)
    before = _sample(
        (await http.get("/metrics")).text, "ninyo_store_verify_runs_total", result="ok"
    )
    assert (await store.verify()).ok
    after = _sample((await http.get("/metrics")).text, "ninyo_store_verify_runs_total", result="ok")
    assert after == before + 1


@pytest.fixture(scope="module")
def spans():
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    assert telemetry.setup_tracing(exporter, simple=True, service_name="ninyo-test")
    yield exporter
    telemetry.shutdown_tracing()  # the rest of the session runs untraced


async def test_one_command_traces_http_update_workflow_activity_and_sql(
    spans, api_settings, store, temporal_api, tokens
):
    from temporalio.client import Client
    from temporalio.worker import Worker

    from activities.notifications import OutboxNotifier
    from ninyo import bootstrap

    base = temporal_api.client
    client = Client(
        base.service_client,
        namespace=base.namespace,
        data_converter=base.data_converter,
        interceptors=telemetry.temporal_interceptors(),
    )
    settings = api_settings.model_copy(update={"task_queue": f"traced-{uuid.uuid4().hex[:6]}"})
    notifier = OutboxNotifier.from_url(settings.database_url)
    rt = bootstrap.Runtime(settings, store=store, client=client, notifier=notifier)
    worker: Worker = bootstrap.worker(rt)
    try:
        async with worker:
            app = create_app(settings, store=store, client=client)
            async for http in _serve(app):
                async with asyncio.timeout(60):
                    f = await Flow(http, tokens).defined()
                    spans.clear()
                    await f.post("/submit")
    finally:
        await notifier.close()

    finished = spans.get_finished_spans()
    by_id = {s.context.span_id: s for s in finished}

    def parent(s):
        return by_id.get(s.parent.span_id) if s.parent else None

    def ancestors(s) -> list[str]:
        names = []
        while s is not None:
            names.append(s.name)
            s = parent(s)
        return names[::-1]

    def one(name: str, **where):
        found = [
            s
            for s in finished
            if s.name == name and all(getattr(s, k) == v for k, v in where.items())
        ]
        assert len(found) == 1, (name, [x.name for x in finished])
        return found[0]

    # the HTTP request -> the Temporal update, in the request's trace
    http_span = one("HTTP POST /recruitments/{municipality}/{campaign_id}/submit")
    assert http_span.attributes["ninyo.municipality"] == OWN
    assert http_span.attributes["ninyo.actor"] == "hr_officer-1"
    assert http_span.attributes["ninyo.role"] == "hr_officer"
    assert http_span.attributes["http.response.status_code"] == 200
    update = one("StartWorkflowUpdate:command_view")
    assert http_span.name in ancestors(update)

    # -> the workflow's handler (in the workflow's trace, linked to the update's span)
    handler = one("HandleUpdate:command_view")
    assert [link.context.span_id for link in handler.links] == [update.context.span_id]

    # -> the activity it scheduled -> the store's append -> its SQL
    start_activity = one("StartActivity:append_events", parent=handler.parent)
    run = one("RunActivity:append_events")
    assert parent(run) is start_activity
    assert run.attributes["ninyo.municipality"] == OWN
    assert run.attributes["ninyo.actor"] == "hr_officer-1"
    append = one("eventstore.append")
    assert parent(append) is run
    sql = [s for s in finished if parent(s) is append]
    assert sql and all(s.attributes.get("db.system") == "postgresql" for s in sql), [
        (s.name, dict(s.attributes)) for s in sql
    ]
    assert any("INSERT" in (s.attributes.get("db.statement") or "") for s in sql)

    # never personal data: no SQL parameters, no request bodies
    for s in finished:
        assert not any(k.startswith("db.statement.parameters") for k in s.attributes)
        assert not any("@" in str(v) for v in s.attributes.values())


async def test_the_worker_serves_temporal_sdk_metrics_and_its_own(
    api_settings, temporal_api, monkeypatch
):
    """``NINYO_TEMPORAL_METRICS_ADDRESS``: the SDK runtime's Prometheus exporter (pollers,
    task slots, task failures); ``NINYO_METRICS_PORT``: the worker's own counters."""
    import urllib.request

    from temporalio.worker import Worker

    from tests.temporal_env import free_port
    from workflows.client import connect
    from workflows.registry import WORKFLOWS

    sdk_port, own_port = free_port(), free_port()
    monkeypatch.setenv("NINYO_TEMPORAL_METRICS_ADDRESS", f"127.0.0.1:{sdk_port}")
    monkeypatch.setenv("NINYO_METRICS_PORT", str(own_port))
    telemetry.telemetry_settings.cache_clear()
    telemetry.temporal_runtime.cache_clear()
    try:
        target = temporal_api.client.service_client.config.target_host
        client = await connect(api_settings.model_copy(update={"temporal_address": target}))
        assert telemetry.start_metrics_server() == own_port
        queue = f"metered-{uuid.uuid4().hex[:6]}"

        def scrape(port: int) -> str:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                return r.read().decode()

        async with Worker(client, task_queue=queue, workflows=WORKFLOWS):
            async with asyncio.timeout(30):
                text = ""
                while "temporal_num_pollers{" not in text:
                    await asyncio.sleep(0.2)
                    text = await asyncio.to_thread(scrape, sdk_port)
        assert f'task_queue="{queue}"' in text
        assert "temporal_num_pollers" in text and "temporal_worker_task_slots_available" in text
        assert "ninyo_store_appends_total" in await asyncio.to_thread(scrape, own_port)
    finally:
        telemetry.telemetry_settings.cache_clear()
        telemetry.temporal_runtime.cache_clear()


async def test_a_refused_command_carries_its_rule_code_on_the_request_span(
    spans, temporal_api, tokens
):
    f = await Flow(temporal_api.http, tokens).defined()
    spans.clear()
    r = await temporal_api.http.post(f.base + "/approve", headers=tokens("approver"))
    assert r.status_code == 409, r.text
    code = r.json()["error"]["code"]
    (http_span,) = [
        s
        for s in spans.get_finished_spans()
        if s.name == "HTTP POST /recruitments/{municipality}/{campaign_id}/approve"
    ]
    assert http_span.attributes["ninyo.rule_code"] == code
    assert http_span.attributes["ninyo.role"] == "approver"
