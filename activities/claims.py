"""Subsidy-claim activity: gather and assess a municipality's costs of one fiscal year with
the R-SUB rules (``domain.claim_costs``). Starting the claim (``ensure_claim``) is a
Temporal client call and lives in ``workflows.claim_start``.
"""

from __future__ import annotations

from typing import Any

from temporalio import activity

from activities.models import ClaimAssessment, ClaimYear
from domain import streams
from domain.claim_costs import YearCosts, assess_year, costs_of_year
from domain.events import parse_event


class ClaimActivities:
    def __init__(self, store: Any = None, policy: Any = None) -> None:
        self._store = store
        self._policy = policy  # None: the packaged policy tables (a test may extend them)

    @activity.defn(name="assess_claim_year")
    async def assess_claim_year(self, req: ClaimYear) -> ClaimAssessment:
        """R-SUB-1..8 over the costs paid in the fiscal year on every appointment and campaign
        of the municipality (R-SUB-5 judged across all its appointments). One activity, so
        only the assessment — not the cost list — enters the claim's workflow history."""
        assert self._store is not None, "assess_claim_year needs the event store"
        costs = await read_year_costs(self._store, req.municipality.code or "", req.fiscal_year)
        assessment = assess_year(req.municipality, costs, self._policy)
        return ClaimAssessment(assessment=assessment.to_contract())


async def read_year_costs(store: Any, municipality_code: str, fiscal_year: int) -> YearCosts:
    """The costs paid in ``fiscal_year`` on the municipality's appointments and campaigns,
    read from the store and derived by ``domain.claim_costs.costs_of_year``."""
    recorded = [
        *await store.read_category(streams.appointments_of(municipality_code)),
        *await store.read_category(streams.campaigns_of(municipality_code)),
    ]
    events = ((r.stream_id, parse_event(r.type, r.data, r.schema_version)) for r in recorded)
    return costs_of_year(fiscal_year, events)
