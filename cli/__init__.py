"""The ``ninyo`` command (typer + rich)."""
