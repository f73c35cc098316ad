"""`ninyo assess ...` (placeholder until its issue lands)."""

import typer

app = typer.Typer(help="assess", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """assess commands."""
