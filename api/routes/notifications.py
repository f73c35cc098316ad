"""Notifications sent by the workflows (reminders, notices), read from the outbox through
``activities.notifications`` — the token's municipalities only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.deps import allow
from api.routes.common import READERS
from api.routes.listing import Limit, MuniFilter, visible_municipalities
from api.schemas import READ_ERRORS
from ninyo.auth import Principal

router = APIRouter(tags=["notifications"])


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


@router.get("/notifications", response_model=NotificationList, responses=READ_ERRORS,
            tags=["notifications"], summary="送信した通知 (リマインダー等)")
async def notifications(request: Request,
                        principal: Annotated[Principal, allow(*READERS,
                                                              action="read notifications")],
                        municipality: MuniFilter = None,
                        workflow_id: Annotated[str | None, Query(max_length=300)] = None,
                        limit: Limit = 100) -> NotificationList:
    munis = visible_municipalities(principal, municipality)
    if not munis:
        return NotificationList(items=[])
    rows = await request.app.state.outbox.recent(munis, workflow_id, limit)
    return NotificationList(items=[NotificationItem(**r) for r in rows])
