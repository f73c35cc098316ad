"""A fiscal year's costs for the claim, derived from parsed events — the one place that
turns recorded costs into the subsidy assessment's input (``domain.subsidy.assess``).

A recorded cost takes these forms on its way to ``total_measure_yen``:
``CostRecorded`` (decided) -> the stored event's JSON data -> ``CostRecorded`` (parsed
by ``domain.events.parse_event``) -> ``domain.subsidy.Payment`` / ``RecruitmentCost``
(here) -> ``SubsidyAssessment`` (``domain.subsidy.assess``), whose
``total_measure_yen`` the claim is drafted for.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain import streams
from domain.costs import CostCategory
from domain.events import Appointed, CostRecorded, DomainEvent
from domain.subsidy import AdvisorCosts, Payment, RecruitmentCost, SubsidyAssessment, assess
from domain.values import Frozen, Municipality


class YearCosts(Frozen):
    """The costs of one municipality's fiscal year: per appointment (one advisor each,
    R-SUB-5 is judged across them) and the recruitment costs."""

    fiscal_year: int
    advisors: tuple[AdvisorCosts, ...] = ()
    recruitment_costs: tuple[RecruitmentCost, ...] = ()

    @property
    def any_paid(self) -> bool:
        """Whether any cost was paid that year (an appointment without payments is listed)."""
        return bool(self.recruitment_costs) or any(a.payments for a in self.advisors)


def costs_of_year(fiscal_year: int, events: Iterable[tuple[str, DomainEvent]]) -> YearCosts:
    """The costs paid in ``fiscal_year`` (R-SUB-6: the fiscal year of the payment date) among
    ``(stream_id, event)`` pairs of a municipality's appointment and campaign streams.

    Every appointment (its stream's ``Appointed``) is listed, with or without payments that
    year, in the order given; appointment costs count for their appointment, every other
    cost (recruitment costs on a campaign or an appointment) as a recruitment cost.
    """
    advisors: dict[str, tuple[Appointed, list[Payment]]] = {}
    recruitment: list[RecruitmentCost] = []
    for stream_id, e in events:
        match e:
            case Appointed() if streams.kind_of(stream_id) == "appointment":
                advisors[stream_id] = (e, [])
            case CostRecorded() if e.fiscal_year == fiscal_year:
                if e.category is CostCategory.appointment and stream_id in advisors:
                    advisors[stream_id][1].append(
                        Payment(date=e.paid_on, kind=e.kind.value, amount_yen=e.amount_yen)
                    )
                else:
                    recruitment.append(
                        RecruitmentCost(date=e.paid_on, kind=e.kind.value, amount_yen=e.amount_yen)
                    )
    return YearCosts(
        fiscal_year=fiscal_year,
        advisors=tuple(
            AdvisorCosts(id=a.appointment_id, form=a.terms.form, payments=tuple(payments))
            for a, payments in advisors.values()
        ),
        recruitment_costs=tuple(recruitment),
    )


def assess_year(municipality: Municipality, costs: YearCosts) -> SubsidyAssessment:
    """R-SUB-1..8 over the year's costs (the packaged policy tables)."""
    return assess(municipality, costs.fiscal_year, costs.advisors, costs.recruitment_costs)
