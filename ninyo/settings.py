"""One settings object for the whole product (pydantic-settings, env prefix ``NINYO_``).

Built only in composition roots: ``worker.py``, the API lifespan and the CLI.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / 'ninyo.db'}"


class Settings(BaseSettings):
    """Configuration read from the environment (``NINYO_*``) or a ``.env`` file."""

    model_config = SettingsConfigDict(
        env_prefix="NINYO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

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

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


def dev_secret(name: str, size: int = 32) -> bytes:
    """A development secret kept under var/ (created once). Never used when configured."""
    import os

    VAR_DIR.mkdir(parents=True, exist_ok=True)
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
    raw = base64.b64decode(value.get_secret_value())
    if len(raw) != size:
        raise ValueError(f"{name}: expected {size} bytes (base64), got {len(raw)}")
    return raw


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
