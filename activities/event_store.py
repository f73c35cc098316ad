"""Event store activities: append a workflow's events idempotently, read streams, and
gather a municipality's cost events of one fiscal year for the subsidy claim.

Idempotency: event ids come from ``workflow.uuid4()``; the store turns an append of an
already stored event id into a no-op returning the stored positions, so a retried
activity never writes twice. A wrong expected version means a second writer: that is
not retried (non-retryable ``ConcurrencyError``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.models import (
    AdvisorCosts,
    Appended,
    AppendEvents,
    CostsForYear,
    LoadCosts,
    ReadStream,
    StoredEvent,
    StreamEvents,
)
from domain.fiscal import fiscal_year_of

COST_EVENT = "CostPaid"
RECRUITMENT_COST_EVENT = "RecruitmentCostPaid"
APPOINTMENT_STARTED = "AppointmentStarted"


class EventStoreActivities:
    def __init__(self, store: Any) -> None:
        self._store = store

    @activity.defn(name="append_events")
    async def append_events(self, req: AppendEvents) -> Appended:
        from eventstore import ConcurrencyError, NewEvent

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

    @activity.defn(name="load_costs")
    async def load_costs(self, req: LoadCosts) -> CostsForYear:
        """Cost events of every appointment and campaign of the municipality, paid in the
        fiscal year (R-SUB-6), shaped as the subsidy assessment's input lists."""
        m, fy = req.municipality_code, req.fiscal_year
        advisors: dict[str, AdvisorCosts] = {}
        for e in await self._store.read_category(f"appointment:{m}:"):
            appointment_id = e.stream_id.split(":", 2)[2]
            if e.type == APPOINTMENT_STARTED:
                advisors[appointment_id] = AdvisorCosts(
                    id=appointment_id, form=e.data["form"], payments=[]
                )
            elif e.type == COST_EVENT and _in_year(e.data["paid_on"], fy):
                advisors[appointment_id].payments.append(
                    {"date": e.data["paid_on"], "kind": e.data["kind"],
                     "amount_yen": e.data["amount_yen"]}
                )
        recruitment = [
            {"date": e.data["paid_on"], "kind": e.data["kind"], "amount_yen": e.data["amount_yen"]}
            for e in await self._store.read_category(f"recruitment:{m}:")
            if e.type == RECRUITMENT_COST_EVENT and _in_year(e.data["paid_on"], fy)
        ]
        return CostsForYear(
            advisors=[a for a in advisors.values() if a.payments], recruitment_costs=recruitment
        )


def _in_year(paid_on: str, fiscal_year: int) -> bool:
    return fiscal_year_of(date.fromisoformat(paid_on)) == fiscal_year


def _stored(e: Any) -> StoredEvent:
    return StoredEvent(
        position=e.position, stream_id=e.stream_id, version=e.version, type=e.type,
        data=e.data, recorded_at=e.recorded_at,
    )
