"""Appointments (任用): the officer's and approver's actions on an appointment's workflow
(``appointment:{m}:{id}``), each a typed Temporal update answered with the live status;
its status and the listing. Approver-only: RenewTerm."""

# no `from __future__ import annotations`: FastAPI reads the endpoints' annotations,
# which name per-action types local to the route factories
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import GatewayDep, allow
from api.gateway import Gateway
from api.routes import listing
from api.routes.common import (
    APPROVER,
    OFFICER,
    READERS,
    Action,
    Code,
    Ident,
    Target,
    command_route,
    operation_id,
)
from api.schemas import LIVE_READ_ERRORS, WRITE_ERRORS
from domain import commands as c
from ninyo.auth import Principal
from workflows import ids
from workflows.appointment import AppointmentWorkflow
from workflows.models import AppointmentView, CommandResult

router = APIRouter(tags=["appointments"])


class AppointmentCommandResponse(BaseModel):
    accepted: CommandResult
    status: AppointmentView


APPOINTMENT_ACTIONS = [
    Action(c.ConfirmReadinessItem, "/readiness", OFFICER, "受入準備・活動状況を確認する (R-READY)"),
    Action(c.RecordCost, "/costs", OFFICER, "任用経費を記録する (R-SUB-3, R-SUB-6)"),
    Action(c.RenewTerm, "/renew", APPROVER, "任期を更新する (approver, R-FORM)"),
    Action(c.EndTerm, "/end", OFFICER, "任用を終了する"),
]


def appointment(municipality: Code, appointment_id: Ident) -> Target:
    return Target(ids.appointment_id(municipality, appointment_id))


async def send(gateway: Gateway, wf: str, cmd: BaseModel) -> AppointmentCommandResponse:
    reply = await gateway.update(wf, AppointmentWorkflow.command_view, cmd)
    return AppointmentCommandResponse(accepted=reply.accepted, status=reply.status)


for _a in APPOINTMENT_ACTIONS:
    router.post(f"/appointments/{{municipality}}/{{appointment_id}}{_a.path}",
                response_model=AppointmentCommandResponse, responses=WRITE_ERRORS,
                summary=_a.summary, tags=["appointments"],
                operation_id=operation_id("appointment", _a.command),
                )(command_route(_a, what="appointment", target=appointment, send=send))


@router.get("/appointments/{municipality}/{appointment_id}", response_model=AppointmentView,
            responses=LIVE_READ_ERRORS, tags=["appointments"], summary="任用の現在の状況")
async def appointment_status(
    municipality: Code, appointment_id: Ident,
    _: Annotated[Principal, allow(*READERS, action="read an appointment", what="appointment")],
    gateway: GatewayDep,
) -> AppointmentView:
    return await gateway.query(ids.appointment_id(municipality, appointment_id),
                               AppointmentWorkflow.status)


@router.get("/appointments", response_model=listing.Listing, responses=LIVE_READ_ERRORS,
            tags=["appointments"], summary="任用の一覧")
async def list_appointments(principal: listing.Lister, gateway: GatewayDep,
                            municipality: listing.MuniFilter = None,
                            stage: listing.StageFilter = None,
                            persona: listing.PersonaFilter = None,
                            fiscal_year: listing.FyFilter = None,
                            limit: listing.Limit = 100) -> listing.Listing:
    return await listing.list_workflows(gateway, principal, "AppointmentWorkflow", municipality,
                                        stage, persona, fiscal_year, limit)
