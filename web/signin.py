"""Sign-in, sign-out and the accounts page (管理, admin only).

``/`` is the sign-in page (or the home page when already signed in). The sign-in form has
no session yet, so its CSRF check is a double-submit cookie (``ninyo_signin_csrf``).
Every failure answers the same sentence; :mod:`web.accounts` counts wrong passwords and
locks the account after ``MAX_FAILURES``.
"""

from __future__ import annotations

import hmac
import sys

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ninyo.auth import Role
from web import core
from web.accounts import (
    LOCK_FOR,
    MAX_FAILURES,
    Account,
    AccountError,
    Accounts,
    generate_password,
)

router = APIRouter(include_in_schema=False)


def _cookie_args(request: Request) -> dict:
    return {"httponly": True, "samesite": "lax", "secure": core.secure(request), "path": "/"}


def signin_page(request: Request, error: str | None = None, status_code: int = 200,
                username: str = "") -> HTMLResponse:
    from web import oidc

    token = core.new_pre_token()
    response = core.render(request, "signin.html", status_code=status_code, error=error,
                           pre_csrf=token, username=username,
                           oidc=oidc.config(request) is not None)
    response.set_cookie(core.PRE_COOKIE, token, max_age=3600, **_cookie_args(request))
    return response


@router.get("/", response_class=HTMLResponse)
async def signin_form(request: Request) -> HTMLResponse:
    token = request.cookies.get(core.SESSION_COOKIE)
    if token and await core.accounts(request).session(token):
        return core.redirect("/ui/home")
    return signin_page(request)


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request, username: str = Form(""), password: str = Form(""),
                 csrf: str = Form("")) -> HTMLResponse:
    expected = request.cookies.get(core.PRE_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf, expected):
        return signin_page(request, "フォームの有効期限が切れました。もう一度サインインしてください。",
                            status_code=403)
    account = await core.accounts(request).authenticate(username.strip(), password)
    if account is None:
        minutes = int(LOCK_FOR.total_seconds() // 60)
        return signin_page(
            request,
            "ユーザー名又はパスワードが違うか、アカウントが使えません。"
            f"{MAX_FAILURES}回続けて誤るとアカウントは{minutes}分間ロックされます。",
            status_code=401, username=username)
    return await finish_signin(request, account)


async def finish_signin(request: Request, account: Account) -> RedirectResponse:
    """A session for ``account`` (password or OpenID Connect sign-in) and on to the home page."""
    token = await core.accounts(request).start_session(account)
    response = RedirectResponse("/ui/home", status_code=303)
    response.set_cookie(core.SESSION_COOKIE, token, **_cookie_args(request))
    response.delete_cookie(core.PRE_COOKIE, path="/")
    return response


@router.post("/signout")
async def signout(request: Request, page: core.Writer) -> RedirectResponse:
    token = request.cookies.get(core.SESSION_COOKIE)
    if token:
        await core.accounts(request).end_session(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(core.SESSION_COOKIE, path="/")
    return response


# ---------------------------------------------------------------- 管理: accounts (admin)


def _admin(page: core.Page) -> None:
    page.principal.require_role(Role.admin, action="manage accounts")


@router.get("/ui/admin", response_class=HTMLResponse)
async def admin_page(page: core.Viewer, created: str = "", password: str = "") -> HTMLResponse:
    _admin(page)
    return page.render("admin.html", accounts=await core.accounts(page.request).all(),
                       roles=list(Role), error=None, form={})


@router.post("/ui/admin/users", response_class=HTMLResponse)
async def admin_add(page: core.Writer, username: str = Form(""), role: str = Form(""),
                    municipality: str = Form(""), display_name: str = Form("")) -> HTMLResponse:
    _admin(page)
    store = core.accounts(page.request)
    password = generate_password()
    munis = [m.strip() for m in municipality.replace("、", ",").split(",") if m.strip()]
    try:
        await store.add(username.strip(), password, role, munis, display_name.strip())
    except AccountError as exc:
        return page.render("admin.html", status_code=422, accounts=await store.all(),
                           roles=list(Role), error=exc.message,
                           form={"username": username, "role": role,
                                 "municipality": municipality, "display_name": display_name})
    return page.render("admin.html", accounts=await store.all(), roles=list(Role), error=None,
                       form={}, created=username.strip(), password=password)


@router.post("/ui/admin/users/{username}/disable", response_class=HTMLResponse)
async def admin_disable(username: str, page: core.Writer) -> HTMLResponse:
    _admin(page)
    try:
        await core.accounts(page.request).disable(username)
    except AccountError as exc:
        raise core.NotFound(exc.message) from None
    return core.redirect("/ui/admin")


# ---------------------------------------------------------------- first admin


async def ensure_first_admin(store: Accounts, out=sys.stderr) -> str | None:
    """On a fresh machine (no account at all): create ``admin`` with a one-time password
    and print it once. Returns the password (None when accounts already exist)."""
    if await store.count() > 0:
        return None
    password = generate_password()
    try:
        await store.add("admin", password, Role.admin, [], "管理者")
    except AccountError:  # another replica made it first
        return None
    print(
        "\n==== Ninyo: 初回の管理者アカウント (first admin account) ====\n"
        "  user: admin\n"
        f"  password: {password}\n"
        "  この表示は一度だけです。サインイン後、管理画面で職員のアカウントを作成してください。\n"
        "  (shown once; or create accounts with `ninyo user add`)\n"
        "==============================================================\n",
        file=out, flush=True,
    )
    return password
