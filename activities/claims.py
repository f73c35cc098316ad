"""Subsidy-claim activities: start (or signal) the municipality's claim for a fiscal year,
and gather and assess a year's costs with the R-SUB rules (``domain.claim_costs``).

``ensure_claim`` is signal-with-start: several appointments of one municipality close the
same fiscal year and share one SubsidyClaimWorkflow (id ``subsidy:{code}:{fy}``). A claim
already finished (decided) is not started again (REJECT_DUPLICATE).
"""

from __future__ import annotations

from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.models import ClaimAssessment, ClaimYear
from domain import streams
from domain.claim_costs import YearCosts, assess_year, costs_of_year
from domain.events import parse_event
from workflows.common import search_attribute_pairs
from workflows.models import AppointmentYearClosed, ClaimAppointmentInput, ClaimStarted


class ClaimActivities:
    def __init__(self, client: Client | None, store: Any = None) -> None:
        self._client = client
        self._store = store

    @activity.defn(name="ensure_claim")
    async def ensure_claim(self, req: ClaimAppointmentInput) -> ClaimStarted:
        assert self._client is not None, "ensure_claim needs a Temporal client"
        m = req.claim.municipality
        wf_id = streams.claim(m.code or "", req.claim.fiscal_year)
        try:
            await self._client.start_workflow(
                "SubsidyClaimWorkflow",
                req.claim,
                id=wf_id,
                task_queue=activity.info().task_queue,
                start_signal="appointment_year_closed",
                start_signal_args=[AppointmentYearClosed(appointment_id=req.appointment_id)],
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=TypedSearchAttributes(search_attribute_pairs(
                    m.code or "", m.prefecture, "collecting", fiscal_year=req.claim.fiscal_year,
                )),
            )
        except WorkflowAlreadyStartedError:
            activity.logger.info("claim %s already closed", wf_id)
            return ClaimStarted(workflow_id=wf_id, already_closed=True)
        return ClaimStarted(workflow_id=wf_id)

    @activity.defn(name="assess_claim_year")
    async def assess_claim_year(self, req: ClaimYear) -> ClaimAssessment:
        """R-SUB-1..8 over the costs paid in the fiscal year on every appointment and campaign
        of the municipality (R-SUB-5 judged across all its appointments). One activity, so
        only the assessment — not the cost list — enters the claim's workflow history."""
        assert self._store is not None, "assess_claim_year needs the event store"
        costs = await read_year_costs(self._store, req.municipality.code or "", req.fiscal_year)
        return ClaimAssessment(assessment=assess_year(req.municipality, costs).to_contract())


async def read_year_costs(store: Any, municipality_code: str, fiscal_year: int) -> YearCosts:
    """The costs paid in ``fiscal_year`` on the municipality's appointments and campaigns,
    read from the store and derived by ``domain.claim_costs.costs_of_year``."""
    recorded = [
        *await store.read_category(streams.appointments_of(municipality_code)),
        *await store.read_category(streams.campaigns_of(municipality_code)),
    ]
    events = ((r.stream_id, parse_event(r.type, r.data, r.schema_version)) for r in recorded)
    return costs_of_year(fiscal_year, events)
