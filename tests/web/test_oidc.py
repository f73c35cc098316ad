"""Optional OpenID Connect sign-in (web/oidc.py): off by default, and when on, the redirect
to the IdP's authorization endpoint with state and nonce, and the claims -> local account
mapping that never yields an admin. The IdP's discovery document is served by the test on
127.0.0.1 (no network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from ninyo.settings import Settings
from tests.web.conftest import OTHER, OWN
from web import oidc

pytestmark = pytest.mark.slow


async def test_off_by_default_the_routes_are_404_and_no_button(site):
    async with httpx.AsyncClient(base_url=site.base) as client:
        for path in ("/signin/oidc", "/signin/oidc/callback?code=x&state=y"):
            assert (await client.get(path)).status_code == 404, path
        signin = await client.get("/")
    assert signin.status_code == 200
    assert "サインイン" in signin.text
    assert "/signin/oidc" not in signin.text and "認証サービス" not in signin.text


class IdP:
    """A tiny identity provider on 127.0.0.1: discovery document, JWKS and a token endpoint
    that answers with the ID token the test sets (signed with the IdP's RSA key)."""

    def __init__(self, base: str) -> None:
        from joserfc.jwk import RSAKey

        self.base = base
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1"})
        self.document = {"issuer": base, "authorization_endpoint": f"{base}/authorize",
                         "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks"}
        self.claims: dict = {}
        self.token_requests: list[dict] = []

    def id_token(self) -> str:
        from joserfc import jwt

        return jwt.encode({"alg": "RS256", "kid": "idp-1"}, self.claims, self.key)


@pytest.fixture
def idp():
    holder: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - http.server's name
            provider = holder["idp"]
            if self.path.endswith("/openid-configuration"):
                self._answer(200, provider.document)
            elif self.path == "/jwks":
                self._answer(200, {"keys": [provider.key.as_dict(private=False)]})
            else:
                self._answer(404, {})

        def do_POST(self):  # noqa: N802
            provider = holder["idp"]
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            provider.token_requests.append({k: v[0] for k, v in form.items()})
            self._answer(200, {"access_token": "at", "token_type": "Bearer",
                               "id_token": provider.id_token()})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["idp"] = provider = IdP(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    server.server_close()


def _app(idp: IdP, accounts=None) -> FastAPI:
    settings = Settings(oidc_enabled=True, oidc_client_id="ninyo-sakata",
                        oidc_client_secret="s3cret",
                        oidc_metadata_url=f"{idp.base}/.well-known/openid-configuration")
    app = FastAPI()
    app.include_router(oidc.router)
    app.state.oidc = oidc.OidcConfig.from_settings(settings)
    app.state.web_accounts = accounts
    return app


async def test_on_the_redirect_goes_to_the_authorization_endpoint_with_state_and_nonce(idp):
    app = _app(idp)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://ninyo.test") as client:
        first = await client.get("/signin/oidc")
        second = await client.get("/signin/oidc")
    assert first.status_code == 303
    target = urlsplit(first.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{idp.base}/authorize"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "ninyo-sakata"
    assert query["redirect_uri"] == "http://ninyo.test/signin/oidc/callback"
    assert "openid" in query["scope"].split()
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    again = {k: v[0] for k, v in parse_qs(urlsplit(second.headers["location"]).query).items()}
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{oidc.COOKIE}={query['state']}.{query['nonce']}.")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_enabled_without_its_idp_refuses_to_start():
    with pytest.raises(ValueError, match="NINYO_OIDC_METADATA_URL"):
        oidc.OidcConfig.from_settings(Settings(oidc_enabled=True))


async def test_claims_map_to_a_local_account_never_an_admin(site):
    cfg = oidc.OidcConfig(metadata_url="unused", client_id="c",
                          role_map={"hr": "hr_officer", "it-admin": "admin"},
                          allowed_municipalities=[OWN], email_domains=["city.sakata.lg.jp"])
    accounts = site.accounts
    found = await oidc.account_for(accounts, cfg, {"sub": "tanaka"})
    assert found is not None and found.username == "tanaka"
    by_mail = await oidc.account_for(accounts, cfg, {
        "sub": "00u1x", "email": "fukushi@city.sakata.lg.jp", "email_verified": True})
    assert by_mail is not None and by_mail.username == "fukushi"
    unverified = await oidc.account_for(accounts, cfg, {
        "sub": "00u2x", "email": "fukushi@city.sakata.lg.jp", "email_verified": False})
    assert unverified is None
    assert await oidc.account_for(accounts, cfg, {"sub": "root"}) is None  # an admin: locally only
    assert await oidc.account_for(accounts, cfg, {"sub": "newadmin", "ninyo_role": "it-admin",
                                                  "ninyo_municipalities": [OWN]}) is None
    assert await accounts.get("newadmin") is None
    assert await oidc.account_for(accounts, cfg, {"sub": "outsider", "ninyo_role": "hr",
                                                  "ninyo_municipalities": [OTHER]}) is None
    made = await oidc.account_for(accounts, cfg, {"sub": "oidc-hr1", "ninyo_role": "hr",
                                                  "ninyo_municipalities": [OWN], "name": "新 職員"})
    assert made is not None and made.role.value == "hr_officer"
    assert made.municipalities == (OWN,) and made.display_name == "新 職員"


async def test_the_callback_signs_in_the_local_account_the_id_token_names(idp, site):
    import time

    app = _app(idp, site.accounts)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://ninyo.test") as client:
        start = await client.get("/signin/oidc")
        query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
        now = int(time.time())
        idp.claims = {"iss": idp.base, "aud": "ninyo-sakata", "sub": "tanaka", "iat": now,
                      "exp": now + 300, "nonce": "not-the-nonce"}
        wrong_nonce = await client.get("/signin/oidc/callback",
                                       params={"code": "c1", "state": query["state"]})
        assert wrong_nonce.status_code == 401
        forged_state = await client.get("/signin/oidc/callback",
                                        params={"code": "c1", "state": "forged"})
        assert forged_state.status_code == 403
        idp.claims["nonce"] = query["nonce"]
        done = await client.get("/signin/oidc/callback",
                                params={"code": "c2", "state": query["state"]})
    assert done.status_code == 303 and done.headers["location"] == "/ui/home"
    assert idp.token_requests[-1] == {"grant_type": "authorization_code", "code": "c2",
                                      "redirect_uri": "http://ninyo.test/signin/oidc/callback"}
    from web.core import SESSION_COOKIE

    session = await site.accounts.session(done.cookies[SESSION_COOKIE])
    assert session is not None and session.account.username == "tanaka"
