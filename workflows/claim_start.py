"""Activity ``ensure_claim``: start (or signal) the municipality's claim for a fiscal year.

Signal-with-start: several appointments of one municipality close the same fiscal year and
share one SubsidyClaimWorkflow (id ``subsidy:{code}:{fy}``). A claim already finished
(decided) is not started again (REJECT_DUPLICATE). It is a Temporal client call, so it
lives with the workflow layer's client code (``workflows.client``): ``activities/`` never
imports ``workflows``.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client
from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain import streams
from workflows.common import search_attribute_pairs
from workflows.models import AppointmentYearClosed, ClaimAppointmentInput, ClaimStarted


class ClaimStarter:
    def __init__(self, client: Client | None) -> None:
        self._client = client

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
