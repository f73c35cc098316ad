"""Every officer and approver action of the lifecycle, each one a Temporal workflow update.

A command is the domain's own model (``domain.commands``); the request body is that model
without ``actor`` and ``kind`` (and without the ids the path already names), unknown
fields refused. The API fills ``actor`` from the token (``Actor(id=sub, role=role)``) —
the workflow records it as ``actor``/``role`` in the metadata of every event it appends —
and sends the update ``command`` to the workflow whose id is the stream id
(``recruitment:{m}:{campaign}``, ``appointment:{m}:{id}``). Answers:

- 200 ``{"accepted": {events, stage, version}, "status": <live status>}`` (campaigns and
  appointments: both from the update ``command_view``, no second round trip);
- 409 with the rule code when the update validator (the domain's decide) refuses —
  nothing was written;
- 422 naming the field for malformed input; 404 for unknown or another municipality's;
  403 when the role may not (approver-only actions: ApproveRole, ReturnRole, ApproveOffer,
  Appoint, RenewTerm — the same split ``domain.recruitment`` enforces).

Listings query Temporal's visibility store by search attributes (municipality, stage,
persona, fiscal year); the posting document is rendered from the event store.
"""

import asyncio
import copy
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.auth import Principal, Role
from api.deps import ClientDep, StoreDep, allow
from api.errors import ApiError, invalid_input
from api.schemas import LIVE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS
from domain import commands as c
from workflows import ids
from workflows.client import rule_violation
from workflows.client import start_campaign as start_campaign_workflow
from workflows.models import (
    AppointmentReply,
    AppointmentView,
    ApproveClaim,
    CampaignInput,
    CampaignReply,
    CampaignView,
    ClaimView,
    CommandResult,
    Contacts,
    RecordDecision,
    RecordSubmission,
    RedraftClaim,
)

router = APIRouter(tags=["lifecycle"])

OFFICER = (Role.hr_officer, Role.approver)  # the domain lets either issue these
APPROVER = (Role.approver,)  # approver-only (domain: AUTH-ROLE for anyone else)
HR_ONLY = (Role.hr_officer,)  # claim steps the claim workflow reserves to HR officers
READERS = (Role.hr_officer, Role.approver, Role.auditor)
PERSONAL_READERS = (Role.hr_officer, Role.auditor)  # R-SCR-3

Code = Annotated[str, Path(pattern=r"^\d{6}$", description="municipality code (6 digits)")]
Ident = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


# ---------------------------------------------------------------- models


class CampaignCommandResponse(BaseModel):
    accepted: CommandResult
    status: CampaignView


class AppointmentCommandResponse(BaseModel):
    accepted: CommandResult
    status: AppointmentView


class WorkflowSummary(BaseModel):
    workflow_id: str
    type: str
    municipality: str | None
    prefecture: str | None
    stage: str | None
    persona: str | None
    fiscal_year: int | None
    status: str
    started_at: datetime | None


class Listing(BaseModel):
    items: list[WorkflowSummary]


class PostingDocument(BaseModel):
    campaign: str
    markdown: str
    html: str
    sha256: str


class NotificationItem(BaseModel):
    notification_id: str
    created_at: datetime
    recipient: str
    subject: str
    body: str
    kind: str
    municipality: str
    workflow_id: str
    sent_at: datetime | None


class NotificationList(BaseModel):
    items: list[NotificationItem]


def request_model(command: type[BaseModel], drop: tuple[str, ...] = ()) -> type[BaseModel]:
    """The command's body as a request: no ``actor``/``kind``/path ids, unknown fields refused."""
    fields: dict[str, Any] = {
        name: (info.annotation, copy.copy(info))
        for name, info in command.model_fields.items()
        if name not in ("actor", "kind", *drop)
    }
    return create_model(
        f"{command.__name__}Request",
        __config__=ConfigDict(extra="forbid"),
        __doc__=command.__doc__,
        **fields,
    )


def body_default(model: type[BaseModel]) -> Any:
    """A body whose fields are all optional may be left out (``None``); else it is required."""
    return None if not any(f.is_required() for f in model.model_fields.values()) else ...


def build_command(command: type[c.Command], principal: Principal, data: dict[str, Any],
                  **ids_: Any) -> c.Command:
    try:
        return command.model_validate({
            **data, **ids_, "actor": {"id": principal.sub, "role": principal.role.value},
        })
    except ValidationError as exc:  # every bad field at once (issue 11 point 6)
        raise invalid_input(list(exc.errors())) from None


# ---------------------------------------------------------------- Temporal calls


def _rpc_error(exc: RPCError) -> ApiError:
    if exc.status == RPCStatusCode.NOT_FOUND:
        if "completed" in exc.message.lower():
            return ApiError(409, "STATE-WORKFLOW-CLOSED", "this process has already ended")
        return ApiError(404, "not_found", "not found")
    if exc.status == RPCStatusCode.RESOURCE_EXHAUSTED:
        return ApiError(429, "busy", f"Temporal is busy, retry later ({exc.message})")
    if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return ApiError(503, "temporal_unavailable",
                        f"the Temporal frontend is unreachable ({exc.status.name}: {exc.message})")
    return ApiError(502, "temporal_error",
                    f"Temporal refused the call ({exc.status.name}: {exc.message})")


# Backpressure and blips: RESOURCE_EXHAUSTED is Temporal's per-workflow limit on in-flight
# updates (many clients acting on one campaign at once); the update id makes a retry safe
# (Temporal deduplicates updates by id), so these are retried for a while.
TRANSIENT = (RPCStatusCode.RESOURCE_EXHAUSTED, RPCStatusCode.UNAVAILABLE,
             RPCStatusCode.DEADLINE_EXCEEDED)
RETRY_FOR = 20.0  # seconds


async def _retrying(call: Callable[[], Any]) -> Any:
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + RETRY_FOR, 0.05
    while True:
        try:
            return await call()
        except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
            transient = not isinstance(exc, RPCError) or exc.status in TRANSIENT
            if not transient or loop.time() + delay > deadline:
                raise
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 1.0)


async def send_command(client: Client, workflow_id: str, cmd: BaseModel,
                       update: str = "command", result_type: type = CommandResult) -> Any:
    """Send a command as an update; a refusal comes back as the domain's RuleViolation."""
    handle = client.get_workflow_handle(workflow_id)
    update_id = str(uuid.uuid4())  # one per request: retries below are deduplicated
    try:
        return await _retrying(lambda: handle.execute_update(
            update, cmd, id=update_id, result_type=result_type))
    except WorkflowUpdateFailedError as exc:
        violation = rule_violation(exc)
        if violation is None:
            raise ApiError(409, "update_failed", str(exc.cause or exc)) from None
        raise violation from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise ApiError(503, "temporal_timeout", "the workflow did not answer in time") from None
    except RPCError as exc:
        raise _rpc_error(exc) from None


async def query_status(client: Client, workflow_id: str, result_type: type) -> Any:
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await _retrying(lambda: handle.query("status", result_type=result_type))
    except RPCError as exc:
        raise _rpc_error(exc) from None


# ---------------------------------------------------------------- action table


@dataclass(frozen=True)
class Action:
    command: type[c.Command]
    path: str  # under the scope's base path
    roles: tuple[Role, ...]
    summary: str


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
APPOINTMENT_ACTIONS = [
    Action(c.ConfirmReadinessItem, "/readiness", OFFICER, "受入準備・活動状況を確認する (R-READY)"),
    Action(c.RecordCost, "/costs", OFFICER, "任用経費を記録する (R-SUB-3, R-SUB-6)"),
    Action(c.RenewTerm, "/renew", APPROVER, "任期を更新する (approver, R-FORM)"),
    Action(c.EndTerm, "/end", OFFICER, "任用を終了する"),
]


def _data(body: BaseModel | None) -> dict[str, Any]:
    return body.model_dump() if body is not None else {}


def _operation_id(prefix: str, command: type) -> str:
    return f"{prefix}_{command.__name__}"


async def _campaign_command(client: Client, wf: str, cmd: BaseModel) -> CampaignCommandResponse:
    """The update ``command_view`` answers with the status right after the command: one
    round trip instead of the update and a ``status`` query."""
    reply = await send_command(client, wf, cmd, update="command_view", result_type=CampaignReply)
    return CampaignCommandResponse(accepted=reply.accepted, status=reply.status)


def _campaign_route(action: Action) -> Callable:
    Body = request_model(action.command)
    Actor = Annotated[Principal, allow(*action.roles, action=action.command.__name__,
                                       what="campaign")]

    async def endpoint(municipality: Code, campaign_id: Ident,
                       principal: Actor, client: ClientDep,  # type: ignore[valid-type]
                       body: Body = body_default(Body),  # type: ignore[valid-type]
                       ) -> CampaignCommandResponse:
        wf = ids.campaign_id(municipality, campaign_id)
        return await _campaign_command(
            client, wf, build_command(action.command, principal, _data(body)))

    return endpoint


def _application_route(action: Action) -> Callable:
    Body = request_model(action.command, drop=("application_id",))
    Actor = Annotated[Principal, allow(*action.roles, action=action.command.__name__,
                                       what="campaign")]

    async def endpoint(municipality: Code, campaign_id: Ident, application_id: Ident,
                       principal: Actor, client: ClientDep,  # type: ignore[valid-type]
                       body: Body = body_default(Body),  # type: ignore[valid-type]
                       ) -> CampaignCommandResponse:
        wf = ids.campaign_id(municipality, campaign_id)
        cmd = build_command(action.command, principal, _data(body), application_id=application_id)
        return await _campaign_command(client, wf, cmd)

    return endpoint


def _appointment_route(action: Action) -> Callable:
    Body = request_model(action.command)
    Actor = Annotated[Principal, allow(*action.roles, action=action.command.__name__,
                                       what="appointment")]

    async def endpoint(municipality: Code, appointment_id: Ident,
                       principal: Actor, client: ClientDep,  # type: ignore[valid-type]
                       body: Body = body_default(Body),  # type: ignore[valid-type]
                       ) -> AppointmentCommandResponse:
        wf = ids.appointment_id(municipality, appointment_id)
        reply = await send_command(client, wf, build_command(action.command, principal, _data(body)),
                                   update="command_view", result_type=AppointmentReply)
        return AppointmentCommandResponse(accepted=reply.accepted, status=reply.status)

    return endpoint


for _a in CAMPAIGN_ACTIONS:
    router.post(f"/recruitments/{{municipality}}/{{campaign_id}}{_a.path}",
                response_model=CampaignCommandResponse, responses=WRITE_ERRORS,
                summary=_a.summary, tags=["recruitment"],
                operation_id=_operation_id("campaign", _a.command))(_campaign_route(_a))
for _a in APPLICATION_ACTIONS:
    router.post(
        f"/recruitments/{{municipality}}/{{campaign_id}}/applications/{{application_id}}{_a.path}",
        response_model=CampaignCommandResponse, responses=WRITE_ERRORS, summary=_a.summary,
        tags=["applications"], operation_id=_operation_id("application", _a.command),
    )(_application_route(_a))
for _a in APPOINTMENT_ACTIONS:
    router.post(f"/appointments/{{municipality}}/{{appointment_id}}{_a.path}",
                response_model=AppointmentCommandResponse, responses=WRITE_ERRORS,
                summary=_a.summary, tags=["appointments"],
                operation_id=_operation_id("appointment", _a.command))(_appointment_route(_a))


# ---------------------------------------------------------------- subsidy claims


@dataclass(frozen=True)
class ClaimAction:
    model: type[BaseModel]
    update: str
    path: str
    roles: tuple[Role, ...]
    summary: str


CLAIM_ACTIONS = [
    ClaimAction(ApproveClaim, "approve", "/approve", APPROVER, "特別交付税の申請を承認する (approver)"),
    ClaimAction(RedraftClaim, "redraft", "/redraft", HR_ONLY, "申請案を作り直す (経費の再集計)"),
    ClaimAction(RecordSubmission, "record_submission", "/submission", HR_ONLY, "申請の提出を記録する"),
    ClaimAction(RecordDecision, "record_decision", "/decision", HR_ONLY, "交付決定を記録する"),
]


class ClaimCommandResponse(BaseModel):
    accepted: CommandResult
    status: ClaimView


FiscalYear = Annotated[int, Path(ge=2000, le=2100, description="fiscal year (start year)")]


def _claim_route(action: ClaimAction) -> Callable:
    Body = request_model(action.model)
    Actor = Annotated[Principal, allow(*action.roles, action=action.update, what="claim")]

    async def endpoint(municipality: Code, fiscal_year: FiscalYear,
                       principal: Actor, client: ClientDep,  # type: ignore[valid-type]
                       body: Body = body_default(Body),  # type: ignore[valid-type]
                       ) -> ClaimCommandResponse:
        wf = ids.claim_id(municipality, fiscal_year)
        cmd = build_command(action.model, principal, _data(body))  # type: ignore[arg-type]
        result = await send_command(client, wf, cmd, update=action.update)
        return ClaimCommandResponse(accepted=result,
                                    status=await query_status(client, wf, ClaimView))

    return endpoint


for _c in CLAIM_ACTIONS:
    router.post(f"/claims/{{municipality}}/{{fiscal_year}}{_c.path}",
                response_model=ClaimCommandResponse, responses=WRITE_ERRORS,
                summary=_c.summary, tags=["claims"],
                operation_id=f"claim_{_c.update}")(_claim_route(_c))


@router.get("/claims/{municipality}/{fiscal_year}", response_model=ClaimView,
            responses=LIVE_READ_ERRORS, tags=["claims"], summary="特別交付税申請の状況")
async def claim_status(municipality: Code, fiscal_year: FiscalYear,
                       _: Annotated[Principal, allow(*READERS, action="read a claim", what="claim")],
                       client: ClientDep) -> ClaimView:
    return await query_status(client, ids.claim_id(municipality, fiscal_year), ClaimView)


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
    client: ClientDep,
    store: StoreDep,
) -> CampaignView:
    from domain.recruitment import decide
    from domain.state import RecruitmentState

    code = body.municipality.code
    if code is None:
        raise ApiError(422, "invalid_input", "municipality.code: required to start a campaign",
                       "municipality.code")
    principal.require_municipality(code, "municipality")
    cmd = build_command(c.DefineRole, principal, body.model_dump(exclude={"contacts"}))
    decide(RecruitmentState(), cmd, datetime.now(UTC))  # refused before starting (-> 409)
    wf = ids.campaign_id(code, body.campaign_id)
    try:
        await start_campaign_workflow(client, CampaignInput(define=cmd, contacts=body.contacts))
    except WorkflowAlreadyStartedError:
        raise ApiError(409, "STATE-CAMPAIGN-EXISTS",
                       f"campaign {body.campaign_id} already exists", "campaign_id") from None
    except RPCError as exc:
        raise _rpc_error(exc) from None
    return await _first_event_written(client, store, wf)


async def _first_event_written(client: Client, store: Any, wf: str,
                               timeout: float = 10.0) -> CampaignView:
    """Answer once the event store holds RoleDefined (the workflow's run method writes it
    first), so the 201 describes a recorded campaign; after ``timeout`` answer anyway."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = 0.02
    while await store.stream_version(wf) < 1 and loop.time() < deadline:
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)
    return await query_status(client, wf, CampaignView)


# ---------------------------------------------------------------- reads


@router.get("/recruitments/{municipality}/{campaign_id}", response_model=CampaignView,
            responses=LIVE_READ_ERRORS, tags=["recruitment"], summary="募集の現在の状況")
async def campaign_status(
    municipality: Code, campaign_id: Ident,
    _: Annotated[Principal, allow(*READERS, action="read a campaign", what="campaign")],
    client: ClientDep,
) -> CampaignView:
    return await query_status(client, ids.campaign_id(municipality, campaign_id), CampaignView)


@router.get("/recruitments/{municipality}/{campaign_id}/applications/{application_id}",
            responses=LIVE_READ_ERRORS, tags=["applications"],
            summary="応募の状況 (個人情報: 人事担当・監査のみ, R-SCR-3)")
async def application_status(
    municipality: Code, campaign_id: Ident, application_id: Ident,
    _: Annotated[Principal, allow(*PERSONAL_READERS, action="read an application",
                                  what="campaign")],
    client: ClientDep,
) -> dict[str, Any]:
    from domain.state import ApplicationState
    from workflows.models import ApplicationQuery

    handle = client.get_workflow_handle(ids.campaign_id(municipality, campaign_id))
    try:
        state = await handle.query("application", ApplicationQuery(application_id=application_id),
                                   result_type=ApplicationState | None)
    except RPCError as exc:
        raise _rpc_error(exc) from None
    if state is None:
        raise ApiError(404, "not_found", "application not found")
    return state.model_dump(mode="json")


@router.get("/appointments/{municipality}/{appointment_id}", response_model=AppointmentView,
            responses=LIVE_READ_ERRORS, tags=["appointments"], summary="任用の現在の状況")
async def appointment_status(
    municipality: Code, appointment_id: Ident,
    _: Annotated[Principal, allow(*READERS, action="read an appointment", what="appointment")],
    client: ClientDep,
) -> AppointmentView:
    return await query_status(client, ids.appointment_id(municipality, appointment_id),
                              AppointmentView)


@router.get("/recruitments/{municipality}/{campaign_id}/posting", response_model=None,
            responses={**READ_ERRORS, 200: {
                "model": PostingDocument, "content": {"text/html": {}},
                "description": "the posting (JSON, or HTML with format=html)"}},
            tags=["recruitment"], summary="募集要項 (標準募集様式)")
async def posting_document(municipality: Code, campaign_id: Ident,
                           _: Annotated[Principal, allow(*READERS, action="read a posting",
                                                         what="campaign")],
                           store: StoreDep,
                           format: Annotated[Literal["json", "html"], Query()] = "json",
                           ) -> PostingDocument | HTMLResponse:
    """The published posting in the standard recruitment format, rendered from the log."""
    from activities.documents import render_posting
    from activities.models import RenderPostingInput
    from api.audit_views import _campaign_events, _fold

    wf = ids.campaign_id(municipality, campaign_id)
    events = await _campaign_events(store, wf, None)
    if not events:
        raise ApiError(404, "not_found", "campaign not found")
    state = _fold("recruitment", events)
    if state.posting is None:
        raise ApiError(404, "not_found", "this campaign has no published posting yet")
    doc = render_posting(RenderPostingInput(role=state.posting.role, details=state.posting.details))
    if format == "html":
        return HTMLResponse(doc.html)
    return PostingDocument(campaign=wf, markdown=doc.markdown, html=doc.html, sha256=doc.sha256)


# ---------------------------------------------------------------- listings


def _visibility_query(workflow_type: str, municipalities: list[str], stage: str | None,
                      persona: str | None, fiscal_year: int | None) -> str:
    # every value was validated by a pattern or is an int: safe to quote
    parts = [f"WorkflowType = '{workflow_type}'"]
    parts.append("(" + " OR ".join(f"NinyoMunicipality = '{m}'" for m in municipalities) + ")")
    if stage:
        parts.append(f"NinyoStage = '{stage}'")
    if persona:
        parts.append(f"NinyoPersona = '{persona}'")
    if fiscal_year is not None:
        parts.append(f"NinyoFiscalYear = {int(fiscal_year)}")
    return " AND ".join(parts)


async def _list(client: Client, principal: Principal, workflow_type: str,
                municipality: str | None, stage: str | None, persona: str | None,
                fiscal_year: int | None, limit: int) -> Listing:
    from workflows.common import (
        SA_FISCAL_YEAR,
        SA_MUNICIPALITY,
        SA_PERSONA,
        SA_PREFECTURE,
        SA_STAGE,
    )

    munis = sorted(principal.municipalities)
    if municipality is not None:
        munis = [m for m in munis if m == municipality]  # another's: simply nothing
    if not munis:
        return Listing(items=[])
    query = _visibility_query(workflow_type, munis, stage, persona, fiscal_year)
    items: list[WorkflowSummary] = []
    try:
        async for wf in client.list_workflows(query, limit=limit * 2):
            if wf.status is not None and wf.status.name == "CONTINUED_AS_NEW":
                continue  # the same process continues in a newer run
            sa_ = wf.typed_search_attributes
            items.append(WorkflowSummary(
                workflow_id=wf.id, type=wf.workflow_type,
                municipality=sa_.get(SA_MUNICIPALITY), prefecture=sa_.get(SA_PREFECTURE),
                stage=sa_.get(SA_STAGE), persona=sa_.get(SA_PERSONA),
                fiscal_year=sa_.get(SA_FISCAL_YEAR),
                status=wf.status.name.lower() if wf.status is not None else "unknown",
                started_at=wf.start_time,
            ))
            if len(items) >= limit:
                break
    except RPCError as exc:
        raise _rpc_error(exc) from None
    return Listing(items=items)


MuniFilter = Annotated[str | None, Query(pattern=r"^\d{6}$")]
StageFilter = Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")]
PersonaFilter = Annotated[
    Literal["producer", "project_manager", "service_designer", "engineer"] | None, Query()]
FyFilter = Annotated[int | None, Query(ge=2000, le=2100)]
Limit = Annotated[int, Query(ge=1, le=500)]
Lister = Annotated[Principal, allow(*READERS, action="list")]


@router.get("/recruitments", response_model=Listing, responses=LIVE_READ_ERRORS,
            tags=["recruitment"], summary="募集の一覧 (団体・段階・人材像・年度で絞り込み)")
async def list_campaigns(principal: Lister, client: ClientDep,
                         municipality: MuniFilter = None, stage: StageFilter = None,
                         persona: PersonaFilter = None, fiscal_year: FyFilter = None,
                         limit: Limit = 100) -> Listing:
    return await _list(client, principal, "RecruitmentWorkflow", municipality, stage, persona,
                       fiscal_year, limit)


@router.get("/claims", response_model=Listing, responses=LIVE_READ_ERRORS,
            tags=["claims"], summary="特別交付税申請の一覧")
async def list_claims(principal: Lister, client: ClientDep,
                      municipality: MuniFilter = None, stage: StageFilter = None,
                      fiscal_year: FyFilter = None, limit: Limit = 100) -> Listing:
    return await _list(client, principal, "SubsidyClaimWorkflow", municipality, stage, None,
                       fiscal_year, limit)


@router.get("/appointments", response_model=Listing, responses=LIVE_READ_ERRORS,
            tags=["appointments"], summary="任用の一覧")
async def list_appointments(principal: Lister, client: ClientDep,
                            municipality: MuniFilter = None, stage: StageFilter = None,
                            persona: PersonaFilter = None, fiscal_year: FyFilter = None,
                            limit: Limit = 100) -> Listing:
    return await _list(client, principal, "AppointmentWorkflow", municipality, stage, persona,
                       fiscal_year, limit)


# ---------------------------------------------------------------- notifications (outbox)


@router.get("/notifications", response_model=NotificationList, responses=READ_ERRORS,
            tags=["notifications"], summary="送信した通知 (リマインダー等)")
async def notifications(request: Request,
                        principal: Annotated[Principal, allow(*READERS,
                                                              action="read notifications")],
                        municipality: MuniFilter = None,
                        workflow_id: Annotated[str | None, Query(max_length=300)] = None,
                        limit: Limit = 100) -> NotificationList:
    from activities.notifications import outbox

    munis = sorted(principal.municipalities)
    if municipality is not None:
        munis = [m for m in munis if m == municipality]
    if not munis:
        return NotificationList(items=[])
    stmt = sa.select(outbox).where(outbox.c.municipality.in_(munis))
    if workflow_id is not None:
        stmt = stmt.where(outbox.c.workflow_id == workflow_id)
    stmt = stmt.order_by(outbox.c.created_at.desc()).limit(limit)
    async with request.app.state.idempotency.engine.connect() as conn:
        rows = (await conn.execute(stmt)).mappings().all()
    return NotificationList(items=[NotificationItem(**dict(r)) for r in rows])
