"""`ninyo token ...` (placeholder until its issue lands)."""

import typer

app = typer.Typer(help="token", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """token commands."""
