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


def pytest_collection_modifyitems(config, items):
    """`make mutation` (NINYO_MUTATION=1) runs each property test with at most 25 examples,
    derandomised: thousands of mutants each rerun the tests that reach them, and a rule
    broken by a mutant fails on the first few examples or on the worked examples anyway."""
    import os

    if os.environ.get("NINYO_MUTATION") != "1":
        return
    from hypothesis import settings

    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is not None:
            test._hypothesis_internal_use_settings = settings(
                current, max_examples=min(current.max_examples, 25), derandomize=True
            )
