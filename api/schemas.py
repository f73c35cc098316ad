"""Request and response models of the HTTP API.

Every request model forbids unknown fields (``extra="forbid"``): a client cannot slip a
field the API does not expect (mass assignment) — it gets 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from views.audit import CheckpointModel  # noqa: F401 - one model, shared with the CLI


class Request(BaseModel):
    """Base of every request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


# --- errors -----------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    code: str = Field(description="rule ID (R-FORM-5 ...) or an API code (invalid_input, ...)")
    message: str
    field: str | None = Field(default=None, description="dotted path of the offending field")


class ErrorResponse(BaseModel):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "missing, expired or invalid bearer token",
        403: "the token's role may not do this",
        404: "unknown, or another municipality's",
        409: "a rule of the manual refused (code = rule ID), or a concurrent change",
        422: "malformed input (field = dotted path)",
        429: "Temporal is busy (too many concurrent commands on one process); retry",
        502: "Temporal refused the call for another reason",
        503: "Temporal is unreachable",
    }
    return {s: {"model": ErrorResponse, "description": text.get(s, "error")} for s in statuses}


READ_ERRORS = error_responses(401, 403, 404, 422)
LIVE_READ_ERRORS = error_responses(401, 403, 404, 422, 429, 502, 503)  # reads that ask Temporal
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422, 429, 502, 503)


# --- audit ------------------------------------------------------------------------------
class HistoryEntry(BaseModel):
    """One recorded event: who did what, when, under which rule."""

    position: int
    version: int
    event_id: str
    type: str
    schema_version: int
    recorded_at: datetime
    actor: str | None = None
    role: str | None = None
    rule_codes: list[str] = Field(default_factory=list, description="rule IDs found in the event")
    data: dict[str, Any]
    metadata: dict[str, Any]
    hash: str


class StreamHistory(BaseModel):
    stream_id: str
    stream_type: str | None
    version: int
    events: list[HistoryEntry]


class AsOfState(BaseModel):
    stream_id: str
    kind: str = Field(description="recruitment | appointment")
    as_of: datetime
    events_applied: int
    last_position: int | None
    state: dict[str, Any]


class VerifyRequest(Request):
    checkpoint: CheckpointModel | None = Field(
        default=None, description="verify that the log still extends this signed checkpoint"
    )


class VerifyResponse(BaseModel):
    ok: bool
    count: int
    head_position: int | None
    head_hash: str | None
    first_bad_position: int | None
    reason: str | None


class HealthResponse(BaseModel):
    status: str
    temporal: bool
