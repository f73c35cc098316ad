"""Optional OpenID Connect sign-in of the screens (Authlib), OFF by default.

``NINYO_OIDC_ENABLED=true`` with the IdP's discovery document, client id and secret
(ninyo/settings.py) adds a button to the sign-in page. ``/signin/oidc`` redirects to the
IdP's authorization endpoint (authorization code flow, ``state`` and ``nonce`` kept in an
HttpOnly cookie for ten minutes); ``/signin/oidc/callback`` exchanges the code, checks the
ID token (signature from the IdP's JWKS, issuer, audience, expiry, nonce) and maps its
claims to a LOCAL account:

1. the account whose username is the ``sub`` claim, else
2. the account named by the local part of a verified e-mail in ``oidc_email_domains``, else
3. a new account, only when the role claim maps (``oidc_role_map``) to a local role other
   than admin and every municipality claimed is in ``oidc_allowed_municipalities``.

An admin never signs in this way (nor is one ever created): the admin signs in locally.
With OIDC off both routes answer 404.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ninyo.auth import Role
from web import core
from web.accounts import USERNAME, Account, AccountError, Accounts, generate_password

router = APIRouter(include_in_schema=False)
COOKIE = "ninyo_oidc"
FLOW_SECONDS = 600
FAILED = "外部の認証サービスでのサインインに失敗しました。もう一度お試しいただくか、担当者にお問い合わせください。"


@dataclass
class OidcConfig:
    metadata_url: str
    client_id: str
    client_secret: str = ""
    scopes: str = "openid email profile"
    role_claim: str = "ninyo_role"
    municipality_claim: str = "ninyo_municipalities"
    role_map: dict[str, str] = field(default_factory=dict)
    allowed_municipalities: list[str] = field(default_factory=list)
    email_domains: list[str] = field(default_factory=list)
    _metadata: dict[str, Any] | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> OidcConfig | None:
        if not getattr(settings, "oidc_enabled", False):
            return None
        if not settings.oidc_metadata_url or not settings.oidc_client_id:
            raise ValueError("NINYO_OIDC_ENABLED needs NINYO_OIDC_METADATA_URL and NINYO_OIDC_CLIENT_ID")
        secret = settings.oidc_client_secret
        return cls(
            metadata_url=settings.oidc_metadata_url, client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else "",
            scopes=settings.oidc_scopes, role_claim=settings.oidc_role_claim,
            municipality_claim=settings.oidc_municipality_claim,
            role_map=dict(settings.oidc_role_map),
            allowed_municipalities=list(settings.oidc_allowed_municipalities),
            email_domains=[d.lower() for d in settings.oidc_email_domains],
        )

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.get(self.metadata_url)
                response.raise_for_status()
                self._metadata = response.json()
        return self._metadata


def config(request: Request) -> OidcConfig | None:
    return getattr(request.app.state, "oidc", None)


def _enabled(request: Request) -> OidcConfig:
    cfg = config(request)
    if cfg is None:
        raise core.NotFound()
    return cfg


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


@router.get("/signin/oidc")
async def oidc_start(request: Request) -> RedirectResponse:
    cfg = _enabled(request)
    meta = await cfg.metadata()
    state, nonce = generate_token(32), generate_token(32)
    url = prepare_grant_uri(
        meta["authorization_endpoint"], cfg.client_id, "code",
        redirect_uri=_redirect_uri(request), scope=cfg.scopes, state=state, nonce=nonce,
    )
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(COOKIE, f"{state}.{nonce}.{int(time.time())}", max_age=FLOW_SECONDS,
                        httponly=True, samesite="lax", secure=core.secure(request),
                        path="/signin/oidc")
    return response


@router.get("/signin/oidc/callback", name="oidc_callback", response_class=HTMLResponse)
async def oidc_callback(request: Request, code: str = "", state: str = "") -> HTMLResponse:
    from web.signin import finish_signin, signin_page

    cfg = _enabled(request)
    try:
        kept_state, nonce, started = request.cookies.get(COOKIE, "..").split(".", 2)
        fresh = started.isdigit() and time.time() - int(started) < FLOW_SECONDS
    except ValueError:
        kept_state = nonce = ""
        fresh = False
    if not (code and kept_state and fresh and secrets.compare_digest(state, kept_state)):
        return signin_page(request, FAILED, status_code=403)
    try:
        claims = await _id_token_claims(cfg, request, code, nonce)
    except Exception:  # noqa: BLE001 - any IdP failure is one sentence to the user
        return signin_page(request, FAILED, status_code=401)
    account = await account_for(core.accounts(request), cfg, claims)
    if account is None:
        return signin_page(request, "この外部アカウントに対応するNinyoのアカウントがありません。"
                           "管理者に登録を依頼してください。", status_code=403)
    response = await finish_signin(request, account)
    response.delete_cookie(COOKIE, path="/signin/oidc")
    return response


async def _id_token_claims(cfg: OidcConfig, request: Request, code: str,
                           nonce: str) -> dict[str, Any]:
    from joserfc import jwt
    from joserfc.jwk import KeySet

    meta = await cfg.metadata()
    async with httpx.AsyncClient(timeout=10) as client:
        token = await client.post(meta["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": _redirect_uri(request),
        }, auth=(cfg.client_id, cfg.client_secret))
        token.raise_for_status()
        jwks = (await client.get(meta["jwks_uri"])).json()
    decoded = jwt.decode(token.json()["id_token"], KeySet.import_key_set(jwks))
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": cfg.client_id},
        sub={"essential": True}, exp={"essential": True},
        nonce={"essential": True, "value": nonce},
    ).validate(decoded.claims)
    return decoded.claims


async def account_for(accounts: Accounts, cfg: OidcConfig,
                      claims: dict[str, Any]) -> Account | None:
    """The local account the IdP's claims name (see the module docstring); never an admin."""
    candidates = [str(claims.get("sub", "")).lower()]
    email = str(claims.get("email", "")).lower()
    if email.count("@") == 1 and claims.get("email_verified") is True:
        local, domain = email.split("@")
        if domain in cfg.email_domains:
            candidates.append(local)
    for name in candidates:
        if USERNAME.match(name) and (account := await accounts.get(name)) is not None:
            usable = not account.disabled and account.role is not Role.admin
            return account if usable else None
    local_role = cfg.role_map.get(str(claims.get(cfg.role_claim, "")))
    if local_role is None or local_role == Role.admin.value:
        return None
    munis = claims.get(cfg.municipality_claim) or []
    munis = [munis] if isinstance(munis, str) else [str(m) for m in munis]
    if not munis or any(m not in cfg.allowed_municipalities for m in munis):
        return None
    name = candidates[0]
    if not USERNAME.match(name):
        return None
    try:  # a password no one knows: this account signs in through the IdP only
        return await accounts.add(name, generate_password() + generate_password(), local_role,
                                  munis, str(claims.get("name", "")) or name)
    except AccountError:
        return None
