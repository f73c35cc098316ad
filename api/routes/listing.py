"""Listings of campaigns, appointments and claims: Temporal's visibility store queried by
search attributes (municipality, stage, persona, fiscal year), limited to the
municipalities of the token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel

from api.deps import allow
from api.gateway import Gateway
from api.routes.common import PROGRESS_READERS
from domain.values import MunicipalityCode
from ninyo.auth import Principal


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


MuniFilter = Annotated[MunicipalityCode | None, Query()]
StageFilter = Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")]
PersonaFilter = Annotated[
    Literal["producer", "project_manager", "service_designer", "engineer"] | None, Query()]
FyFilter = Annotated[int | None, Query(ge=2000, le=2100)]
Limit = Annotated[int, Query(ge=1, le=500)]
Lister = Annotated[Principal, allow(*PROGRESS_READERS, action="list")]


def visibility_query(workflow_type: str, municipalities: list[str], stage: str | None,
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


def visible_municipalities(principal: Principal, municipality: str | None) -> list[str]:
    """The token's municipalities, narrowed to ``municipality`` (another's: none)."""
    munis = sorted(principal.municipalities)
    if municipality is not None:
        munis = [m for m in munis if m == municipality]
    return munis


async def list_workflows(gateway: Gateway, principal: Principal, workflow_type: str,
                         municipality: str | None, stage: str | None, persona: str | None,
                         fiscal_year: int | None, limit: int) -> Listing:
    from workflows.common import (
        SA_FISCAL_YEAR,
        SA_MUNICIPALITY,
        SA_PERSONA,
        SA_PREFECTURE,
        SA_STAGE,
    )

    munis = visible_municipalities(principal, municipality)
    if not munis:
        return Listing(items=[])
    query = visibility_query(workflow_type, munis, stage, persona, fiscal_year)
    items = []
    for wf in await gateway.list(query, limit):
        sa_ = wf.typed_search_attributes
        items.append(WorkflowSummary(
            workflow_id=wf.id, type=wf.workflow_type,
            municipality=sa_.get(SA_MUNICIPALITY), prefecture=sa_.get(SA_PREFECTURE),
            stage=sa_.get(SA_STAGE), persona=sa_.get(SA_PERSONA),
            fiscal_year=sa_.get(SA_FISCAL_YEAR),
            status=wf.status.name.lower() if wf.status is not None else "unknown",
            started_at=wf.start_time,
        ))
    return Listing(items=items)
