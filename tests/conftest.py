"""Suite-wide fixtures: the real PostgreSQL (fails loudly when unreachable)."""

from __future__ import annotations

import pytest

from tests import pg


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    pg.check_reachable()
    url = pg.create_database("ninyo_test")
    yield url
    pg.drop_database(url)
