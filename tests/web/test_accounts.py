"""Accounts without a browser: argon2id hashes, the lock-out window, disabled accounts,
sessions stored as hashes only (web/accounts.py on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from eventstore.migrate import upgrade
from tests import pg
from web.accounts import LOCK_FOR, MAX_FAILURES, AccountError, Accounts, sessions, users

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def accounts():
    pg.check_reachable()
    url = pg.create_database("ninyo_accounts")
    upgrade(url)
    engine = create_async_engine(url)
    yield Accounts(engine)
    await engine.dispose()
    pg.drop_database(url)


async def test_passwords_are_argon2id_hashes_and_short_ones_are_refused(accounts):
    await accounts.add("sato", "a long enough password", "hr_officer", ["062049"])
    async with accounts.engine.connect() as conn:
        stored = await conn.scalar(sa.select(users.c.password_hash)
                                   .where(users.c.username == "sato"))
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    with pytest.raises(AccountError) as short:
        await accounts.add("kato", "short", "hr_officer", ["062049"])
    assert short.value.field == "password"
    with pytest.raises(AccountError):
        await accounts.add("kato", "a long enough password", "hr_officer", ["73024"])
    with pytest.raises(AccountError):
        await accounts.add("kato", "a long enough password", "superuser", ["062049"])


async def test_lock_out_after_repeated_failures_then_open_again(accounts):
    await accounts.add("ito", "the right password", "approver", ["062049"])
    for i in range(MAX_FAILURES):
        assert await accounts.authenticate("ito", "wrong", now=T0 + timedelta(seconds=i)) is None
    # locked: even the right password is refused until the window has passed
    assert await accounts.authenticate("ito", "the right password", now=T0 + LOCK_FOR / 2) is None
    opened = await accounts.authenticate("ito", "the right password",
                                         now=T0 + LOCK_FOR + timedelta(minutes=1))
    assert opened is not None and opened.principal().role.value == "approver"
    # a success resets the counter: one more failure does not lock
    assert await accounts.authenticate("ito", "wrong", now=T0 + 2 * LOCK_FOR) is None
    assert await accounts.authenticate("ito", "the right password", now=T0 + 2 * LOCK_FOR)


async def test_sessions_are_stored_as_hashes_and_end_with_the_account(accounts):
    account = await accounts.add("endo", "the right password", "auditor", ["062049"])
    token = await accounts.start_session(account)
    async with accounts.engine.connect() as conn:
        stored = (await conn.execute(sa.select(sessions.c.token_hash)
                                     .where(sessions.c.username == "endo"))).scalars().all()
    assert stored and token not in stored
    assert (await accounts.session(token)).account.username == "endo"
    assert await accounts.session(token, now=datetime.now(UTC) + timedelta(days=2)) is None
    await accounts.disable("endo")
    assert await accounts.session(token) is None
    assert await accounts.authenticate("endo", "the right password") is None
