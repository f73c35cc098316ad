"""Read views over the event store, shared by the HTTP API, the CLI and the screens.

They read the store only (never Temporal) and fold with the domain's own folds. A refusal
is a :class:`ViewError`; each front end renders it its own way (HTTP status / exit code).
"""

from __future__ import annotations


class ViewError(Exception):
    """A view refused: ``status`` (HTTP-like: 404, 422), machine ``code``, ``field``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
