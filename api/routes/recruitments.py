"""Recruitment campaigns and their applications: every officer and approver action is a
typed Temporal update of the campaign's workflow (``recruitment:{m}:{campaign}``).

Answers:

- 200 ``{"accepted": {events, stage, version}, "status": <live status>}`` (both from the
  update ``command_view``, no second round trip);
- 409 with the rule code when the update validator (the domain's decide) refuses —
  nothing was written;
- 422 naming the field for malformed input; 404 for unknown or another municipality's;
  403 when the role may not (approver-only actions: ApproveRole, ReturnRole, ApproveOffer,
  Appoint — the same split ``domain.recruitment`` enforces).

``POST /recruitments`` starts a campaign; the posting document is rendered from the
event store.
"""

# no `from __future__ import annotations`: FastAPI reads the endpoints' annotations,
# which name per-action types local to the route factories
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.deps import GatewayDep, StoreDep, allow
from api.errors import ApiError, invalid_input
from api.gateway import Gateway
from api.routes import listing
from api.routes.common import (
    APPLICATION_READERS,
    APPROVER,
    OFFICER,
    PROGRESS_READERS,
    Action,
    Code,
    Ident,
    Target,
    build_command,
    command_route,
    operation_id,
    request_model,
)
from api.schemas import LIVE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS
from domain import commands as c
from domain.i18n import message
from domain.values import municipality_code_problem
from ninyo.auth import Principal
from workflows import ids
from workflows.models import CampaignInput, CampaignView, CommandResult, Contacts
from workflows.recruitment import RecruitmentWorkflow

router = APIRouter(tags=["recruitment"])


class CampaignCommandResponse(BaseModel):
    accepted: CommandResult
    status: CampaignView


class PostingDocument(BaseModel):
    campaign: str
    markdown: str
    html: str
    sha256: str


CAMPAIGN_ACTIONS = [
    Action(c.SubmitRoleForApproval, "/submit", OFFICER, "募集する役割を承認申請する"),
    Action(c.ReturnRole, "/return", APPROVER, "役割定義を差し戻す (approver)"),
    Action(c.ApproveRole, "/approve", APPROVER, "役割定義を承認する (approver, R-POST-1)"),
    Action(c.PublishPosting, "/posting", OFFICER, "募集を公開する (R-POST-2, R-POST-4)"),
    Action(c.ExtendPostingDeadline, "/deadline", OFFICER, "応募締切を延長する"),
    Action(c.ClosePosting, "/close-posting", OFFICER, "募集を締め切る"),
    Action(c.Repost, "/repost", OFFICER, "再募集する"),
    Action(c.CloseCampaign, "/close", OFFICER, "採用なしで終了する"),
    Action(c.CancelCampaign, "/cancel", OFFICER, "募集を中止する"),
    Action(c.CloseOutApplicants, "/close-out", OFFICER,
           "任用後・終了後に残りの応募者をまとめて不採用にする (R-SCR-3)"),
    Action(c.ReceiveApplication, "/applications", OFFICER, "応募を受け付ける (R-SCR-4)"),
    Action(c.ConfirmReadinessItem, "/readiness", OFFICER, "受入準備を確認する (R-READY)"),
    Action(c.RecordCost, "/costs", OFFICER, "募集経費を記録する (R-SUB-4, R-SUB-6)"),
]
APPLICATION_ACTIONS = [
    Action(c.WithdrawApplication, "/withdraw", OFFICER, "応募の辞退を記録する"),
    Action(c.ScreenDocuments, "/screening", OFFICER, "書類選考 (R-SCR-1)"),
    Action(c.ScheduleInterview, "/interviews", OFFICER, "面接を設定する"),
    Action(c.RecordInterview, "/interview-records", OFFICER, "面接結果を記録する (R-SCR-2)"),
    Action(c.ShortlistApplicant, "/shortlist", OFFICER, "候補者に選ぶ"),
    Action(c.RejectApplicant, "/reject", OFFICER, "不採用にする (R-SCR-3: 理由必須)"),
    Action(c.ApproveOffer, "/offer-approval", APPROVER, "内定を承認する (approver, R-FORM)"),
    Action(c.MakeOffer, "/offer", OFFICER, "内定を通知する"),
    Action(c.RecordOfferAccepted, "/offer-accepted", OFFICER, "内定受諾を記録する (R-PLEDGE-1/2)"),
    Action(c.RecordOfferDeclined, "/offer-declined", OFFICER, "内定辞退を記録する"),
    Action(c.LapseOffer, "/offer-revocation", OFFICER, "内定を取り消す"),
    Action(c.SignPledge, "/pledges", OFFICER, "誓約書の署名を記録する (R-PLEDGE)"),
    Action(c.Appoint, "/appoint", APPROVER, "任用する (approver, R-PLEDGE-3, R-FORM)"),
]


async def send(gateway: Gateway, wf: str, cmd: BaseModel) -> CampaignCommandResponse:
    """The update ``command_view`` answers with the status right after the command: one
    round trip instead of the update and a ``status`` query."""
    reply = await gateway.update(wf, RecruitmentWorkflow.command_view, cmd)
    return CampaignCommandResponse(accepted=reply.accepted, status=reply.status)


def campaign(municipality: Code, campaign_id: Ident) -> Target:
    return Target(ids.campaign_id(municipality, campaign_id))


def application(municipality: Code, campaign_id: Ident, application_id: Ident) -> Target:
    return Target(ids.campaign_id(municipality, campaign_id), {"application_id": application_id})


for _a in CAMPAIGN_ACTIONS:
    router.post(f"/recruitments/{{municipality}}/{{campaign_id}}{_a.path}",
                response_model=CampaignCommandResponse, responses=WRITE_ERRORS,
                summary=_a.summary, tags=["recruitment"],
                operation_id=operation_id("campaign", _a.command),
                )(command_route(_a, what="campaign", target=campaign, send=send))
for _a in APPLICATION_ACTIONS:
    router.post(
        f"/recruitments/{{municipality}}/{{campaign_id}}/applications/{{application_id}}{_a.path}",
        response_model=CampaignCommandResponse, responses=WRITE_ERRORS, summary=_a.summary,
        tags=["applications"], operation_id=operation_id("application", _a.command),
    )(command_route(_a, what="campaign", target=application, send=send, drop=("application_id",)))


# ---------------------------------------------------------------- start a campaign


class DefineRoleRequest(request_model(c.DefineRole)):  # type: ignore[misc]
    """HR officer: define the role of a new campaign (R-POST-1); starts its workflow."""

    contacts: Contacts = Field(default_factory=Contacts,
                               description="officers' mailboxes for reminders")


@router.post("/recruitments", status_code=201, response_model=CampaignView,
             responses=WRITE_ERRORS, tags=["recruitment"], summary="募集を開始する (役割定義)")
async def start_campaign(
    body: DefineRoleRequest,
    principal: Annotated[Principal, allow(*OFFICER, action="DefineRole")],
    gateway: GatewayDep,
) -> CampaignView:
    code = body.municipality.code
    if code is None:
        raise ApiError(422, "invalid_input", "municipality.code: required to start a campaign",
                       "municipality.code")
    problem = municipality_code_problem(code)
    if problem:
        raise invalid_input([{"loc": ("municipality", "code"), "type": problem,
                              "msg": message(problem)}])
    principal.require_municipality(code, "municipality")
    cmd = build_command(c.DefineRole, principal, body.model_dump(exclude={"contacts"}))
    # the workflow decides DefineRole (a refusal -> 409) and answers once RoleDefined is written
    reply = await gateway.start_campaign(CampaignInput(define=cmd, contacts=body.contacts))
    return reply.status


# ---------------------------------------------------------------- reads


@router.get("/recruitments/{municipality}/{campaign_id}", response_model=CampaignView,
            responses=LIVE_READ_ERRORS, tags=["recruitment"], summary="募集の現在の状況")
async def campaign_status(
    municipality: Code, campaign_id: Ident,
    _: Annotated[Principal, allow(*PROGRESS_READERS, action="read a campaign", what="campaign")],
    gateway: GatewayDep,
) -> CampaignView:
    view = await gateway.query(ids.campaign_id(municipality, campaign_id),
                               RecruitmentWorkflow.status)
    if view.version == 0:  # its role definition was refused (or is not written yet)
        raise ApiError(404, "not_found", "campaign not found")
    return view


@router.get("/recruitments/{municipality}/{campaign_id}/applications/{application_id}",
            responses=LIVE_READ_ERRORS, tags=["applications"],
            summary="応募の状況と面接記録 (個人情報: 人事担当・承認者・監査, R-SCR-3)")
async def application_status(
    municipality: Code, campaign_id: Ident, application_id: Ident,
    _: Annotated[Principal, allow(*APPLICATION_READERS, action="read an application",
                                  what="campaign")],
    gateway: GatewayDep,
) -> dict[str, Any]:
    from workflows.models import ApplicationQuery

    state = await gateway.query(ids.campaign_id(municipality, campaign_id),
                                RecruitmentWorkflow.application,
                                ApplicationQuery(application_id=application_id))
    if state is None:
        raise ApiError(404, "not_found", "application not found")
    return state.model_dump(mode="json")


@router.get("/recruitments/{municipality}/{campaign_id}/posting", response_model=None,
            responses={**READ_ERRORS, 200: {
                "model": PostingDocument, "content": {"text/html": {}},
                "description": "the posting (JSON, or HTML with format=html)"}},
            tags=["recruitment"], summary="募集要項 (標準募集様式)")
async def posting_document(municipality: Code, campaign_id: Ident,
                           _: Annotated[Principal, allow(*PROGRESS_READERS, action="read a posting",
                                                         what="campaign")],
                           store: StoreDep,
                           format: Annotated[Literal["json", "html"], Query()] = "json",
                           ) -> PostingDocument | HTMLResponse:
    """The published posting in the standard recruitment format, rendered from the log."""
    from activities.documents import render_posting
    from activities.models import RenderPostingInput
    from views.records import campaign_state

    wf = ids.campaign_id(municipality, campaign_id)
    state = await campaign_state(store, wf)
    if state is None:
        raise ApiError(404, "not_found", "campaign not found")
    if state.posting is None:
        raise ApiError(404, "not_found", "this campaign has no published posting yet")
    doc, _ = render_posting(
        RenderPostingInput(role=state.posting.role, details=state.posting.details), pdf=False)
    if format == "html":
        return HTMLResponse(doc.html)
    return PostingDocument(campaign=wf, markdown=doc.markdown, html=doc.html, sha256=doc.sha256)


@router.get("/recruitments", response_model=listing.Listing, responses=LIVE_READ_ERRORS,
            tags=["recruitment"], summary="募集の一覧 (団体・段階・人材像・年度で絞り込み)")
async def list_campaigns(principal: listing.Lister, gateway: GatewayDep,
                         municipality: listing.MuniFilter = None,
                         stage: listing.StageFilter = None,
                         persona: listing.PersonaFilter = None,
                         fiscal_year: listing.FyFilter = None,
                         limit: listing.Limit = 100) -> listing.Listing:
    return await listing.list_workflows(gateway, principal, "RecruitmentWorkflow", municipality,
                                        stage, persona, fiscal_year, limit)
