"""``POST /assessments/{subsidy,appointment,bid}`` — the fixed contract of contracts.md.

The same rule engine as ``ninyo assess`` and the workflows: the body is the CLI's input
document, the answer its output document (200 whatever the verdict); invalid input
answers 422 with the CLI's error document ``{"error": {"code": "invalid_input", ...}}``.
Any authenticated role may assess — nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body

from api.deps import PrincipalDep
from api.schemas import error_responses

router = APIRouter(prefix="/assessments", tags=["assessments"])

Document = Annotated[dict[str, Any], Body(description="the input document of contracts.md")]
RESPONSES = error_responses(401, 422)


def _assess(kind: str) -> Callable[[dict], dict]:
    from domain import assessments

    return getattr(assessments, f"assess_{kind}")


@router.post("/subsidy", responses=RESPONSES, summary="R-SUB: special allocation tax measure")
async def assess_subsidy(doc: Document, _: PrincipalDep) -> dict[str, Any]:
    """特別交付税措置の試算 (R-SUB-1..8)."""
    return _assess("subsidy")(doc)


@router.post("/appointment", responses=RESPONSES, summary="R-FORM, R-PLEDGE, R-READY")
async def assess_appointment(doc: Document, _: PrincipalDep) -> dict[str, Any]:
    """任用形態・誓約書・受入準備の確認."""
    return _assess("appointment")(doc)


@router.post("/bid", responses=RESPONSES, summary="R-BID: bid restriction")
async def assess_bid(doc: Document, _: PrincipalDep) -> dict[str, Any]:
    """入札参加制限の判定 (A, B1, B2, C, DA)."""
    return _assess("bid")(doc)
