"""`ninyo user add | disable | list`: local accounts of the screens (web/accounts.py).

``add`` prints a one-time password (or takes ``--password-stdin``); the password is
stored only as an argon2id hash. ``disable`` also ends the account's sessions.
"""

from __future__ import annotations

import asyncio
import sys

import typer

app = typer.Typer(help="Accounts of the screens (sign-in at http://127.0.0.1:8000/).",
                  no_args_is_help=True)


async def _with_accounts(fn):
    from sqlalchemy.ext.asyncio import create_async_engine

    from ninyo.settings import get_settings
    from web.accounts import Accounts

    engine = create_async_engine(get_settings().database_url)
    try:
        return await fn(Accounts(engine))
    finally:
        await engine.dispose()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.callback()
def _group() -> None:
    """Accounts of the screens."""


@app.command("add")
def add(
    username: str = typer.Argument(..., help="Sign-in name (a-z, 0-9, . _ -)."),
    role: str = typer.Option(..., "--role", help="hr_officer | approver | auditor | admin"),
    municipality: list[str] = typer.Option(
        [], "--municipality", "-m", help="Municipality code (6 digits); repeat for several."),
    name: str = typer.Option("", "--name", help="Display name (氏名)."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from stdin instead."),
) -> None:
    """Create an account; prints its one-time password unless --password-stdin."""
    from web.accounts import AccountError, generate_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else generate_password()
    try:
        asyncio.run(_with_accounts(lambda a: a.add(username, password, role, municipality, name)))
    except AccountError as exc:
        _fail(exc.message)
    typer.echo(f"created {username} ({role})")
    if not password_stdin:
        typer.echo(f"one-time password: {password}")


@app.command("disable")
def disable(username: str = typer.Argument(...)) -> None:
    """Disable an account (it can no longer sign in; its sessions end)."""
    from web.accounts import AccountError

    try:
        asyncio.run(_with_accounts(lambda a: a.disable(username)))
    except AccountError as exc:
        _fail(exc.message)
    typer.echo(f"disabled {username}")


@app.command("list")
def list_() -> None:
    """Accounts, one a line: name, role, municipalities, state."""
    for a in asyncio.run(_with_accounts(lambda a: a.all())):
        state = "disabled" if a.disabled else "active"
        typer.echo(f"{a.username}\t{a.role.value}\t{','.join(a.municipalities)}\t{state}")
