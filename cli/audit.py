"""`ninyo audit ...`: the auditor's tools over the event store (監査).

Reads the store directly (``NINYO_DATABASE_URL``), never Temporal:

    ninyo audit history STREAM [--json]
    ninyo audit as-of STREAM INSTANT          # recruitment:... or appointment:...
    ninyo audit verify [--checkpoint FILE]    # exit 1 when the log was tampered with
    ninyo audit checkpoint [--out FILE]
    ninyo audit export APPOINTMENT --format json|html [--out FILE]

Errors print ``{"error": {"code", "message", "field"}}`` on stderr and exit 2.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="Audit the event store: history, as-of, verify, checkpoint, export.",
                  no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Auditor commands (read-only, except that a checkpoint is signed)."""


def _fail(code: str, message: str, field: str | None = None, exit_code: int = 2,
          params: dict | None = None) -> None:
    from domain import i18n

    typer.echo(json.dumps({"error": i18n.error(code, message, field, params)},
                          ensure_ascii=False), err=True)
    raise typer.Exit(exit_code)


@asynccontextmanager
async def _store():
    from ninyo import bootstrap

    store = await bootstrap.open_store(bootstrap.settings())
    try:
        yield store
    finally:
        await store.close()


def _run(work: Callable[..., Awaitable[Any]], label: str | None = None,
         steps: int | None = None) -> Any:
    """Run ``work(store)``; long operations show a rich progress bar on stderr — with
    ``steps``, ``work(store, advance)`` reports each step (``advance(description)``)."""
    from views import ViewError

    async def main() -> Any:
        async with _store() as store:
            if label is None:
                return await work(store)
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                          TimeElapsedColumn(), console=err, transient=True) as progress:
                task = progress.add_task(label, total=steps)
                started = False

                def advance(description: str) -> None:
                    nonlocal started
                    progress.update(task, description=description, advance=1 if started else 0)
                    started = True

                result = await (work(store, advance) if steps else work(store))
                progress.update(task, total=steps or 1, completed=steps or 1)
                return result

    try:
        return asyncio.run(main())
    except ViewError as exc:
        _fail(exc.code, exc.message, exc.field)


def _dump(value: Any) -> str:
    from fastapi.encoders import jsonable_encoder

    return json.dumps(jsonable_encoder(value), ensure_ascii=False, indent=2)


def _check_stream(stream: str) -> None:
    from views import ViewError
    from views.audit import municipality_of

    try:
        municipality_of(stream)
    except ViewError as exc:
        _fail(exc.code, exc.message, "STREAM")


@app.command("history")
def history(
    stream: str = typer.Argument(..., help="e.g. recruitment:062049:c1"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """A stream's full history: who did what, when, under which rule."""
    from views.audit import stream_history

    _check_stream(stream)
    result = _run(lambda store: stream_history(store, stream))
    if as_json:
        typer.echo(_dump(result))
        return
    from domain import i18n

    table = Table(title=f"{stream}（版 {result['version']}）")
    for col in ("位置", "版", "出来事", "記録日時（日本時間）", "実行者", "役割", "根拠規則"):
        table.add_column(col)
    for e in result["events"]:
        table.add_row(str(e["position"]), str(e["version"]),
                      i18n.label("event_type", e["type"]),
                      i18n.format_datetime(e["recorded_at"]), e["actor"] or "",
                      i18n.label("role", e["role"]) if e["role"] else "",
                      ", ".join(e["rule_codes"]))
    out.print(table)


def _instant(value: str) -> datetime:
    """A date (end of that day, JST) or an instant with a zone (domain.fiscal.parse_as_of)."""
    from domain.fiscal import parse_as_of

    try:
        return parse_as_of(value)
    except ValueError as exc:
        from domain import i18n

        _fail("invalid_input", f"INSTANT: {exc}", "INSTANT",
              params={"detail": i18n.message("as_of_format")})


@app.command("as-of")
def as_of(
    stream: str = typer.Argument(..., help="recruitment:{code}:{campaign} or appointment:{code}:{id}"),
    instant: str = typer.Argument(..., help="a date (2024-05-01 = end of that day, JST) or an "
                                  "instant with a zone, e.g. 2024-05-01T09:00+09:00"),
) -> None:
    """The state of a recruitment or an appointment as it was at INSTANT (replayed)."""
    from views.audit import state_as_of

    _check_stream(stream)
    at = _instant(instant)
    typer.echo(_dump(_run(lambda store: state_as_of(store, stream, at), "replaying")))


@app.command("verify")
def verify(
    checkpoint: Path | None = typer.Option(None, "--checkpoint", exists=True, dir_okay=False,
                                           help="A signed checkpoint (from `checkpoint --out`)."),
) -> None:
    """Re-hash the whole log (and check it extends CHECKPOINT); exit 1 when it does not."""
    cp = None
    if checkpoint is not None:
        from eventstore import Checkpoint

        try:
            cp = Checkpoint(**json.loads(checkpoint.read_text()))
        except (ValueError, TypeError) as exc:
            _fail("invalid_input", f"--checkpoint: not a checkpoint file ({exc})", "checkpoint")

    result = _run(lambda store: store.verify(checkpoint=cp), "verifying the event log")
    typer.echo(_dump({"ok": result.ok, "count": result.count,
                      "head_position": result.head_position, "head_hash": result.head_hash,
                      "first_bad_position": result.first_bad_position, "reason": result.reason}))
    if not result.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint(
    out_file: Path | None = typer.Option(None, "--out", dir_okay=False,
                                         help="Write the checkpoint here (else stdout)."),
) -> None:
    """Sign the head of the log (Ed25519); keep the file off-site."""
    from views.audit import CheckpointModel

    cp = _run(lambda store: store.checkpoint(), "signing a checkpoint")
    text = CheckpointModel.model_validate(cp, from_attributes=True).model_dump_json(indent=2)
    if out_file is None:
        typer.echo(text)
    else:
        out_file.write_text(text + "\n")
        err.print(f"checkpoint at position {cp.position} written to {out_file}")


@app.command("export")
def export(
    appointment: str = typer.Argument(..., help="appointment:{code}:{id}"),
    fmt: str = typer.Option("json", "--format", help="json | html"),
    out_file: Path | None = typer.Option(None, "--out", dir_okay=False),
) -> None:
    """An appointment's complete history as JSON or as a readable HTML report."""
    from domain import streams
    from views.audit import EXPORT_STEPS, export_appointment, render_html

    if fmt not in ("json", "html"):
        _fail("invalid_input", "--format: json or html", "format")
    if streams.kind_of(appointment) != "appointment":
        _fail("invalid_input", "APPOINTMENT: expected appointment:{code}:{id}", "APPOINTMENT")
    _check_stream(appointment)
    report = _run(lambda store, advance: export_appointment(store, appointment, advance),
                  "exporting", steps=EXPORT_STEPS)
    text = render_html(report) if fmt == "html" else _dump(report)
    if out_file is None:
        typer.echo(text)
    else:
        out_file.write_text(text)
        err.print(f"{len(report['events'])} events written to {out_file}")
