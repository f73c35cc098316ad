"""Local accounts and sign-in sessions of the screens (tables of migration 0004_web_accounts).

- Passwords are hashed with **argon2id** (argon2-cffi's ``PasswordHasher``, its defaults:
  RFC 9106 low-memory profile); a hash made with older parameters is re-hashed at the next
  successful sign-in.
- **Lock-out**: ``MAX_FAILURES`` wrong passwords in a row lock the account for
  ``LOCK_FOR``; while locked even the right password is refused (the answer does not say
  which of the two it was). A successful sign-in resets the counter.
- **Sessions**: the cookie carries 32 random bytes (URL-safe); the table keeps only their
  SHA-256, the session's CSRF token and the expiry (``SESSION_TTL``, sliding is not done:
  a working day). Disabling an account deletes its sessions.
- An account becomes an :class:`ninyo.auth.Principal` — the very type the API authorises —
  so the screens go through the same role × municipality checks as the API.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.ext.asyncio import AsyncEngine

from ninyo.auth import Principal, Role

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=10)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MUNICIPALITY = re.compile(r"^\d{6}$")
MIN_PASSWORD = 12

metadata = sa.MetaData()
users = sa.Table(
    "web_users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("municipalities", sa.String(700), nullable=False),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("failed_attempts", sa.Integer(), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    sa.Column("disabled_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sessions = sa.Table(
    "web_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

_hasher = PasswordHasher()  # argon2id
# verified when the user does not exist, so a wrong username costs the same time
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused account operation; ``field`` names the offending input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    municipalities: tuple[str, ...]
    display_name: str
    disabled: bool
    locked_until: datetime | None

    def principal(self) -> Principal:
        return Principal(sub=self.username, role=self.role,
                         municipalities=frozenset(self.municipalities))


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str
    expires_at: datetime


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite hands back naive datetimes
        return value.replace(tzinfo=UTC)
    return value


def _account(row) -> Account:
    return Account(
        username=row.username, role=Role(row.role),
        municipalities=tuple(m for m in row.municipalities.split(",") if m),
        display_name=row.display_name, disabled=row.disabled_at is not None,
        locked_until=_aware(row.locked_until),
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def generate_password() -> str:
    """A one-time password for a new account (printed once, never stored in clear)."""
    return secrets.token_urlsafe(15)


class Accounts:
    """Accounts and sessions over an async SQLAlchemy engine (PostgreSQL or SQLite)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ accounts

    async def add(self, username: str, password: str, role: Role | str,
                  municipalities: list[str] | tuple[str, ...], display_name: str = "",
                  now: datetime | None = None) -> Account:
        if not USERNAME.match(username):
            raise AccountError("ユーザー名は英小文字・数字・._- の2〜64文字です", "username")
        try:
            role = Role(role)
        except ValueError:
            raise AccountError(f"役割 {role!r} はありません", "role") from None
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"パスワードは{MIN_PASSWORD}文字以上にしてください", "password")
        munis = sorted(set(municipalities))
        if any(not MUNICIPALITY.match(m) for m in munis):
            raise AccountError("団体コードは6桁の数字です", "municipality")
        if role is not Role.admin and not munis:
            raise AccountError("担当する団体コードを1つ以上指定してください", "municipality")
        async with self.engine.begin() as conn:
            exists = await conn.scalar(sa.select(users.c.username)
                                       .where(users.c.username == username))
            if exists:
                raise AccountError(f"ユーザー {username} は既にあります", "username")
            await conn.execute(users.insert().values(
                username=username, password_hash=_hasher.hash(password), role=role.value,
                municipalities=",".join(munis), display_name=display_name or username,
                failed_attempts=0, locked_until=None, disabled_at=None,
                created_at=now or datetime.now(UTC)))
        account = await self.get(username)
        assert account is not None
        return account

    async def get(self, username: str) -> Account | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(users).where(users.c.username == username))).first()
        return _account(row) if row else None

    async def all(self) -> list[Account]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.select(users).order_by(users.c.username))).all()
        return [_account(r) for r in rows]

    async def count(self) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(sa.select(sa.func.count()).select_from(users)) or 0)

    async def disable(self, username: str, now: datetime | None = None) -> None:
        async with self.engine.begin() as conn:
            done = await conn.execute(users.update().where(users.c.username == username)
                                      .values(disabled_at=now or datetime.now(UTC)))
            if done.rowcount == 0:
                raise AccountError(f"ユーザー {username} はありません", "username")
            await conn.execute(sessions.delete().where(sessions.c.username == username))

    async def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"パスワードは{MIN_PASSWORD}文字以上にしてください", "password")
        async with self.engine.begin() as conn:
            await conn.execute(users.update().where(users.c.username == username).values(
                password_hash=_hasher.hash(password), failed_attempts=0, locked_until=None))

    # ------------------------------------------------------------ sign-in

    async def authenticate(self, username: str, password: str,
                           now: datetime | None = None) -> Account | None:
        """The account when the password is right and the account usable; else None.

        Every failure (unknown user, wrong password, locked, disabled) looks the same to
        the caller; wrong passwords count towards the lock-out."""
        now = now or datetime.now(UTC)
        async with self.engine.begin() as conn:
            row = (await conn.execute(sa.select(users).where(users.c.username == username)
                                      .with_for_update())).first()
            if row is None:
                try:
                    _hasher.verify(_DUMMY_HASH, password)
                except VerificationError:
                    pass
                return None
            account = _account(row)
            try:
                ok = _hasher.verify(row.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            locked = account.locked_until is not None and account.locked_until > now
            if account.disabled or locked:
                return None
            if not ok:
                failures = row.failed_attempts + 1
                values: dict = {"failed_attempts": failures}
                if failures >= MAX_FAILURES:
                    values = {"failed_attempts": 0, "locked_until": now + LOCK_FOR}
                await conn.execute(users.update().where(users.c.username == username)
                                   .values(**values))
                return None
            values = {"failed_attempts": 0, "locked_until": None}
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = _hasher.hash(password)
            await conn.execute(users.update().where(users.c.username == username).values(**values))
        return account

    async def start_session(self, account: Account, now: datetime | None = None) -> str:
        """Open a session; returns the cookie's token (only its hash is stored)."""
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
            await conn.execute(sessions.delete().where(sessions.c.expires_at < now))
            await conn.execute(sessions.insert().values(
                token_hash=token_hash(token), username=account.username,
                csrf=secrets.token_urlsafe(32), created_at=now, expires_at=now + SESSION_TTL))
        return token

    async def session(self, token: str, now: datetime | None = None) -> Session | None:
        now = now or datetime.now(UTC)
        stmt = (sa.select(sessions.c.csrf, sessions.c.expires_at, users)
                .join(users, users.c.username == sessions.c.username)
                .where(sessions.c.token_hash == token_hash(token)))
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        account = _account(row)
        expires = _aware(row.expires_at)
        if account.disabled or expires is None or expires <= now:
            return None
        return Session(account=account, csrf=row.csrf, expires_at=expires)

    async def end_session(self, token: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash(token)))
