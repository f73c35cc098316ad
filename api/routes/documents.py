"""Documents (書類): 募集要項, 誓約書, 内定通知書/不採用通知, 辞令/委嘱状/契約条項, 特別交付税
算定資料, 監査記録 — rendered from the event log as PDF or HTML (``Accept``).

Every answer is an issue: its SHA-256 goes into a ``DocumentIssued`` event (once per
distinct document) and comes back in ``X-Document-SHA256``. Open to the municipality's HR
officers and its auditors (R-SCR-3: the letters and the audit record hold personal data).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import Response

from api.deps import StoreDep, allow
from api.errors import ApiError
from api.schemas import READ_ERRORS
from documents import sources
from documents.render import HTML, PDF
from domain import values
from domain.values import MunicipalityCode
from ninyo.auth import Principal, Role

router = APIRouter(prefix="/documents", tags=["documents"])

Reader = Annotated[Principal, allow(Role.hr_officer, Role.auditor, action="read documents",
                                    what="document")]
Ident = Annotated[values.Ident | None, Query()]
Kind = Literal["posting", "pledge", "offer", "rejection", "appointment_notice", "subsidy", "audit"]


@router.get(
    "/{municipality}/{kind}",
    responses={**READ_ERRORS, 200: {"content": {PDF: {}, HTML: {}},
                                    "description": "the document (PDF or HTML)"}},
)
async def document(
    municipality: Annotated[MunicipalityCode, Path()],
    kind: Kind,
    store: StoreDep,
    principal: Reader,
    campaign: Ident = None,
    application: Ident = None,
    appointment: Ident = None,
    fiscal_year: Annotated[int | None, Query(ge=2019, le=2100)] = None,
    give_reason: Annotated[bool, Query(description="rejection letter: state the reason")] = False,
    accept: Annotated[str, Header()] = PDF,
) -> Response:
    """One document. ``posting``/``audit``: ``campaign``; ``pledge``/``offer``/``rejection``:
    ``campaign`` + ``application`` (pledge also by ``appointment``); ``appointment_notice``:
    ``appointment``; ``subsidy``: ``fiscal_year``. ``Accept: application/pdf`` (default) or
    ``text/html``."""
    media = HTML if ("text/html" in accept and PDF not in accept) else PDF
    subj = sources.Subject(municipality, campaign=campaign, application=application,
                           appointment=appointment, fiscal_year=fiscal_year)
    try:
        doc, position = await sources.build(store, kind, subj, pdf=media == PDF,
                                            give_reason=give_reason)
    except sources.DocumentNotAvailable as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    meta = principal.metadata(municipality)
    sha = await sources.issue(store, doc, subj, media_type=media, source_position=position,
                              actor=meta["actor"], role=meta["role"])
    body = doc.body(media)
    return Response(
        body, media_type=media if media == PDF else "text/html; charset=utf-8",
        headers={"X-Document-SHA256": sha, "ETag": f'"{sha}"', "Cache-Control": "no-store",
                 "Content-Disposition": f'inline; filename="{kind}-{municipality}.{"pdf" if media == PDF else "html"}"'},
    )
