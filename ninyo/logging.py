"""structlog, configured once: console renderer on a terminal, JSON lines otherwise.

Context variables (``actor``, ``municipality``, ``workflow_id``) are bound with
:func:`bind_context` and appear on every log line of the task. Personal data of
applicants never goes into logs: log ids, never names or contacts.
"""

from __future__ import annotations

import logging
import sys

import structlog

_configured = False


class _CurrentStderr:
    """Whatever ``sys.stderr`` is at the moment of writing.

    Binding the stream object at configuration time keeps a reference to whatever stream was
    current then — under pytest's capture or typer's CliRunner a temporary one that is closed
    later, after which every log line raised ``ValueError: I/O operation on closed file``.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO", json: bool | None = None) -> None:
    global _configured
    if _configured:
        return
    if json is None:
        json = not sys.stderr.isatty()
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer] if json
        else [*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level.upper(), stream=_CurrentStderr(), format="%(levelname)s %(name)s %(message)s")
    _configured = True


def bind_context(
    *, actor: str | None = None, municipality: str | None = None, workflow_id: str | None = None
) -> None:
    values = {"actor": actor, "municipality": municipality, "workflow_id": workflow_id}
    structlog.contextvars.bind_contextvars(**{k: v for k, v in values.items() if v is not None})


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
