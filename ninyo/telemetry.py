"""Metrics (Prometheus) and traces (OpenTelemetry) — what operators see of Ninyo.

Metrics live in prometheus_client's default registry of the process: the API serves them
at ``/metrics``; the worker serves them on ``NINYO_METRICS_PORT`` (and the Temporal SDK's
own metrics on ``NINYO_TEMPORAL_METRICS_ADDRESS``, through the SDK runtime's Prometheus
exporter). Names:

- ``ninyo_http_requests_total{method,route,status}``, ``ninyo_http_request_duration_seconds``
  (``route`` is the route template, ``/recruitments/{municipality}/{campaign_id}``, never a raw path);
- ``ninyo_store_appends_total{stream_type,outcome}`` (ok / conflict / error),
  ``ninyo_store_appended_events_total{stream_type}``, ``ninyo_store_append_duration_seconds``;
- ``ninyo_store_verify_runs_total{result}`` (ok / failed / error);
- ``ninyo_notifications_total{kind,outcome}`` (sent / failed) — reminders included.

Traces are off by default. ``NINYO_OTLP_ENDPOINT`` (e.g. ``http://collector:4318``) turns
them on with the OTLP/HTTP exporter; tests hand in their own exporter with
:func:`setup_tracing`. Spans carry ``ninyo.actor``, ``ninyo.role``, ``ninyo.municipality``
and ``ninyo.rule_code`` — never personal data (no names, addresses, SQL parameters or
request bodies).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from prometheus_client import Counter, Histogram
from pydantic_settings import BaseSettings, SettingsConfigDict

# --------------------------------------------------------------------------- settings


class TelemetrySettings(BaseSettings):
    """``NINYO_OTLP_*``, ``NINYO_METRICS_PORT``, ``NINYO_TEMPORAL_METRICS_ADDRESS``."""

    model_config = SettingsConfigDict(
        env_prefix="NINYO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    otlp_endpoint: str | None = None  # OTLP/HTTP collector, e.g. http://collector:4318
    otlp_headers: str | None = None  # "key=value,key2=value2" (e.g. an API key)
    service_name: str = "ninyo"
    metrics_port: int | None = None  # the worker's /metrics port (the API serves /metrics)
    temporal_metrics_address: str | None = None  # e.g. 0.0.0.0:9464 (Temporal SDK metrics)


@lru_cache(maxsize=1)
def telemetry_settings() -> TelemetrySettings:
    return TelemetrySettings()


# --------------------------------------------------------------------------- metrics

HTTP_REQUESTS = Counter(
    "ninyo_http_requests",
    "API requests answered, by route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "ninyo_http_request_duration_seconds",
    "API request latency, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STORE_APPENDS = Counter(
    "ninyo_store_appends",
    "Event store appends (one per call), by outcome.",
    ["stream_type", "outcome"],
)
STORE_EVENTS = Counter(
    "ninyo_store_appended_events", "Events appended to the event store.", ["stream_type"]
)
STORE_APPEND_LATENCY = Histogram(
    "ninyo_store_append_duration_seconds",
    "Event store append latency.",
    ["stream_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
VERIFY_RUNS = Counter(
    "ninyo_store_verify_runs", "Hash-chain verifications of the log, by result.", ["result"]
)
NOTIFICATIONS = Counter(
    "ninyo_notifications",
    "Notifications (reminders included) handed to the notifier.",
    ["kind", "outcome"],
)


def instrument_store(store: Any) -> Any:
    """Count ``store.append`` and ``store.verify`` (wraps the instance's methods; idempotent)."""
    if getattr(store, "_ninyo_instrumented", False):
        return store
    append, verify = store.append, store.verify

    async def counted_append(stream_id, expected_version, events, stream_type="default"):
        from eventstore import ConcurrencyError

        start = time.perf_counter()
        with span("eventstore.append", **{"ninyo.stream_type": stream_type}):
            try:
                res = await append(stream_id, expected_version, events, stream_type=stream_type)
            except ConcurrencyError:
                STORE_APPENDS.labels(stream_type, "conflict").inc()
                raise
            except Exception:
                STORE_APPENDS.labels(stream_type, "error").inc()
                raise
        STORE_APPENDS.labels(stream_type, "ok").inc()
        STORE_EVENTS.labels(stream_type).inc(len(events))
        STORE_APPEND_LATENCY.labels(stream_type).observe(time.perf_counter() - start)
        return res

    async def counted_verify(*args, **kwargs):
        try:
            res = await verify(*args, **kwargs)
        except Exception:
            VERIFY_RUNS.labels("error").inc()
            raise
        VERIFY_RUNS.labels("ok" if res.ok else "failed").inc()
        return res

    store.append = counted_append
    store.verify = counted_verify
    store._ninyo_instrumented = True
    return store


def notification_outcome(kind: str, ok: bool) -> None:
    NOTIFICATIONS.labels(kind, "sent" if ok else "failed").inc()


def start_metrics_server(port: int | None = None) -> int | None:
    """Serve this process's metrics on ``port`` (the worker's; the API has ``/metrics``)."""
    port = port if port is not None else telemetry_settings().metrics_port
    if port is None:
        return None
    from prometheus_client import start_http_server

    start_http_server(port)
    return port


@lru_cache(maxsize=1)
def temporal_runtime() -> Any:
    """The Temporal SDK runtime exporting its metrics to Prometheus at
    ``NINYO_TEMPORAL_METRICS_ADDRESS`` (None: the SDK's default runtime, no exporter)."""
    address = telemetry_settings().temporal_metrics_address
    if not address:
        return None
    from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))


# --------------------------------------------------------------------------- traces

_tracing = False


def tracing_enabled() -> bool:
    return _tracing


def setup_tracing(
    exporter: Any = None, *, service_name: str | None = None, simple: bool = False
) -> bool:
    """Install the global tracer provider, exporting to ``exporter`` or, when none is
    given, to ``NINYO_OTLP_ENDPOINT`` (OTLP/HTTP). Off (returns False) when neither is set.
    Once per process; ``simple`` exports each span at once (tests)."""
    global _tracing
    if _tracing:
        return True
    cfg = telemetry_settings()
    if exporter is None:
        if not cfg.otlp_endpoint:
            return False
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        headers = dict(kv.split("=", 1) for kv in (cfg.otlp_headers or "").split(",") if "=" in kv)
        exporter = OTLPSpanExporter(
            endpoint=cfg.otlp_endpoint.rstrip("/") + "/v1/traces", headers=headers or None
        )
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name or cfg.service_name})
    )
    processor = SimpleSpanProcessor(exporter) if simple else BatchSpanProcessor(exporter)
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    _instrument_sql()
    _tracing = True
    return True


def shutdown_tracing() -> None:
    """Flush and stop exporting (process exit; tests that turned tracing on)."""
    global _tracing
    if not _tracing:
        return
    from opentelemetry import trace
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    _tracing = False
    AsyncPGInstrumentor().uninstrument()
    provider = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):
        provider.shutdown()


def temporal_interceptors() -> list[Any]:
    """Temporal's tracing interceptor when tracing is on (client and worker: a worker
    built on the client inherits it), else none."""
    if not _tracing:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def _tracer():
    from opentelemetry import trace

    return trace.get_tracer("ninyo")


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Any]:
    """A span named ``name`` (a no-op when tracing is off)."""
    if not _tracing:
        yield None
        return
    with _tracer().start_as_current_span(name) as s:
        for k, v in attributes.items():
            if v is not None:
                s.set_attribute(k, v)
        yield s


def annotate(*, on: Any = None, **attributes: Any) -> None:
    """Set ``ninyo.<name>`` attributes on the current span and on span ``on`` (the request's
    server span) — actor, role, municipality, rule_code; never personal data."""
    if not _tracing:
        return
    from opentelemetry import trace

    targets = {id(s): s for s in (trace.get_current_span(), on) if s is not None}
    for target in targets.values():
        for k, v in attributes.items():
            if v is not None:
                target.set_attribute(f"ninyo.{k}", str(v))


def request_span(request: Any) -> Any:
    """The server span of an HTTP request (``api.observability`` puts it in its state)."""
    return getattr(getattr(request, "state", None), "ninyo_span", None)


def _instrument_sql() -> None:
    """A span per SQL statement: asyncpg's (the PostgreSQL store's hot paths call asyncpg
    directly) and every SQLAlchemy engine's (SQLite, migrations) — the statement text,
    never the parameters (they may carry sealed personal data)."""
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor(capture_parameters=False).instrument()

    from opentelemetry import trace
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    tracer = trace.get_tracer("ninyo.sql")

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        if not _tracing or conn.dialect.driver == "asyncpg":
            return  # off, or asyncpg's own spans (above)
        op = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        s = tracer.start_span(f"SQL {op}", kind=trace.SpanKind.CLIENT)
        s.set_attribute("db.system", conn.dialect.name)
        s.set_attribute("db.operation", op)
        s.set_attribute("db.statement", statement[:500])
        conn.info.setdefault("_ninyo_spans", []).append(s)

    def _end(conn, error: BaseException | None = None) -> None:
        spans = conn.info.get("_ninyo_spans")
        if spans:
            s = spans.pop()
            if error is not None:
                s.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
            s.end()

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        _end(conn)

    @event.listens_for(Engine, "handle_error")
    def _error(ctx):
        if ctx.connection is not None:
            _end(ctx.connection, ctx.original_exception)
