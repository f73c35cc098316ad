"""Run the event store's alembic migrations programmatically (``ninyo db upgrade``).

Usable from plain code and from inside a running event loop: the migration environment runs
its own event loop, so when one is already running it is run in a worker thread.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Own version table, so other components may keep alembic histories in the same database.
VERSION_TABLE = "eventstore_alembic_version"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not a main option: configparser would choke on '%' in URLs.
    cfg.attributes["url"] = url
    return cfg


def _prepare(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _run_outside_loop(fn, *args) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return
    box: dict = {}

    def target() -> None:
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=target, name="eventstore-migrate")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the event store schema at ``url`` up to ``revision`` (default: head)."""
    _prepare(url)
    _run_outside_loop(command.upgrade, alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Migrate the event store schema at ``url`` down to ``revision`` ("base": drop all)."""
    _run_outside_loop(command.downgrade, alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """``upgrade`` without blocking the running event loop."""
    await asyncio.to_thread(upgrade, url, revision)
