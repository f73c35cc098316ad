"""Erasing a person (issue 10 points 4, 5): ``ninyo person forget`` and
``POST /admin/persons/{municipality}/{person_id}/forget``.

The person's data key in the event store — scoped by municipality — is destroyed, so
every personal field of every event about them reads ``[erased]`` for good (crypto-
shredding; the hash chain still verifies). The erasure is itself an event, without the
data: ``PersonForgotten`` on the stream ``erasure:{municipality}:{person_id}``, naming who
erased and when. (What this does not reach yet — live workflow state, Temporal histories,
the outbox — is listed in docs/operations.md.)
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

STREAM_PREFIX = "erasure"
EVENT_TYPE = "PersonForgotten"


def erasure_stream(municipality: str, person_id: str) -> str:
    return f"{STREAM_PREFIX}:{municipality}:{person_id}"


async def forget_person(store: Any, municipality: str, person_id: str, *, actor: str,
                        role: str, now: datetime | None = None) -> dict[str, Any]:
    """Destroy the person's key, then record the erasure; idempotent (a second call
    records a second erasure event, the key stays destroyed)."""
    from eventstore import NewEvent

    when = now or datetime.now(UTC)
    await store.forget(person_id, municipality=municipality)
    stream = erasure_stream(municipality, person_id)
    version = await store.stream_version(stream)
    data = {"person_id": person_id, "municipality": municipality,
            "forgotten_at": when.isoformat()}
    res = await store.append(stream, version, [NewEvent(
        EVENT_TYPE, data, event_id=str(uuid.uuid4()),
        metadata={"actor": actor, "role": role, "municipality": municipality})],
        stream_type=STREAM_PREFIX)
    return {"stream_id": stream, "position": res.positions[-1], **data}
