"""Issue 10 point 10: production never runs on generated, placeholder or weak keys; var/
(development keys and SQLite files) is 0700 and its files 0600."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from ninyo import settings as s

PG = "postgresql+asyncpg://ninyo@127.0.0.1:5432/ninyo"


def _key(raw: bytes | None = None) -> SecretStr:
    return SecretStr(base64.b64encode(raw if raw is not None else os.urandom(32)).decode())


@pytest.fixture
def var(tmp_path, monkeypatch):
    """var/ in a temporary directory, and no NINYO_* from the environment or a .env."""
    path = tmp_path / "var"
    monkeypatch.setattr(s, "VAR_DIR", path)
    for k in list(os.environ):
        if k.startswith("NINYO_"):
            monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
    return path


@pytest.mark.parametrize("value", [
    _key(bytes(32)),  # all zero
    _key(b"\x01\x02" * 16),  # a pattern
    SecretStr("REPLACE_WITH_BASE64_32_BYTES"),  # .env.example's placeholder
    SecretStr("change-me"),
    _key(os.urandom(16)),  # too short
    SecretStr("not base64 at all!"),
])
@pytest.mark.parametrize("name", list(s.KEYS))
def test_weak_or_placeholder_keys_are_refused_when_the_settings_are_read(var, name, value):
    with pytest.raises(ValidationError, match=f"NINYO_{name.upper()}"):
        s.Settings(**{name: value})


def test_production_refuses_to_start_without_explicit_keys(var):
    with pytest.raises(ValidationError, match="NINYO_JWT_SECRET"):
        s.Settings(env="production", payload_key=_key(), data_master_key=_key(),
                   checkpoint_signing_key=_key())
    ok = s.Settings(env="production", **{n: _key() for n in s.KEYS})
    assert ok.production and len(ok.key("jwt_secret")) == 32


def test_a_postgresql_store_never_generates_a_key(var):
    settings = s.Settings(database_url=PG)
    assert settings.production
    for name in s.KEYS:
        with pytest.raises(s.MissingKey, match=f"NINYO_{name.upper()}"):
            settings.key(name)
    assert not var.exists()  # nothing written under var/


def test_token_create_on_postgresql_without_a_jwt_secret_fails_and_writes_nothing(var):
    from cli.main import app

    s.get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, ["token", "create", "--sub", "tanaka", "--role",
                                       "hr_officer", "--municipality", "062049"],
                                 env={"NINYO_DATABASE_URL": PG})
    finally:
        s.get_settings.cache_clear()
    assert res.exit_code != 0
    assert "NINYO_JWT_SECRET" in str(res.exception) + res.output
    assert not var.exists()


def test_development_keys_live_in_a_private_var(var):
    settings = s.Settings()  # SQLite under var/, no keys: development
    assert not settings.production
    assert len(settings.key("jwt_secret")) == 32
    (var / "ninyo.db").write_bytes(b"")  # e.g. the SQLite file, created 0644 by umask
    s.private_var_dir(var)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for f in var.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
