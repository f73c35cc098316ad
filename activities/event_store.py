"""Event store activities: append a workflow's events idempotently, read streams (a
year's costs for the subsidy claim are gathered in ``activities.claims``).

Idempotency: event ids come from ``workflow.uuid4()``; the store turns an append of an
already stored event id into a no-op returning the stored positions, so a retried
activity never writes twice. A wrong expected version means a second writer: that is
not retried (non-retryable ``ConcurrencyError``).
"""

from __future__ import annotations

from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.models import (
    Appended,
    AppendEvents,
    ReadStream,
    StoredEvent,
    StreamEvents,
)


class EventStoreActivities:
    def __init__(self, store: Any) -> None:
        self._store = store

    @activity.defn(name="append_events")
    async def append_events(self, req: AppendEvents) -> Appended:
        from eventstore import ConcurrencyError, NewEvent
        from ninyo import telemetry

        m = req.metadata
        telemetry.annotate(actor=m.actor, role=m.role, municipality=m.municipality,
                           workflow_id=m.workflow_id)
        events = [
            NewEvent(
                type=e.type,
                data=e.data,
                event_id=e.event_id,
                schema_version=e.schema_version,
                metadata=req.metadata.as_dict(),
            )
            for e in req.events
        ]
        try:
            res = await self._store.append(
                req.stream_id, req.expected_version, events, stream_type=req.stream_type
            )
        except ConcurrencyError as exc:
            raise ApplicationError(
                f"stream {req.stream_id} has another writer (expected version "
                f"{req.expected_version})",
                type="ConcurrencyError",
                non_retryable=True,
            ) from exc
        except Exception as exc:
            if not unstorable(exc):
                raise  # the database is down or busy: retried
            # the database refuses this content (e.g. NUL in a string): no retry can succeed
            raise ApplicationError(
                f"stream {req.stream_id}: the store refuses these events for good "
                f"({type(exc).__name__})",
                type="UnstorableEvent",
                non_retryable=True,
            ) from None
        activity.logger.info(
            "appended %d event(s) to %s", len(events), req.stream_id,
        )
        return Appended(version=res.version, positions=list(res.positions))

    @activity.defn(name="read_stream")
    async def read_stream(self, req: ReadStream) -> StreamEvents:
        recorded = await self._store.read_stream(req.stream_id)
        return StreamEvents(
            version=recorded[-1].version if recorded else 0,
            events=[_stored(e) for e in recorded],
        )

def unstorable(exc: BaseException) -> bool:
    """An error about the events' content, not the database's availability: bad data
    (SQLSTATE class 22, e.g. "unsupported Unicode escape sequence"), or a value the store
    or the driver cannot encode ("strings must not contain NUL"). Connection and lock
    errors stay retryable."""
    from sqlalchemy.exc import DataError

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("22"):
            return True
        if isinstance(exc, DataError | ValueError | TypeError):  # the store's own checks too
            return True
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "orig", None)
    return False



def _stored(e: Any) -> StoredEvent:
    return StoredEvent(
        position=e.position, stream_id=e.stream_id, version=e.version, type=e.type,
        data=e.data, recorded_at=e.recorded_at,
    )
