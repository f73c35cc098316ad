"""Lists as spreadsheets (issue 15): ``GET /exports/{municipality}/costs``,
``/campaigns`` and ``/campaigns/{campaign_id}/applicants`` (names and contacts only for a
role that may read personal data: officer, auditor; the approver gets the sheet without).

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

from api.deps import StoreDep, allow
from api.errors import ApiError
from api.routes.common import APPLICATION_READERS, PERSONAL_READERS, READERS, Code, Ident
from api.schemas import READ_ERRORS
from ninyo.auth import Principal
from views import lists_io
from views.costs_io import cost_sheet, export_rows
from views.tabular import XLSX_MEDIA_TYPE, Sheet, workbook

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
    responses={**READ_ERRORS, 200: {"content": {XLSX_MEDIA_TYPE: {}}}},
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
    return _answer(request, format, cost_sheet(rows), f"costs-{municipality}")


def _answer(request: Request, fmt: str | None, sheet: Sheet, name: str) -> Response:
    if wants_xlsx(request, fmt):
        return Response(
            workbook([sheet]),
            media_type=XLSX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return JSONResponse(jsonable_encoder(lists_io.sheet_json(sheet)))


@router.get(
    "/{municipality}/campaigns",
    summary="募集の一覧 (.xlsx / JSON)",
    responses={**READ_ERRORS, 200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_campaigns(
    request: Request,
    municipality: Code,
    store: StoreDep,
    _: Principal = allow(*READERS, action="export campaigns"),
    format: Format = None,  # noqa: A002
) -> Response:
    sheet = await lists_io.campaigns_sheet(store, municipality)
    return _answer(request, format, sheet, f"campaigns-{municipality}")


@router.get(
    "/{municipality}/campaigns/{campaign_id}/applicants",
    summary="募集ごとの応募者一覧 (.xlsx / JSON; 個人情報は閲覧できる役割のみ)",
    responses={**READ_ERRORS, 200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_applicants(
    request: Request,
    municipality: Code,
    campaign_id: Ident,
    store: StoreDep,
    principal: Principal = allow(*APPLICATION_READERS, action="export applicants"),
    format: Format = None,  # noqa: A002
) -> Response:
    personal = principal.role in PERSONAL_READERS
    sheet = await lists_io.applicants_sheet(store, municipality, campaign_id, personal=personal)
    if sheet is None:
        raise ApiError(404, "not_found", "not found")
    return _answer(request, format, sheet, f"applicants-{municipality}-{campaign_id}")


@router.get(
    "/{municipality}/appointments",
    summary="任用の一覧 (.xlsx / JSON; 氏名・所属は個人情報を閲覧できる役割のみ)",
    responses={**READ_ERRORS, 200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_appointments(
    request: Request,
    municipality: Code,
    store: StoreDep,
    principal: Principal = allow(*READERS, action="export appointments"),
    format: Format = None,  # noqa: A002
) -> Response:
    personal = principal.role in PERSONAL_READERS
    sheet = await lists_io.appointments_sheet(store, municipality, personal=personal)
    return _answer(request, format, sheet, f"appointments-{municipality}")


@router.get(
    "/{municipality}/claims",
    summary="特別交付税の請求一覧 (.xlsx / JSON)",
    responses={**READ_ERRORS, 200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_claims(
    request: Request,
    municipality: Code,
    store: StoreDep,
    _: Principal = allow(*READERS, action="export claims"),
    format: Format = None,  # noqa: A002
) -> Response:
    sheet = await lists_io.claims_sheet(store, municipality)
    return _answer(request, format, sheet, f"claims-{municipality}")
