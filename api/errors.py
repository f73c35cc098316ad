"""One error shape for every refusal: ``{"error": {"code", "message", "field"}}``.

- a domain rule refuses (``RuleViolation``)            -> 409, ``code`` = rule ID (``R-FORM-5``)
- malformed input (request validation, ``invalid_input``) -> 422, ``field`` = dotted path
- bad / missing token                                    -> 401 ``unauthenticated``
- role may not do this                                   -> 403 ``forbidden``
- unknown object, or another municipality's              -> 404 ``not_found``
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import AuthError, Forbidden, NotFound
from domain.errors import RuleViolation
from ninyo.logging import get_logger

log = get_logger(__name__)

INVALID_INPUT = "invalid_input"


class ApiError(Exception):
    """An HTTP refusal with a machine-readable code."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict:
    return {"error": {"code": code, "message": message, "field": field, **extra}}


def _json(status: int, code: str, message: str, field: str | None = None,
          headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)


def rule_violation_status(exc: RuleViolation) -> int:
    return 422 if exc.code == INVALID_INPUT else 409


def field_of(loc: tuple | list) -> str | None:
    """``("body", "term", "start")`` -> ``"term.start"``; list indexes kept (``duties.0.kind``)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts) or None


def validation_message(errors: list[dict]) -> tuple[str, str | None]:
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    field = field_of(first.get("loc", ()))
    msg = first.get("msg", "invalid")
    return (f"{field}: {msg}" if field else msg), field


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RuleViolation)
    async def _rule(_: Request, exc: RuleViolation) -> JSONResponse:
        return _json(rule_violation_status(exc), exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        message, field = validation_message(errors)
        return _json(422, INVALID_INPUT, message, field)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.code, exc.message, exc.field)

    @app.exception_handler(AuthError)
    async def _auth(_: Request, exc: AuthError) -> JSONResponse:
        return _json(401, "unauthenticated", str(exc), headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return _json(403, "forbidden", exc.message)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _json(404, "not_found", exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # an unparseable body (e.g. not UTF-8): malformed input
            return _json(422, INVALID_INPUT, f"body: {exc.detail}", "body")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _json(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))
