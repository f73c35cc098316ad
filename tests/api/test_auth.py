"""Authentication: HS256 only; alg=none, wrong keys, expired tokens and junk are 401."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from ninyo.auth import create_token
from ninyo.settings import secret_bytes
from tests.api.conftest import OWN

SUBSIDY = {
    "municipality": {"name": "磐梯町", "kind": "town", "prefecture": "福島県", "population": 3300},
    "fiscal_year": 2023,
    "advisors": [],
    "recruitment_costs": [],
}


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _claims(**over) -> dict:
    now = int(datetime.now(UTC).timestamp())
    return {"iss": "ninyo", "sub": "mallory", "role": "admin", "municipalities": [OWN],
            "iat": now, "exp": now + 600, **over}


async def _call(http, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await http.post("/assessments/subsidy", json=SUBSIDY, headers=headers)


async def test_a_valid_token_is_accepted(http, tokens):
    r = await http.post("/assessments/subsidy", json=SUBSIDY, headers=tokens("auditor"))
    assert r.status_code == 200, r.text


async def test_no_token_is_401_with_the_error_shape(http):
    r = await _call(http, None)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    assert r.headers["www-authenticate"] == "Bearer"


async def test_alg_none_token_is_refused(http):
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."
    r = await _call(http, token)
    assert r.status_code == 401, r.text


async def test_token_signed_with_another_key_is_refused(http):
    token = jwt.encode(_claims(), b"k" * 32, algorithm="HS256")
    assert (await _call(http, token)).status_code == 401


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_right_key_but_another_algorithm_is_refused(http, api_settings):
    key = secret_bytes(api_settings.jwt_secret, "jwt")
    token = jwt.encode(_claims(), key, algorithm="HS512")
    assert (await _call(http, token)).status_code == 401


async def test_expired_token_is_refused(http, api_settings):
    token = create_token(api_settings, sub="tanaka", role="auditor", municipalities=[OWN],
                         ttl=timedelta(minutes=5), now=datetime.now(UTC) - timedelta(hours=1))
    assert (await _call(http, token)).status_code == 401


async def test_unknown_role_or_bad_municipality_claims_are_refused(http, api_settings):
    key = secret_bytes(api_settings.jwt_secret, "jwt")
    for claims in (_claims(role="superuser"), _claims(municipalities=["07302"]),
                   _claims(municipalities="062049"), _claims(sub="")):
        token = jwt.encode(claims, key, algorithm="HS256")
        assert (await _call(http, token)).status_code == 401, claims


async def test_a_tampered_payload_is_refused(http, tokens):
    header, _, sig = tokens("auditor")["Authorization"].removeprefix("Bearer ").split(".")
    forged = f"{header}.{_b64(_claims(role='hr_officer'))}.{sig}"
    assert (await _call(http, forged)).status_code == 401


async def test_unknown_fields_in_a_request_body_are_refused_naming_the_field(http, tokens):
    r = await http.post("/audit/verify", json={"checkpoint": None, "is_admin": True},
                        headers=tokens("auditor"))
    assert r.status_code == 422
    err = r.json()["error"]
    assert (err["code"], err["field"]) == ("invalid_input", "is_admin")
    assert "is_admin" in err["message"]
    assert [(e["field"], e["code"]) for e in err["errors"]] == [("is_admin", "extra_forbidden")]


async def test_a_token_from_the_cli_is_accepted_with_its_claims(http, api_settings):
    import asyncio

    from typer.testing import CliRunner

    from cli.main import app
    from ninyo.settings import get_settings

    env = {"NINYO_JWT_SECRET": api_settings.jwt_secret.get_secret_value()}
    get_settings.cache_clear()
    try:
        made = await asyncio.to_thread(CliRunner().invoke, app, [
            "token", "create", "--sub", "suzuki", "--role", "auditor", "-m", OWN, "--ttl", "5m"],
            env=env)
        shown = await asyncio.to_thread(CliRunner().invoke, app,
                                        ["token", "show", made.stdout.strip()], env=env)
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0, made.output
    assert json.loads(shown.stdout) == {"sub": "suzuki", "role": "auditor",
                                        "municipalities": [OWN]}
    r = await _call(http, made.stdout.strip())
    assert r.status_code == 200
