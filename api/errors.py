"""One error shape for every refusal: ``{"error": {"code", "message", "field"}}``.

- a domain rule refuses (``RuleViolation``)            -> 409, ``code`` = rule ID (``R-FORM-5``)
- malformed input (request validation, ``invalid_input``) -> 422, ``field`` = dotted path
- bad / missing token                                    -> 401 ``unauthenticated``
- role may not do this                                   -> 403 ``forbidden``
- unknown object, or another municipality's              -> 404 ``not_found``

``message`` is the Japanese sentence of the code from the catalogue (``domain.i18n``), with
the specifics; ``message_en`` keeps the English for logs and developers; ``label`` names the
rule in Japanese. A 422 lists every bad field at once in ``errors``
(``[{"field", "code", "message", "message_en"}]``), not only the first; ``code`` is a
``VAL-*`` code of ``domain.values`` (bounded value types) or pydantic's error type.

- a body over the size limit                              -> 413 ``body_too_large``
- anything unexpected                                     -> 500 ``internal_error`` (JSON too)
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain import i18n
from domain.errors import RuleViolation
from ninyo.auth import AuthError, Forbidden, NotFound
from ninyo.logging import get_logger

log = get_logger(__name__)

INVALID_INPUT = "invalid_input"


class ApiError(Exception):
    """An HTTP refusal with a machine-readable code."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 errors: list[dict] | None = None, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors
        self.headers = headers


def error_body(code: str, message: str, field: str | None = None,
               params: dict | None = None, **extra: Any) -> dict:
    """The error shape, in Japanese (``domain.i18n.error``), ``message_en`` beside it."""
    return {"error": {**i18n.error(code, message, field, params), **extra}}


def _json(status: int, code: str, message: str, field: str | None = None,
          headers: dict | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, field, **extra), status_code=status,
                        headers=headers)


def _opened(errors: list[dict]) -> list[dict]:
    """A ``VAL-INPUT`` error (a whole command's ``domain.values.input_problems``) opened
    into one error per bad value, with its path under the command's."""
    out: list[dict] = []
    for err in errors:
        problems = (err.get("ctx") or {}).get("problems") if err.get("type") == "VAL-INPUT" else None
        if not problems:
            out.append(err)
            continue
        for p in problems:
            loc = (*err.get("loc", ()), *p["field"].split("."))
            out.append({"loc": loc, "type": p["code"], "msg": p["message"],
                        "ctx": p.get("params")})
    return out


def invalid_input(errors: list[dict]) -> ApiError:
    """One 422 naming every bad field (``errors``: field path, code, message each)."""
    errors = _opened(errors)
    items = i18n.field_errors(errors, field_of)
    for item, err in zip(items, errors, strict=False):
        if item["code"].startswith("VAL-"):  # the bounded types' own Japanese sentence
            item["message"] = str(err.get("msg"))
            item["message_en"] = i18n.message_en(item["code"], **(err.get("ctx") or {}))
    first = items[0]
    en = "; ".join(f"{i['field']}: {i['message_en']}" if i["field"] else i["message_en"]
                   for i in items)
    return ApiError(422, INVALID_INPUT, en, first["field"], errors=items)


def rule_violation_status(exc: RuleViolation) -> int:
    if exc.code == "payload_too_large":
        return 413
    return 422 if exc.code == INVALID_INPUT or exc.code.startswith("VAL-") else 409


def field_of(loc: tuple | list) -> str | None:
    """``("body", "term", "start")`` -> ``"term.start"``; list indexes kept (``duties.0.kind``)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts) or None


# ---------------------------------------------------------------- request body size

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: far above any command, far below Temporal's 2 MB
# paths that bound their own bodies: the public application form takes a résumé PDF and
# answers its 413 as a page (web/public.py MAX_BODY, 3 MiB)
OWN_LIMITS = ("/public/",)


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class BodySizeLimit:
    """Outermost ASGI middleware: a request body over ``max_bytes`` answers 413 JSON
    ``body_too_large`` — by its Content-Length before anything reads it, or as soon as a
    chunked body passes the limit — so it never reaches Temporal (whose "message larger
    than max" would read as a busy server)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES,
                 own_limits: tuple[str, ...] = OWN_LIMITS) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.own_limits = own_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.own_limits):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        doc = error_body("body_too_large", f"request body over {self.max_bytes} bytes",
                         params={"limit": self.max_bytes})
        body = json.dumps(doc, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RuleViolation)
    async def _rule(_: Request, exc: RuleViolation) -> JSONResponse:
        return _json(rule_violation_status(exc), exc.code, exc.message, exc.field,
                     params=getattr(exc, "params", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return await _api(request, invalid_input(list(exc.errors())))

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        params = {"errors": exc.errors} if exc.errors is not None else None
        return _json(exc.status, exc.code, exc.message, exc.field, params=params,
                     headers=exc.headers)

    @app.exception_handler(AuthError)
    async def _auth(_: Request, exc: AuthError) -> JSONResponse:
        return _json(401, "unauthenticated", str(exc), headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return _json(403, "forbidden", exc.message)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _json(404, "not_found", exc.message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # JSON like every other error, never the exception's text (it may hold personal data)
        log.error("unexpected_error", path=request.url.path, error_type=type(exc).__name__)
        return _json(500, "internal_error", "internal error")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # an unparseable body (e.g. not UTF-8): malformed input
            return _json(422, INVALID_INPUT, f"body: {exc.detail}", "body")
        code = {404: "not_found", 405: "method_not_allowed",
                413: "body_too_large"}.get(exc.status_code, "http_error")
        return _json(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))
