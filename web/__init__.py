"""The screens (画面): server-rendered Japanese pages for HR officers, approvers, auditors.

``install(app)`` mounts them on the API's FastAPI application (one process, one address):
``/`` is the sign-in page, the pages live under ``/ui/``, the vendored htmx under
``/static/``. Refusals on those paths are Japanese pages, never JSON or a traceback; the
API's paths keep their JSON error shape.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import ApiError
from domain import i18n
from domain.errors import RuleViolation
from ninyo.auth import Forbidden, NotFound
from ninyo.logging import get_logger

log = get_logger(__name__)

WEB_PREFIXES = ("/ui/", "/signin", "/signout")


def is_web(request: Request) -> bool:
    path = request.url.path
    return path == "/" or path.startswith(WEB_PREFIXES)


async def _error_page(request: Request, status: int, title: str, message: str,
                      code: str | None = None, field: str | None = None,
                      detail: str | None = None):
    """A Japanese error page; with the menu when the browser is signed in."""
    from web import core

    back = request.headers.get("referer") or "/ui/home"
    context = {"title": title, "message": message, "code": code, "field": field,
               "back": back, "detail": detail}
    token = request.cookies.get(core.SESSION_COOKIE)
    try:
        session = await core.accounts(request).session(token) if token else None
    except Exception:  # noqa: BLE001 - the error page must render whatever failed
        session = None
    if session is not None:
        context.update(user=session.account, csrf=session.csrf,
                       principal=session.account.principal())
    return core.render(request, "error.html", status_code=status, **context)


def install(app: FastAPI) -> None:
    """Mount the screens on ``app`` (after ``api.errors.install``)."""
    from web import core, oidc, pages, signin

    app.mount("/static", StaticFiles(directory=core.HERE / "static"), name="static")
    app.include_router(signin.router)
    app.include_router(oidc.router)  # 404 unless NINYO_OIDC_ENABLED
    app.state.oidc = oidc.OidcConfig.from_settings(getattr(app.state, "settings", None))
    app.include_router(pages.router)

    api_handlers = dict(app.exception_handlers)

    def web_or_api(exc_type, web_handler):
        api_handler = api_handlers.get(exc_type)

        async def handler(request: Request, exc: Exception):
            if is_web(request):
                return await web_handler(request, exc)
            if api_handler is None:  # an unexpected error on an API path: the API's shape
                from fastapi.responses import JSONResponse

                from api.errors import error_body

                log.exception("api_unexpected_error", path=request.url.path)
                return JSONResponse(error_body("internal_error", "internal error"), 500)
            return await api_handler(request, exc)

        app.add_exception_handler(exc_type, handler)

    async def signin_required(request: Request, exc: Exception):
        return core.redirect("/")

    async def csrf(request: Request, exc: Exception):
        return await _error_page(request, 403, "操作を受け付けませんでした",
                           "フォームの確認用トークンがありません。画面を開き直してから操作してください。",
                           "csrf")

    async def forbidden(request: Request, exc: Exception):
        return await _error_page(request, 403, "この操作の権限がありません",
                           "あなたの役割ではこの操作はできません。", "forbidden")

    async def not_found(request: Request, exc: Exception):
        return await _error_page(request, 404, "見つかりません",
                           "指定されたページ又は案件は見つかりません。", "not_found")

    async def rule(request: Request, exc: Exception):
        assert isinstance(exc, RuleViolation)
        return await _error_page(request, 409 if exc.code != "invalid_input" else 422,
                           "この操作はできません", i18n.message(exc.code, detail=""),
                           exc.code, exc.field, exc.message)

    async def api_error(request: Request, exc: Exception):
        assert isinstance(exc, ApiError)
        if exc.status == 404:
            return await not_found(request, exc)
        text = i18n.message(exc.code, detail="") if i18n.has_message(exc.code) else (
            "処理を完了できませんでした。しばらくしてからもう一度操作してください。")
        return await _error_page(request, exc.status, "この操作はできません", text, exc.code, exc.field,
                           exc.message)

    async def validation(request: Request, exc: Exception):
        from api.errors import validation_message

        _, field = validation_message(list(getattr(exc, "errors", lambda: [])()))
        return await _error_page(request, 422, "入力に誤りがあります",
                           i18n.message("invalid_input", detail=""), "invalid_input", field)

    async def http(request: Request, exc: Exception):
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return await not_found(request, exc)
        return await _error_page(request, status, "リクエストを処理できません",
                           "このページではこの操作はできません。", "http_error")

    async def unexpected(request: Request, exc: Exception):
        log.exception("web_unexpected_error", path=request.url.path)
        return await _error_page(request, 500, "システムエラー",
                           "処理中に問題が起きました。記録は変更されていません。管理者に連絡してください。")

    async def disconnected(request: Request, exc: Exception):
        from starlette.responses import Response

        return Response(status_code=400)  # the browser went away (htmx cancelled a check)

    from starlette.requests import ClientDisconnect

    app.add_exception_handler(ClientDisconnect, disconnected)
    app.add_exception_handler(core.SignInRequired, signin_required)
    app.add_exception_handler(core.CsrfRefused, csrf)
    web_or_api(Forbidden, forbidden)
    web_or_api(NotFound, not_found)
    web_or_api(RuleViolation, rule)
    web_or_api(ApiError, api_error)
    web_or_api(RequestValidationError, validation)
    web_or_api(StarletteHTTPException, http)
    web_or_api(Exception, unexpected)

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI):
        async with inner(a) as state:
            try:
                await signin.ensure_first_admin(core.accounts_of(a))
            except Exception as exc:  # noqa: BLE001 - e.g. the migration not yet applied
                log.warning("web_first_admin_skipped", error=str(exc))
            yield state

    app.router.lifespan_context = lifespan
