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
from domain.events import Appointed, CostRecorded, DomainEvent, RoleDefined
from domain.findings import yen
from domain.policy import Policy
from domain.subsidy import (
    AdvisorCosts,
    LeftOut,
    Payment,
    Reason,
    RecruitmentCost,
    SubsidyAssessment,
    assess,
)
from domain.values import Frozen, Municipality


class YearCosts(Frozen):
    """The costs of one municipality's fiscal year: per appointment (one advisor each,
    R-SUB-5 is judged across them) and the recruitment costs."""

    fiscal_year: int
    advisors: tuple[AdvisorCosts, ...] = ()
    recruitment_costs: tuple[RecruitmentCost, ...] = ()
    left_out: tuple[LeftOut, ...] = ()  # R-SUB-11: not a CIO補佐官等

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
    # R-SUB-11: only CIO補佐官等 are claimed — the role's mark on the campaign (RoleDefined,
    # the last one) and on the appointment (Appointed); the others are listed as left out
    cio: dict[str, tuple[bool, str]] = {}  # stream -> (counts, what it is)
    left_out: list[LeftOut] = []

    def leave_out(stream_id: str, what: str, amount: int) -> None:
        counts, name = cio[stream_id]
        source = streams.last_part(stream_id)
        kind = "appointment costs" if what == "appointment" else "recruitment cost"
        left_out.append(LeftOut(
            source=source, what=what, amount_yen=amount, code="R-SUB-11",
            reason=f"{source}: {kind} of {yen(amount)} left out: {name} is not a CIO advisor "
                   "(CIO補佐官等, ※1 of §4.4(5)); only CIO advisors are claimed",
        ))

    for stream_id, e in events:
        match e:
            case RoleDefined() if streams.kind_of(stream_id) == "recruitment":
                cio[stream_id] = (e.role.counts_as_cio_advisor, f"the role {e.role.title!r} "
                                  f"({e.role.persona.value})")
            case Appointed() if streams.kind_of(stream_id) == "appointment":
                cio[stream_id] = (e.counts_as_cio_advisor, f"the appointment's role "
                                  f"({e.persona.value})")
                if e.counts_as_cio_advisor:
                    advisors[stream_id] = (e, [])
            case CostRecorded() if e.fiscal_year == fiscal_year:
                if stream_id in cio and not cio[stream_id][0]:
                    what = ("appointment" if e.category is CostCategory.appointment
                            and streams.kind_of(stream_id) == "appointment" else "recruitment_cost")
                    leave_out(stream_id, what, e.amount_yen)
                elif e.category is CostCategory.appointment and stream_id in advisors:
                    advisors[stream_id][1].append(
                        Payment(date=e.paid_on, kind=e.kind.value, amount_yen=e.amount_yen,
                                accrual_date=e.accrual_date)
                    )
                else:
                    recruitment.append(
                        RecruitmentCost(date=e.paid_on, kind=e.kind.value, amount_yen=e.amount_yen,
                                        accrual_date=e.accrual_date)
                    )
    return YearCosts(
        fiscal_year=fiscal_year,
        advisors=tuple(
            AdvisorCosts(id=a.appointment_id, form=a.terms.form, payments=tuple(payments))
            for a, payments in advisors.values()
        ),
        recruitment_costs=tuple(recruitment),
        left_out=tuple(left_out),
    )


def assess_year(
    municipality: Municipality, costs: YearCosts, policy: Policy | None = None
) -> SubsidyAssessment:
    """R-SUB-1..8 over the year's costs (the packaged policy tables unless ``policy``)."""
    result = assess(
        municipality, costs.fiscal_year, costs.advisors, costs.recruitment_costs, policy=policy
    )
    if not costs.left_out:
        return result
    return result.model_copy(update={
        "left_out": costs.left_out,
        "reasons": result.reasons + tuple(Reason(code=x.code, message=x.reason)
                                          for x in costs.left_out),
    })
