"""What every screen shares: templates, the signed-in user, CSRF, authorisation, errors.

- **Session**: cookie ``ninyo_session`` (HttpOnly, SameSite=Lax, Secure when the request
  came over HTTPS) holding a random token; :class:`web.accounts.Accounts` resolves it.
- **CSRF**: every form carries the session's token in the hidden field ``csrf``; every
  POST under the screens is refused (403, nothing done) without the matching value.
  The sign-in form, before any session exists, uses a double-submit cookie.
- **Authorisation**: exactly the API's — the action tables of ``api.routes.recruitments``,
  ``appointments``, ``claims`` and ``audit``,
  ``api.routes.audit`` and ``ninyo.auth.Principal.require_role`` / ``require_municipality``
  (another municipality's object is 404, like the API). :func:`can` decides whether a
  write control is shown at all; :func:`authorize` refuses a posted write the same way.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.routes import appointments as appointment_routes
from api.routes import audit as audit_routes
from api.routes import claims as claim_routes
from api.routes import common
from api.routes import recruitments as recruitment_routes
from domain import i18n
from ninyo.auth import Forbidden, NotFound, Principal, Role
from web.accounts import Account, Accounts

SESSION_COOKIE = "ninyo_session"
PRE_COOKIE = "ninyo_signin_csrf"
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- authorisation (the API's)

#: command class -> roles, from the API's own action tables (campaign + application)
CAMPAIGN_ROLES: dict[type, tuple[Role, ...]] = {
    a.command: a.roles
    for a in (*recruitment_routes.CAMPAIGN_ACTIONS, *recruitment_routes.APPLICATION_ACTIONS)}
APPOINTMENT_ROLES: dict[type, tuple[Role, ...]] = {
    a.command: a.roles for a in appointment_routes.APPOINTMENT_ACTIONS}
#: claim step (the update's name: approve, redraft, record_submission, record_decision) -> roles
CLAIM_ROLES: dict[str, tuple[Role, ...]] = {a.name: a.roles for a in claim_routes.CLAIM_ACTIONS}
DEFINE_ROLES = common.OFFICER  # POST /recruitments
READERS = common.READERS
PERSONAL_READERS = common.PERSONAL_READERS
AUDIT_READERS = audit_routes.READERS
LOG_KEEPERS = audit_routes.LOG_KEEPERS


def roles_for(action: Any, scope: str = "campaign") -> tuple[Role, ...]:
    if scope == "campaign":
        return CAMPAIGN_ROLES[action]
    if scope == "appointment":
        return APPOINTMENT_ROLES[action]
    if scope == "claim":
        return CLAIM_ROLES[action]
    if scope == "define":
        return DEFINE_ROLES
    raise KeyError(scope)


def can(principal: Principal, action: Any, scope: str = "campaign") -> bool:
    """Whether a write control for ``action`` is shown to this user at all."""
    return principal.role in roles_for(action, scope)


def authorize(principal: Principal, action: Any, municipality: str, scope: str = "campaign",
              what: str = "campaign") -> None:
    """The API's order: the role first (403), then the municipality (404)."""
    name = getattr(action, "__name__", str(action))
    principal.require_role(*roles_for(action, scope), action=name)
    principal.require_municipality(municipality, what)


def may_read(principal: Principal, municipality: str, roles: tuple[Role, ...] = READERS,
             what: str = "campaign") -> None:
    principal.require_role(*roles, action=f"read a {what}")
    principal.require_municipality(municipality, what)


# ---------------------------------------------------------------- templates


def _date(value: Any, western: bool = True) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return i18n.format_date(value, western=western)


def _dt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return i18n.format_datetime(value)


def _deadline(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return i18n.format_deadline(value)


def _yen(value: Any, per: str | None = None) -> str:
    return "—" if value is None else i18n.format_yen(int(value), per)


def _label(code: Any, kind: str) -> str:
    return "—" if code is None else i18n.label(kind, code)


templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters.update(
    wareki=_date, jst=_dt, deadline=_deadline, yen=_yen, label=_label,
    fy=lambda v: i18n.reiwa_year(int(v)),
)
templates.globals.update(message=i18n.message, label=i18n.label, can=can, Role=Role)


@dataclass
class Page:
    """The signed-in user of a request (``principal`` is the API's type)."""

    account: Account
    csrf: str
    request: Request

    @property
    def principal(self) -> Principal:
        return self.account.principal()

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, template, status_code=status_code, user=self.account,
                      csrf=self.csrf, principal=self.principal, **context)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def accounts(request: Request) -> Accounts:
    return accounts_of(request.app)


def accounts_of(app: Any) -> Accounts:
    """The accounts over the API's own database engine (the idempotency table's)."""
    state = app.state
    if getattr(state, "web_accounts", None) is None:
        state.web_accounts = Accounts(state.idempotency.engine)
    return state.web_accounts


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page."""


class CsrfRefused(Exception):
    """A POST without the session's CSRF token: refused, nothing done."""


async def _current(request: Request) -> Page:
    token = request.cookies.get(SESSION_COOKIE)
    session = await accounts(request).session(token) if token else None
    if session is None:
        raise SignInRequired()
    return Page(account=session.account, csrf=session.csrf, request=request)


async def _current_post(request: Request) -> Page:
    page = await _current(request)
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, page.csrf):
        raise CsrfRefused()
    return page


Viewer = Annotated[Page, Depends(_current)]
Writer = Annotated[Page, Depends(_current_post)]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def new_pre_token() -> str:
    return secrets.token_urlsafe(24)


__all__ = [
    "Forbidden", "NotFound", "Page", "Viewer", "Writer", "authorize", "can", "may_read",
    "redirect", "render", "templates",
]
