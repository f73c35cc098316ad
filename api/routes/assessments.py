"""``POST /assessments/{subsidy,appointment,bid}`` — the fixed contract of contracts.md.

The same rule engine as ``ninyo assess`` and the workflows, called the same way: the body
is read as raw JSON and handed to ``domain.assessments.assess_*`` unchanged, so the
answer is the CLI's stdout document (200, whatever the verdict) and invalid input the
CLI's stderr document ``{"error": {"code": "invalid_input", "message", "field"}}`` with
422 — byte for byte the same judgement, no FastAPI coercion in between. The OpenAPI
schema of each body is the domain's own input model (``Assess*`` components).
Any authenticated role may assess — nothing is written.
``POST /assessments/shares`` (issue 14, R-SHARE; not part of contracts.md) splits a joint
appointment's costs and assesses each member's claim on its own shares through the
subsidy contract; an R-SHARE refusal answers 409 with its rule code.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import PrincipalDep
from api.schemas import error_responses

router = APIRouter(prefix="/assessments", tags=["assessments"])

RESPONSES = error_responses(401, 422)
PREFIX = "Assess"


def _input_models() -> dict[str, type]:
    from domain.assessments import AppointmentInput, SubsidyInput
    from domain.bid_restriction import BidCase
    from domain.sharing import SharesInput

    return {"subsidy": SubsidyInput, "appointment": AppointmentInput, "bid": BidCase,
            "shares": SharesInput}


def openapi_components() -> dict[str, Any]:
    """JSON schemas of the domain's input models, for ``components.schemas``."""
    out: dict[str, Any] = {}
    for model in _input_models().values():
        schema = model.model_json_schema(ref_template=f"#/components/schemas/{PREFIX}{{model}}")
        for name, sub in schema.pop("$defs", {}).items():
            out[f"{PREFIX}{name}"] = sub
        out[f"{PREFIX}{model.__name__}"] = schema
    return out


def _body_spec(kind: str) -> dict[str, Any]:
    name = f"{PREFIX}{_input_models()[kind].__name__}"
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}}


async def _document(request: Request) -> Any:
    from domain.assessments import decode_document

    return decode_document(await request.body())


async def _assess(kind: str, request: Request) -> dict[str, Any]:
    from domain.assessments import ASSESSORS

    return ASSESSORS[kind](await _document(request))


@router.post("/subsidy", responses=RESPONSES, openapi_extra=_body_spec("subsidy"),
             summary="R-SUB: special allocation tax measure")
async def assess_subsidy(request: Request, _: PrincipalDep) -> dict[str, Any]:
    """特別交付税措置の試算 (R-SUB-1..8)."""
    return await _assess("subsidy", request)


@router.post("/appointment", responses=RESPONSES, openapi_extra=_body_spec("appointment"),
             summary="R-FORM, R-PLEDGE, R-READY")
async def assess_appointment(request: Request, _: PrincipalDep) -> dict[str, Any]:
    """任用形態・誓約書・受入準備の確認."""
    return await _assess("appointment", request)


@router.post("/bid", responses=RESPONSES, openapi_extra=_body_spec("bid"),
             summary="R-BID: bid restriction")
async def assess_bid(request: Request, _: PrincipalDep) -> dict[str, Any]:
    """入札参加制限の判定 (A, B1, B2, C, DA)."""
    return await _assess("bid", request)


@router.post("/shares", responses=error_responses(401, 409, 422), openapi_extra=_body_spec("shares"),
             summary="R-SHARE: a joint appointment's shares and each member's claim")
async def assess_shares(request: Request, _: PrincipalDep) -> dict[str, Any]:
    """共同任用の経費負担の按分と団体ごとの措置額の試算 (R-SHARE, R-SUB)."""
    from domain.sharing import assess_shares as assess

    return assess(await _document(request))
