"""`ninyo db upgrade`: create or migrate the event store schema (alembic)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Database schema (alembic migrations).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Database commands."""


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply the event store's migrations up to REVISION (default: head)."""
    from eventstore.migrate import upgrade as do_upgrade
    from ninyo.settings import get_settings

    url = get_settings().database_url
    do_upgrade(url, revision)
    typer.echo(f"event store schema at {revision}")
