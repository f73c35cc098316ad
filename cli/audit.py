"""`ninyo audit ...` (placeholder until its issue lands)."""

import typer

app = typer.Typer(help="audit", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """audit commands."""
