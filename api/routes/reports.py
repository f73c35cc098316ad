"""Reports (issue 14 point 5, first part): ``GET /reports/{municipality}`` — time to fill
and applicants per channel with the manual's reference figures, computed from the event
log (``views.reports``). JSON, or CSV with ``format=csv`` (``table=campaigns|channels``).
No personal data: the municipality's readers and its region's coordinator may read it.
``GET /reports``: the region — every municipality of the token (a coordinator's region),
or the one of ``municipality``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import StoreDep, allow
from api.routes import listing
from api.routes.common import PROGRESS_READERS, Code
from api.schemas import READ_ERRORS
from ninyo.auth import Principal
from views import reports

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/{municipality}", summary="報告: 充足までの日数・募集経路別の応募者数 (JSON / CSV)",
            response_model=None, responses={**READ_ERRORS, 200: {"content": {"text/csv": {}}}})
async def municipality_report(
    municipality: Code,
    store: StoreDep,
    _: Annotated[Principal, allow(*PROGRESS_READERS, action="read reports", what="report")],
    format: Annotated[Literal["json", "csv"], Query()] = "json",  # noqa: A002
    table: Annotated[Literal["campaigns", "channels"], Query()] = "campaigns",
) -> dict[str, Any] | Response:
    report = await reports.municipality_report(store, municipality, reports.today())
    if format == "csv":
        return Response(reports.to_csv(report, table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="report-{municipality}-{table}.csv"'})
    return report


@router.get("", summary="地域の報告: 団体ごとと地域全体の充足日数・募集経路別の応募者数",
            responses=READ_ERRORS)
async def region_report(principal: listing.Lister, store: StoreDep,
                        municipality: listing.MuniFilter = None) -> dict[str, Any]:
    munis = listing.visible_municipalities(principal, municipality)
    today = reports.today()
    return reports.region_report([await reports.municipality_report(store, m, today)
                                  for m in munis])
