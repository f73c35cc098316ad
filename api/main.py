"""The HTTP API (FastAPI): officers, approvers and auditors; OpenAPI at /docs.

``create_app(settings)`` builds the app; its lifespan gets the real adapters from the
composition root, ``ninyo.bootstrap`` — the event store and the Temporal client (the
production data converter; commands go to ``settings.task_queue``) — and opens the
idempotency key table. Tests may hand in already-built ``store`` / ``client`` instead
(they are then not closed by the app); ``connect_temporal=False`` serves without Temporal
(lifecycle routes then answer 503).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

import web
from api import errors
from api.idempotency import IdempotencyMiddleware, IdempotencyStore
from api.observability import ObservabilityMiddleware
from api.observability import router as observability_router
from api.routes import (
    appointments,
    assessments,
    audit,
    claims,
    documents,
    exports,
    health,
    notifications,
    persons,
    recruitments,
    reports,
)
from ninyo import bootstrap, telemetry
from ninyo.logging import get_logger
from ninyo.settings import Settings, get_settings
from web import public as public_page

log = get_logger(__name__)

build_store_kwargs = bootstrap.store_kwargs  # kept for callers outside the API (bench)


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
        bootstrap.setup_logging(settings)
        owned_store = store is None
        app.state.store = await bootstrap.open_store(settings) if owned_store else store
        telemetry.instrument_store(app.state.store)
        if client is None and connect_temporal:
            app.state.client = await bootstrap.try_connect_temporal(settings)
        else:
            app.state.client = client
        app.state.idempotency = IdempotencyStore.from_url(settings.database_url)
        app.state.outbox = bootstrap.outbox_reader(settings)
        log.info("api_started", temporal=settings.temporal_address)
        try:
            yield
        finally:
            await app.state.idempotency.close()
            await app.state.outbox.close()
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
    _install_view_errors(app)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(errors.BodySizeLimit)  # before anything reads a body
    app.add_middleware(ObservabilityMiddleware)  # outermost: counts every answer
    app.include_router(health.router)
    app.include_router(observability_router)
    app.include_router(assessments.router)
    app.include_router(audit.router)
    app.include_router(persons.router)
    app.include_router(recruitments.router)
    app.include_router(appointments.router)
    app.include_router(claims.router)
    app.include_router(notifications.router)
    app.include_router(documents.router)
    app.include_router(exports.router)
    app.include_router(reports.router)
    app.include_router(public_page.router)
    web.install(app)  # the screens: / (sign-in) and /ui/ (after the API's error handlers)
    _extend_openapi(app)
    return app


def _install_view_errors(app: FastAPI) -> None:
    """A refusal of a read view (``views.ViewError``) answers in the API's error shape."""
    from fastapi import Request
    from fastapi.responses import JSONResponse

    from views import ViewError

    @app.exception_handler(ViewError)
    async def _view_error(_: Request, exc: ViewError) -> JSONResponse:
        return JSONResponse(errors.error_body(exc.code, exc.message, exc.field),
                            status_code=exc.status)


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
