"""`ninyo doc KIND ...`: a document from the event log, as PDF (default) or HTML.

    ninyo doc posting M --campaign c1 --out posting.pdf
    ninyo doc pledge M --campaign c1 --application a1 [--html]
    ninyo doc offer|rejection M --campaign c1 --application a2 [--give-reason]
    ninyo doc appointment_notice M --appointment ap1
    ninyo doc subsidy M --fiscal-year 2025
    ninyo doc audit M --campaign c1

Reads ``NINYO_DATABASE_URL``; records the document's SHA-256 (a ``DocumentIssued``
event, actor ``cli``) and prints it. Exit 1 when the log has nothing to make it from.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from documents.render import HTML, PDF
from documents.sources import KINDS


def doc(
    kind: Annotated[str, typer.Argument(help=" | ".join(KINDS))],
    municipality: Annotated[str, typer.Argument(help="6-digit municipality code")],
    campaign: Annotated[str | None, typer.Option()] = None,
    application: Annotated[str | None, typer.Option()] = None,
    appointment: Annotated[str | None, typer.Option()] = None,
    fiscal_year: Annotated[int | None, typer.Option("--fiscal-year")] = None,
    give_reason: Annotated[bool, typer.Option("--give-reason")] = False,
    html: Annotated[bool, typer.Option("--html", help="HTML instead of PDF")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
) -> None:
    """Render one document (書類) from the event log and record its hash."""
    from cli.audit import _store
    from documents import sources

    media = HTML if html else PDF
    subj = sources.Subject(municipality, campaign=campaign, application=application,
                           appointment=appointment, fiscal_year=fiscal_year)

    async def work() -> tuple[bytes, str, str]:
        async with _store() as store:
            rendered, position = await sources.build(store, kind, subj, pdf=not html,
                                                     give_reason=give_reason)
            sha = await sources.issue(store, rendered, subj, media_type=media,
                                      source_position=position, actor="cli", role="hr_officer")
            return rendered.body(media), sha, rendered.title

    try:
        body, sha, title = asyncio.run(work())
    except sources.DocumentNotAvailable as exc:
        typer.echo(json.dumps({"error": {"code": "not_found", "message": str(exc),
                                         "field": kind}}, ensure_ascii=False), err=True)
        raise typer.Exit(1) from None
    target = out or Path(f"{kind}-{municipality}.{'html' if html else 'pdf'}")
    target.write_bytes(body)
    typer.echo(json.dumps({"file": str(target), "title": title, "sha256": sha,
                           "media_type": media}, ensure_ascii=False))
