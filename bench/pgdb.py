"""Fresh throw-away PostgreSQL databases for one benchmark run (own copy, not tests.pg).

``NINYO_BENCH_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``)
names the server and a database to connect to for CREATE/DROP DATABASE.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg

DEFAULT_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_dsn() -> str:
    url = os.environ.get("NINYO_BENCH_DATABASE_URL", DEFAULT_ADMIN)
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass(frozen=True)
class Database:
    """A database made for this run: plain libpq DSN plus the parts other drivers want."""

    name: str
    dsn: str  # postgresql://user@host:port/name (asyncpg, psycopg)

    @property
    def sqlalchemy_url(self) -> str:
        return self.dsn.replace("postgresql://", "postgresql+asyncpg://", 1)

    @property
    def parts(self) -> dict[str, str]:
        u = urlsplit(self.dsn)
        return {
            "host": u.hostname or "127.0.0.1",
            "port": str(u.port or 5432),
            "user": u.username or "postgres",
            "password": u.password or "",
            "dbname": self.name,
        }


def _with_db(dsn: str, name: str) -> str:
    u = urlsplit(dsn)
    return urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


async def check_reachable() -> None:
    try:
        conn = await asyncpg.connect(admin_dsn(), timeout=10)
    except Exception as exc:  # noqa: BLE001 - re-raised with the fix
        raise RuntimeError(
            f"PostgreSQL is unreachable at {admin_dsn()} ({exc!r}); the benchmarks run against "
            "the real server: start it or set NINYO_BENCH_DATABASE_URL."
        ) from exc
    await conn.close()


async def create_database(prefix: str = "ninyo_bench") -> Database:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_dsn())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return Database(name=name, dsn=_with_db(admin_dsn(), name))


async def drop_database(db: Database) -> None:
    conn = await asyncpg.connect(admin_dsn())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
    finally:
        await conn.close()
