"""Subsidy-claim activities: start (or signal) the municipality's claim for a fiscal year,
and assess a year's costs with the R-SUB rules.

``ensure_claim`` is signal-with-start: several appointments of one municipality close the
same fiscal year and share one SubsidyClaimWorkflow (id ``subsidy:{code}:{fy}``). A claim
already finished (decided) is not started again (REJECT_DUPLICATE).
"""

from __future__ import annotations

from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities.models import AssessYear, CostsForYear, YearAssessment
from domain.assessments import assess_subsidy
from domain.errors import RuleViolation
from workflows import ids
from workflows.common import search_attribute_pairs
from workflows.models import AppointmentYearClosed, ClaimAppointmentInput, ClaimStarted


def subsidy_document(req: AssessYear, costs: CostsForYear) -> dict[str, Any]:
    """The assessment contract's input (docs: ../shared/contracts.md, ``subsidy``)."""
    m = req.municipality
    return {
        "municipality": {
            "name": m.name, "kind": m.kind.value, "prefecture": m.prefecture,
            "population": m.population,
        },
        "fiscal_year": req.fiscal_year,
        "advisors": [a.model_dump() for a in costs.advisors],
        "recruitment_costs": costs.recruitment_costs,
    }


class ClaimActivities:
    def __init__(self, client: Client | None) -> None:
        self._client = client

    @activity.defn(name="ensure_claim")
    async def ensure_claim(self, req: ClaimAppointmentInput) -> ClaimStarted:
        assert self._client is not None, "ensure_claim needs a Temporal client"
        m = req.claim.municipality
        wf_id = ids.claim_id(m.code or "", req.claim.fiscal_year)
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

    @activity.defn(name="assess_year")
    async def assess_year(self, req: AssessYear) -> YearAssessment:
        """R-SUB-1..8 over the costs gathered by ``load_costs`` (pure; an activity so the
        policy tables are read outside the workflow sandbox and the result is recorded)."""
        doc = subsidy_document(req, req.costs)
        try:
            result = assess_subsidy(doc)
        except RuleViolation as v:
            raise ApplicationError(v.message, v.to_dict(), type="RuleViolation",
                                   non_retryable=True) from None
        return YearAssessment(document=doc, assessment=result)
