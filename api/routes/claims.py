"""Special allocation tax claims (特別交付税): the claim workflow's steps
(``subsidy:{m}:{fy}``), each a typed Temporal update followed by the claim's status; its
status and the listing. Approving is for approvers; the other steps for HR officers."""

# no `from __future__ import annotations`: FastAPI reads the endpoints' annotations,
# which name per-action types local to the route factories
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.deps import GatewayDep, allow
from api.gateway import Gateway
from api.routes import listing
from api.routes.common import (
    APPROVER,
    HR_ONLY,
    PROGRESS_READERS,
    Action,
    Code,
    Target,
    command_route,
)
from api.schemas import LIVE_READ_ERRORS, WRITE_ERRORS
from ninyo.auth import Principal, Role
from workflows import ids
from workflows.models import (
    ApproveClaim,
    ClaimView,
    CommandResult,
    DraftClaimNow,
    RecordDecision,
    RecordSubmission,
    RedraftClaim,
)
from workflows.subsidy_claim import SubsidyClaimWorkflow

router = APIRouter(tags=["claims"])


@dataclass(frozen=True)
class ClaimAction:
    model: type[BaseModel]
    update: Callable[..., Any]  # a @workflow.update of SubsidyClaimWorkflow
    path: str
    roles: tuple[Role, ...]
    summary: str

    @property
    def name(self) -> str:
        return self.update.__name__


CLAIM_ACTIONS = [
    ClaimAction(ApproveClaim, SubsidyClaimWorkflow.approve, "/approve", APPROVER,
                "特別交付税の申請を承認する (approver)"),
    ClaimAction(RedraftClaim, SubsidyClaimWorkflow.redraft, "/redraft", HR_ONLY,
                "申請案を作り直す (経費の再集計)"),
    ClaimAction(DraftClaimNow, SubsidyClaimWorkflow.draft_now, "/draft-now", HR_ONLY,
                "精算期間を待たずに申請案を今すぐ作成する"),
    ClaimAction(RecordSubmission, SubsidyClaimWorkflow.record_submission, "/submission", HR_ONLY,
                "申請の提出を記録する"),
    ClaimAction(RecordDecision, SubsidyClaimWorkflow.record_decision, "/decision", HR_ONLY,
                "交付決定を記録する"),
]


class ClaimCommandResponse(BaseModel):
    accepted: CommandResult
    status: ClaimView


FiscalYear = Annotated[int, Path(ge=2000, le=2100, description="fiscal year (start year)")]


def claim(municipality: Code, fiscal_year: FiscalYear) -> Target:
    return Target(ids.claim_id(municipality, fiscal_year))


def _sender(update: Callable[..., Any]) -> Callable:
    async def send(gateway: Gateway, wf: str, cmd: BaseModel) -> ClaimCommandResponse:
        result = await gateway.update(wf, update, cmd)
        return ClaimCommandResponse(accepted=result,
                                    status=await gateway.query(wf, SubsidyClaimWorkflow.status))

    return send


for _c in CLAIM_ACTIONS:
    router.post(f"/claims/{{municipality}}/{{fiscal_year}}{_c.path}",
                response_model=ClaimCommandResponse, responses=WRITE_ERRORS,
                summary=_c.summary, tags=["claims"], operation_id=f"claim_{_c.name}",
                )(command_route(Action(_c.model, _c.path, _c.roles, _c.summary), what="claim",
                                target=claim, send=_sender(_c.update), label=_c.name))


@router.get("/claims/{municipality}/{fiscal_year}", response_model=ClaimView,
            responses=LIVE_READ_ERRORS, tags=["claims"], summary="特別交付税申請の状況")
async def claim_status(municipality: Code, fiscal_year: FiscalYear,
                       _: Annotated[Principal, allow(*PROGRESS_READERS, action="read a claim",
                                                         what="claim")],
                       gateway: GatewayDep) -> ClaimView:
    return await gateway.query(ids.claim_id(municipality, fiscal_year), SubsidyClaimWorkflow.status)


@router.get("/claims", response_model=listing.Listing, responses=LIVE_READ_ERRORS,
            tags=["claims"], summary="特別交付税申請の一覧")
async def list_claims(principal: listing.Lister, gateway: GatewayDep,
                      municipality: listing.MuniFilter = None, stage: listing.StageFilter = None,
                      fiscal_year: listing.FyFilter = None,
                      limit: listing.Limit = 100) -> listing.Listing:
    return await listing.list_workflows(gateway, principal, "SubsidyClaimWorkflow", municipality,
                                        stage, None, fiscal_year, limit)
