"""`ninyo report ...`: the reports of issue 14 from the event log (``views.reports``).

    ninyo report MUNICIPALITY                          # JSON: time to fill, applicants per channel
    ninyo report MUNICIPALITY --csv campaigns|channels # CSV on stdout
    ninyo report CODE CODE ...                         # a region: each municipality and the sum

The same documents as ``GET /reports/{municipality}`` and ``GET /reports``. No personal data.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import typer

_CODE = re.compile(r"^\d{6}$")


def report(
    municipalities: list[str] = typer.Argument(..., help="municipality codes (6 digits)"),
    csv: str | None = typer.Option(None, "--csv", help="campaigns | channels (one municipality)"),
) -> None:
    """Time to fill and applicants per channel (the manual's 247/615 vs 6 as the reference)."""
    from ninyo import bootstrap
    from views import reports

    bad = [m for m in municipalities if not _CODE.match(m)]
    if bad:
        raise typer.BadParameter(f"not a 6-digit municipality code: {', '.join(bad)}")
    if csv is not None and (csv not in ("campaigns", "channels") or len(municipalities) != 1):
        raise typer.BadParameter("--csv campaigns|channels, for one municipality")

    async def work() -> list[dict[str, Any]]:
        async with bootstrap.runtime(temporal=False) as rt:
            today = reports.today()
            return [await reports.municipality_report(rt.store, m, today) for m in municipalities]

    docs = asyncio.run(work())
    if csv is not None:
        typer.echo(reports.to_csv(docs[0], csv), nl=False)
        return
    doc = docs[0] if len(docs) == 1 else reports.region_report(docs)
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
