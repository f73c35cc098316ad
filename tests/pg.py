"""The real PostgreSQL for tests: fresh throw-away databases on the configured server.

``NINYO_TEST_DATABASE_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``)
names the server and an existing database to connect to for CREATE/DROP DATABASE. If the
server is unreachable the run FAILS with a clear message — it never silently skips.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def admin_url() -> str:
    return os.environ.get("NINYO_TEST_DATABASE_URL", DEFAULT_URL)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(coro):
    """Run a coroutine to completion on a private loop in a thread (safe inside any loop)."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            result["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def check_reachable() -> None:
    async def ping() -> None:
        conn = await asyncpg.connect(_dsn(admin_url()), timeout=10)
        await conn.close()

    try:
        _run(ping())
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(
            f"PostgreSQL is unreachable at {admin_url()} ({exc!r}). The store's contract suite "
            "runs against the real PostgreSQL: start it (pg_ctlcluster --skip-systemctl-redirect "
            "15 main start) or set NINYO_TEST_DATABASE_URL."
        ) from exc


def create_database(prefix: str = "ninyo") -> str:
    """Create a fresh, empty database and return its SQLAlchemy asyncpg URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        conn = await asyncpg.connect(_dsn(admin_url()))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    _run(create())
    return make_url(admin_url()).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database

    async def drop() -> None:
        conn = await asyncpg.connect(_dsn(admin_url()))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    _run(drop())
