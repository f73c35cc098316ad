"""Auditor endpoints (監査): history, state "as of", verification, checkpoints, export.

They read the event store, never Temporal. Scope: history, as-of and export serve the
token's municipalities only (another municipality's streams answer 404); they are open
to auditors and to the municipality's HR officers (R-SCR-3: personal data is visible to
both). ``verify`` and ``checkpoint`` concern the whole log (hashes and counts only) and
are for auditors and admins.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import StoreDep, allow
from api.errors import invalid_input
from api.schemas import (
    READ_ERRORS,
    AsOfState,
    CheckpointModel,
    StreamHistory,
    VerifyRequest,
    VerifyResponse,
    error_responses,
)
from domain import streams, values
from domain.fiscal import as_of_or_refuse
from domain.values import MunicipalityCode
from ninyo.auth import Principal, Role
from views import audit as audit_views

router = APIRouter(prefix="/audit", tags=["audit"])

READERS = (Role.auditor, Role.hr_officer)
LOG_KEEPERS = (Role.auditor, Role.admin)

StreamId = Annotated[
    str,
    Path(description="e.g. recruitment:062049:c1 or appointment:062049:a1",
         pattern=r"^(recruitment|application|appointment|subsidy):[0-9]{6}:[A-Za-z0-9_:-]{1,200}$"),
]
Code = Annotated[MunicipalityCode, Path(description="municipality code")]
Ident = Annotated[values.Ident, Path()]


def _stream_municipality(params: dict[str, str]) -> str | None:
    if "stream_id" in params:
        return audit_views.municipality_of(params["stream_id"])
    return params.get("municipality")


Reader = Annotated[Principal, allow(*READERS, action="read audit history", what="stream",
                                    municipality_of=_stream_municipality)]
LogKeeper = Annotated[Principal, allow(*LOG_KEEPERS, action="verify or sign the event log")]


@router.get("/streams/{stream_id}/history", response_model=StreamHistory, responses=READ_ERRORS)
async def history(stream_id: StreamId, store: StoreDep, _: Reader) -> dict:
    """A stream's full history: who did what, when, under which rule."""
    return await audit_views.stream_history(store, stream_id)


@router.get("/streams/{stream_id}/as-of", response_model=AsOfState, responses=READ_ERRORS)
async def as_of(
    stream_id: StreamId,
    at: Annotated[str, Query(description=(
        "a date (2026-11-30 = the end of that day, Japan time) or an instant with a zone "
        "(2026-11-30T12:00:00+09:00, or Z)"))],
    store: StoreDep,
    _: Reader,
) -> dict:
    """A recruitment's or an appointment's state as it was at ``at`` (replayed from the log)."""
    try:  # a read may look far ahead; what no database can compare is refused (not a 500)
        when = as_of_or_refuse(at, "at")
        if not 1 < when.astimezone(UTC).year < 9999:
            raise OverflowError
    except OverflowError:  # e.g. "9999-12-31": its end is past datetime's range
        p = values.date_out_of_window("at")
        raise invalid_input([{"loc": ("query", "at"), "type": p.code, "msg": p.message,
                              "ctx": p.params}]) from None
    return await audit_views.state_as_of(store, stream_id, when)


@router.post("/verify", response_model=VerifyResponse, responses=error_responses(401, 403, 422))
async def verify(
    store: StoreDep,
    _: LogKeeper,
    body: Annotated[VerifyRequest | None, Body()] = None,
) -> dict:
    """Re-hash the whole log; with a signed checkpoint, also prove the log extends it."""
    checkpoint = None
    if body is not None and body.checkpoint is not None:
        from eventstore import Checkpoint

        checkpoint = Checkpoint(**body.checkpoint.model_dump())
    result = await store.verify(checkpoint=checkpoint)
    return {
        "ok": result.ok, "count": result.count, "head_position": result.head_position,
        "head_hash": result.head_hash, "first_bad_position": result.first_bad_position,
        "reason": result.reason,
    }


@router.post("/checkpoint", response_model=CheckpointModel, responses=error_responses(401, 403))
async def checkpoint(store: StoreDep, _: LogKeeper) -> dict:
    """Sign the log's head (Ed25519); keep the answer off-site and verify against it later."""
    cp = await store.checkpoint()
    return CheckpointModel.model_validate(cp, from_attributes=True).model_dump()


@router.get(
    "/appointments/{municipality}/{appointment_id}/export",
    responses={**READ_ERRORS, 200: {"content": {"application/json": {}, "text/html": {}},
                                    "description": "the complete history, JSON or HTML"}},
)
async def export(
    municipality: Code,
    appointment_id: Ident,
    store: StoreDep,
    _: Reader,
    format: Annotated[Literal["json", "html"], Query()] = "json",
):
    """An appointment's complete history as JSON or as a readable HTML report (日本語)."""
    stream_id = streams.appointment(municipality, appointment_id)
    report = await audit_views.export_appointment(store, stream_id)
    if format == "html":
        return HTMLResponse(audit_views.render_html(report))
    return JSONResponse(jsonable_encoder(report))
