"""``GET /healthz``: liveness for load balancers and docker-compose (no token)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse)
async def healthz(request: Request) -> HealthResponse:
    return HealthResponse(status="ok", temporal=getattr(request.app.state, "client", None) is not None)
