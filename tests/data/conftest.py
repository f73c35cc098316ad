"""The CLI on this session's PostgreSQL database: migrated, with the keys production requires
(a PostgreSQL store refuses to start without explicit keys, issue 10 point 10)."""

from __future__ import annotations

import base64
import os

import pytest


@pytest.fixture
def cli_db(pg_url, monkeypatch):
    from eventstore.migrate import upgrade
    from ninyo.settings import get_settings

    upgrade(pg_url)
    monkeypatch.setenv("NINYO_DATABASE_URL", pg_url)
    monkeypatch.setenv("NINYO_LOG_LEVEL", "WARNING")
    for name in ("NINYO_CHECKPOINT_SIGNING_KEY", "NINYO_DATA_MASTER_KEY", "NINYO_JWT_SECRET"):
        monkeypatch.setenv(name, base64.b64encode(os.urandom(32)).decode())
    get_settings.cache_clear()
    yield pg_url
    get_settings.cache_clear()
