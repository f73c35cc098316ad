"""Inputs and outputs of the activities (one pydantic model each)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.posting import PostingDetails, RoleDefinition
from domain.values import Municipality


class Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventMetadata(Msg):
    """Stored with every event (keys of docs/interfaces.md)."""

    actor: str
    role: str
    municipality: str
    workflow_id: str
    run_id: str
    correlation_id: str | None = None
    causation_id: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class EventToAppend(Msg):
    event_id: UUID  # from workflow.uuid4(): a retried append is a no-op
    type: str
    data: dict[str, Any]
    schema_version: int = 1


class AppendEvents(Msg):
    stream_id: str
    stream_type: str
    expected_version: int = Field(ge=0)
    events: list[EventToAppend] = Field(min_length=1)
    metadata: EventMetadata


class Appended(Msg):
    version: int
    positions: list[int]


class ReadStream(Msg):
    stream_id: str


class StoredEvent(Msg):
    position: int
    stream_id: str
    version: int
    type: str
    data: dict[str, Any]
    recorded_at: datetime


class StreamEvents(Msg):
    version: int
    events: list[StoredEvent]


class Notification(Msg):
    notification_id: UUID  # from workflow.uuid4(): the outbox stores each one once
    to: str
    subject: str
    body: str
    kind: str  # e.g. "reminder:posting_deadline_7d"
    municipality: str
    workflow_id: str


class Delivered(Msg):
    notification_id: UUID
    channel: str


class RenderPostingInput(Msg):
    role: RoleDefinition
    details: PostingDetails


class RenderedDocument(Msg):
    markdown: str
    html: str
    sha256: str


class ClaimYear(Msg):
    """Which claim's year to assess: the municipality (its code names the streams) and year."""

    municipality: Municipality
    fiscal_year: int


class ClaimAssessment(Msg):
    """The R-SUB assessment of the year's costs (the assessment contract's output)."""

    assessment: dict[str, Any]
