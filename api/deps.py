"""Typed dependency aliases: ``StoreDep``, ``ClientDep``, ``GatewayDep``, ``PrincipalDep``,
``SettingsDep``.

The real adapters are built once in the app's lifespan (api/main.py, with
``ninyo.bootstrap``) and kept on ``app.state``; routes only receive them through these
aliases. Routes talk to Temporal through ``GatewayDep`` (api/gateway.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from temporalio.client import Client

from api.errors import ApiError
from api.gateway import Gateway
from eventstore import EventStore
from ninyo import telemetry
from ninyo.auth import AuthError, NotFound, Principal, Role, decode_token
from ninyo.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="JWT (HS256) from `ninyo token create`")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> EventStore:
    return request.app.state.store


async def get_client(request: Request) -> Client:
    """The lifespan's client; reconnects lazily when Temporal was down at startup."""
    state = request.app.state
    if getattr(state, "client", None) is None and getattr(state, "connect_temporal", False):
        from ninyo.bootstrap import try_connect_temporal

        state.client = await try_connect_temporal(state.settings)
    if getattr(state, "client", None) is None:
        raise ApiError(503, "temporal_unavailable", "the Temporal frontend is unreachable")
    return state.client


async def get_gateway(request: Request, client: Annotated[Client, Depends(get_client)]) -> Gateway:
    """Temporal for the routes: the client, on the task queue of the settings."""
    return Gateway(client, request.app.state.settings.task_queue)


def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("missing bearer token")
    principal = decode_token(request.app.state.settings, credentials.credentials)
    telemetry.annotate(on=telemetry.request_span(request), actor=principal.sub,
                       role=principal.role.value)
    return principal


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[EventStore, Depends(get_store)]
ClientDep = Annotated[Client, Depends(get_client)]
GatewayDep = Annotated[Gateway, Depends(get_gateway)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def allow(*roles: Role, action: str, what: str = "object",
          municipality_of: Callable[[dict[str, str]], str | None] | None = None) -> Any:
    """Authorise before anything else is looked at (body validation included):
    a role that may not -> 403; an object of another municipality -> 404.

    ``municipality_of(path_params)`` names the object's municipality (default: the
    ``municipality`` path parameter; none for collection routes).
    """
    locate = municipality_of or (lambda params: params.get("municipality"))

    def dependency(request: Request, principal: PrincipalDep) -> Principal:
        if principal.role is Role.coordinator and Role.coordinator not in roles \
                and request.method == "GET":
            # issue 14: for a coordinator, a municipality's personal data (applications,
            # letters, audit histories) does not exist — 404, as for another region
            raise NotFound(f"{what} not found")
        principal.require_role(*roles, action=action)
        municipality = locate(request.path_params)
        if municipality is not None:
            principal.require_municipality(municipality, what)
        return principal

    return Depends(dependency)
