"""Lists as spreadsheets (issue 15): ``GET /exports/{municipality}/costs``.

``.xlsx`` (``Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`` or
``?format=xlsx``: Japanese headers, 令和 and Western date cells, yen number cells, text
never run as a formula), else JSON rows with the same columns. Cost records carry no
personal data; readers of the municipality (officer, approver, auditor) may export them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from api.auth import Principal
from api.deps import StoreDep, allow
from api.routes.common import READERS, Code
from views.costs_io import COST_COLUMNS, cost_workbook, export_rows
from views.tabular import XLSX_MEDIA_TYPE

router = APIRouter(prefix="/exports", tags=["exports"])

Format = Annotated[Literal["json", "xlsx"] | None, Query(description="xlsx, or as Accept says")]
AppointmentId = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def wants_xlsx(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "xlsx"
    return XLSX_MEDIA_TYPE in request.headers.get("accept", "")


@router.get(
    "/{municipality}/costs",
    summary="任用経費の一覧 (.xlsx / JSON)",
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_costs(
    request: Request,
    municipality: Code,
    store: StoreDep,
    _: Principal = allow(*READERS, action="export costs"),
    appointment: AppointmentId = None,
    format: Format = None,  # noqa: A002 - the query parameter's name
) -> Response:
    rows = await export_rows(store, municipality, appointment)
    if wants_xlsx(request, format):
        name = f"costs-{municipality}.xlsx"
        return Response(cost_workbook(rows), media_type=XLSX_MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    headers = [c.header for c in COST_COLUMNS]
    return JSONResponse(jsonable_encoder({"columns": headers, "rows": rows}))

