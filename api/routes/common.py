"""What the command routes share: roles, path parameters, request bodies built from the
domain's command models, and the table row of one action.

A command is the domain's own model (``domain.commands``); the request body is that model
without ``actor`` and ``kind`` (and without the ids the path already names), unknown
fields refused. The API fills ``actor`` from the token (``Actor(id=sub, role=role)``) —
the workflow records it as ``actor``/``role`` in the metadata of every event it appends.
"""

# no `from __future__ import annotations`: FastAPI reads the endpoint's annotations,
# which name per-action types local to command_route
import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Path
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from api.deps import GatewayDep, allow
from api.errors import invalid_input
from api.gateway import Gateway
from domain import values
from domain.values import MunicipalityCode
from ninyo.auth import Principal, Role

OFFICER = (Role.hr_officer, Role.approver)  # the domain lets either issue these
APPROVER = (Role.approver,)  # approver-only (domain: AUTH-ROLE for anyone else)
HR_ONLY = (Role.hr_officer,)  # claim steps the claim workflow reserves to HR officers
READERS = (Role.hr_officer, Role.approver, Role.auditor)
PERSONAL_READERS = (Role.hr_officer, Role.auditor)  # R-SCR-3
# issue 11 point 5: the approver decides the offer on the application and its interview
# records, so approvers read applications of their municipality too (auditors as before)
APPLICATION_READERS = (Role.hr_officer, Role.approver, Role.auditor)
# issue 14: a coordinator (prefecture / central city) follows its region's progress —
# campaign stages, postings, appointments and claims listed, claims — and nothing personal
PROGRESS_READERS = (*READERS, Role.coordinator)

Code = Annotated[MunicipalityCode, Path(description="municipality code (6 digits)")]
Ident = Annotated[values.Ident, Path()]


@dataclass(frozen=True)
class Action:
    """One command route: the command model, the path under the resource, who may send
    it, the summary in the OpenAPI document."""

    command: type[BaseModel]
    path: str  # under the scope's base path
    roles: tuple[Role, ...]
    summary: str


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


def build_command(command: type[BaseModel], principal: Principal, data: dict[str, Any],
                  **ids_: Any) -> Any:
    """The command with the token's actor; malformed fields answer 422 naming them."""
    try:
        cmd = command.model_validate({
            **data, **ids_, "actor": {"id": principal.sub, "role": principal.role.value},
        })
    except ValidationError as exc:  # every bad field at once (issue 11 point 6)
        raise invalid_input(list(exc.errors())) from None
    problems = values.email_problems(cmd)  # the full validator, at the edge only
    if problems:
        raise invalid_input([{"loc": tuple(p.field.split(".")), "type": p.code,
                              "msg": p.message, "ctx": p.params} for p in problems])
    return cmd


def body_data(body: BaseModel | None) -> dict[str, Any]:
    return body.model_dump() if body is not None else {}


def operation_id(prefix: str, command: type | Callable) -> str:
    return f"{prefix}_{command.__name__}"


@dataclass(frozen=True)
class Target:
    """Where a command goes: the workflow id, and the path ids that go into the command."""

    workflow_id: str
    ids: dict[str, Any] = field(default_factory=dict)


def command_route(action: Action, *, what: str, target: Callable[..., Target],
                  send: Callable[[Gateway, str, Any], Awaitable[Any]],
                  drop: tuple[str, ...] = (), label: str | None = None) -> Callable:
    """The endpoint of one action: authorise (``allow``: role, then municipality), build the
    command from the body and the token's actor, ``send`` it to the ``target`` workflow.
    ``target`` is a dependency taking the path parameters (so they are documented);
    ``label`` names the action in refusals (default: the command's class name)."""
    Body = request_model(action.command, drop)
    Actor = Annotated[Principal, allow(*action.roles, action=label or action.command.__name__,
                                       what=what)]
    Where = Annotated[Target, Depends(target)]

    async def endpoint(where: Where, principal: Actor,  # type: ignore[valid-type]
                       gateway: GatewayDep,
                       body: Body = body_default(Body),  # type: ignore[valid-type]
                       ) -> Any:
        cmd = build_command(action.command, principal, body_data(body), **where.ids)
        return await send(gateway, where.workflow_id, cmd)

    return endpoint
