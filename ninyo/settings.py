"""One settings object for the whole product (pydantic-settings, env prefix ``NINYO_``).

Built only in composition roots: ``worker.py``, the API lifespan and the CLI.

Keys (issue 10 point 10; docs/operations.md "Keys"): the JWT secret, the payload key,
the data master key and the checkpoint signing key are 32 random bytes, base64. A key
that is configured must be one: placeholders (``REPLACE_WITH_...``), keys of the wrong
size and weak keys (all bytes alike, e.g. all zero; few distinct bytes) are refused when
the settings are read. In production — ``NINYO_ENV=production``, or any PostgreSQL event
store — nothing falls back to a development key under ``var/``: ``NINYO_ENV=production``
refuses to start without all four keys, and a process on PostgreSQL refuses to start
without each key it uses (``Settings.key``). ``var/`` (development only) is 0700 and its
files 0600.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / 'ninyo.db'}"


# setting -> the development key's file name under var/
KEYS = {
    "jwt_secret": "jwt",
    "payload_key": "payload",
    "data_master_key": "data_master",
    "checkpoint_signing_key": "checkpoint_ed25519",
}
KEY_SIZE = 32


class MissingKey(RuntimeError):
    """A production process started without a key it needs (never a silent dev key)."""


def decode_key(value: str, name: str, size: int = KEY_SIZE) -> bytes:
    """The key's bytes, or ``ValueError`` naming why it is not a usable key."""
    text = value.strip()
    if not text or "REPLACE" in text.upper() or "CHANGE" in text.upper():
        raise ValueError(f"{name}: a placeholder, not a key (generate 32 random bytes, base64)")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name}: not base64") from None
    if len(raw) != size:
        raise ValueError(f"{name}: expected {size} bytes (base64), got {len(raw)}")
    if len(set(raw)) < size // 2:  # all zero, repeated patterns: not 32 random bytes
        raise ValueError(f"{name}: a weak key (too few distinct bytes); use 32 random bytes")
    return raw


class Settings(BaseSettings):
    """Configuration read from the environment (``NINYO_*``) or a ``.env`` file."""

    model_config = SettingsConfigDict(
        env_prefix="NINYO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # development (default) | production: production refuses to start without its keys
    env: Literal["development", "production"] = "development"

    # --- event store -------------------------------------------------------------
    database_url: str = Field(
        default_factory=_default_database_url,
        description="SQLAlchemy async URL. Default: SQLite file under var/. "
        "postgresql+asyncpg://user@host/db selects PostgreSQL.",
    )
    # Ed25519 private key (32 raw bytes, base64) used to sign checkpoints. When unset, a
    # key is generated once and kept in var/checkpoint_ed25519.key (development only).
    checkpoint_signing_key: SecretStr | None = None
    # Master key (32 bytes, base64) that wraps the per-person data keys (AES-GCM). When
    # unset, a development key is generated once under var/.
    data_master_key: SecretStr | None = None

    # --- Temporal ----------------------------------------------------------------
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "ninyo"
    # Key (32 bytes, base64) for the PayloadCodec that encrypts Temporal payloads.
    payload_key: SecretStr | None = None
    temporal_db_filename: Path = VAR_DIR / "temporal.db"
    temporal_ui_port: int = 8233
    # mutual TLS to the frontend (docker-compose.yml): CA, client certificate and key (PEM
    # files); unset = plaintext (the embedded dev server on 127.0.0.1)
    temporal_tls_ca: Path | None = None
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_server_name: str | None = None

    # --- API -----------------------------------------------------------------------
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # HS256 secret for bearer tokens; when unset, a development secret under var/.
    jwt_secret: SecretStr | None = None

    # --- notifications -------------------------------------------------------------
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "ninyo@localhost"
    smtp_starttls: bool = False  # upgrade with STARTTLS (port 587)
    smtp_tls: bool = False  # implicit TLS (port 465)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: str | None = None  # PEM of a private CA the SMTP server's certificate is from
    # per-municipality mail templates (data): {dir}/{municipality code}/{kind}.txt.j2
    mail_templates_dir: str | None = None

    # --- screens: optional OpenID Connect sign-in (web/oidc.py; off by default) -----
    oidc_enabled: bool = False
    # the IdP's discovery document (…/.well-known/openid-configuration); its issuer must match
    oidc_metadata_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email profile"
    # an unknown user gets an account only when the IdP's role claim maps to a local role
    # here (e.g. {"ninyo-hr": "hr_officer"}; "admin" is never granted) and every value of the
    # municipality claim is in oidc_allowed_municipalities
    oidc_role_claim: str = "ninyo_role"
    oidc_municipality_claim: str = "ninyo_municipalities"
    oidc_role_map: dict[str, str] = {}
    oidc_allowed_municipalities: list[str] = []
    # a verified e-mail in these domains finds the account named by its local part
    oidc_email_domains: list[str] = []

    # --- logging -------------------------------------------------------------------
    log_level: str = "INFO"
    log_json: bool | None = None  # None: JSON unless stderr is a terminal

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, v: str) -> str:
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError(
                "NINYO_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return v

    @model_validator(mode="after")
    def _keys_are_keys(self) -> Settings:
        for name in KEYS:
            value = getattr(self, name)
            if value is not None:
                decode_key(value.get_secret_value(), f"NINYO_{name.upper()}")
        missing = [f"NINYO_{n.upper()}" for n in KEYS if getattr(self, n) is None]
        if self.env == "production" and missing:
            raise ValueError(f"NINYO_ENV=production needs explicit keys: {', '.join(missing)}")
        return self

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def production(self) -> bool:
        """Production: declared, or implied by a PostgreSQL event store."""
        return self.env == "production" or self.is_postgres

    def key(self, name: str) -> bytes:
        """The configured key ``name`` (a field of ``KEYS``); a development key under var/
        only outside production — in production a missing key stops the process."""
        value = getattr(self, name)
        if value is None:
            if self.production:
                raise MissingKey(
                    f"NINYO_{name.upper()} is not set: production (NINYO_ENV=production or a "
                    "PostgreSQL event store) never generates keys; see docs/operations.md")
            return dev_secret(KEYS[name])
        return decode_key(value.get_secret_value(), f"NINYO_{name.upper()}")


def private_var_dir(path: Path | None = None) -> Path:
    """``var/`` for development state (keys, SQLite files): 0700, every file in it 0600."""
    path = path or VAR_DIR
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    for f in path.iterdir():
        if f.is_file():
            os.chmod(f, 0o600)
    return path


def dev_secret(name: str, size: int = 32) -> bytes:
    """A development secret kept under var/ (created once). Never used when configured."""
    private_var_dir()
    path = VAR_DIR / f"{name}.key"
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    raw = os.urandom(size)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(raw).decode())
    return raw


def secret_bytes(value: SecretStr | None, name: str, size: int = 32) -> bytes:
    """Decode a configured base64 secret, or fall back to the development secret ``name``."""
    if value is None:
        return dev_secret(name, size)
    return decode_key(value.get_secret_value(), name, size)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
