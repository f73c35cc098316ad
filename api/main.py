"""The HTTP API (FastAPI): officers, approvers and auditors; OpenAPI at /docs.

``create_app(settings)`` is the composition root of the API: its lifespan builds the
real adapters — the event store (``eventstore.from_settings``) and the Temporal client
(``workflows.client.connect``, the production data converter) — and the idempotency key
table. Tests may hand in already-built ``store`` / ``client`` instead (they are then not
closed by the app); ``connect_temporal=False`` serves without Temporal (lifecycle routes
then answer 503).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api import errors
from api.idempotency import IdempotencyMiddleware, IdempotencyStore
from api.routes import assessments, audit, documents, health, lifecycle
from ninyo.logging import configure_logging, get_logger
from ninyo.settings import Settings, get_settings

log = get_logger(__name__)


def build_store_kwargs() -> dict[str, Any]:
    """Personal-data registry and upcasters of the domain events, for the event store."""
    from domain import events

    return {"personal": events.personal_data_registry(), "upcasters": events.upcasters()}


async def _connect(settings: Settings):
    """The Temporal client with the production data converter; None when unreachable."""
    from workflows.client import connect

    try:
        return await connect(settings)
    except Exception as exc:  # noqa: BLE001 - the API still serves assessments and audits
        log.warning("temporal_unreachable", address=settings.temporal_address, error=str(exc))
        return None


def create_app(
    settings: Settings | None = None,
    *,
    store: Any = None,
    client: Any = None,
    connect_temporal: bool = True,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        configure_logging(settings.log_level, settings.log_json)
        owned_store = store is None
        if owned_store:
            import eventstore

            app.state.store = await eventstore.from_settings(settings, **build_store_kwargs())
        else:
            app.state.store = store
        if client is None and connect_temporal:
            app.state.client = await _connect(settings)
        else:
            app.state.client = client
        app.state.idempotency = IdempotencyStore.from_url(settings.database_url)
        log.info("api_started", temporal=settings.temporal_address)
        try:
            yield
        finally:
            await app.state.idempotency.close()
            if owned_store:
                await app.state.store.close()

    app = FastAPI(
        title="Ninyo (任用) API",
        version="0.1.0",
        description=(
            "Recruiting and appointing a municipal CIO advisor (CIO補佐官等), event-sourced on "
            "Temporal. Authenticate with `Authorization: Bearer <token>` "
            "(`ninyo token create`). Errors: `{\"error\": {\"code\", \"message\", \"field\"}}`; "
            "`code` is the rule ID of MIC's manual when a rule refused."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.client = client
    app.state.connect_temporal = connect_temporal and client is None
    errors.install(app)
    app.add_middleware(IdempotencyMiddleware)
    app.include_router(health.router)
    app.include_router(assessments.router)
    app.include_router(audit.router)
    app.include_router(lifecycle.router)
    app.include_router(documents.router)
    _extend_openapi(app)
    return app


def _extend_openapi(app: FastAPI) -> None:
    """Add the domain's assessment input models to ``components.schemas``."""
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = base()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                assessments.openapi_components()
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


app = create_app()
