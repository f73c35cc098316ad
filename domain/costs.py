"""The one vocabulary of costs: what a cost is (``CostKind``), which side of the measure it
counts on (``CostCategory``), and which kinds each side takes.

An appointment's costs (任用等経費: remuneration, term-end allowance, outsourcing fee —
R-SUB-2/3) are recorded on the appointment; recruitment costs (募集経費: agency fee,
advertising — R-POST-3, R-SUB-4) on the campaign. The event ``CostRecorded``, the commands,
the decide functions and the subsidy policy tables (``PaymentKind`` /
``RecruitmentCostKind`` in ``domain.policy``) all take their kinds from here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class CostCategory(StrEnum):
    appointment = "appointment"  # 任用等経費 (R-SUB-3)
    recruitment = "recruitment"  # 募集経費 (R-SUB-4)


class CostKind(StrEnum):
    remuneration = "remuneration"
    term_end_allowance = "term_end_allowance"
    outsourcing_fee = "outsourcing_fee"
    agency_fee = "agency_fee"
    advertising = "advertising"
    other = "other"


APPOINTMENT_COST_KINDS: tuple[CostKind, ...] = (
    CostKind.remuneration,
    CostKind.term_end_allowance,
    CostKind.outsourcing_fee,
    CostKind.other,
)
RECRUITMENT_COST_KINDS: tuple[CostKind, ...] = (
    CostKind.agency_fee,
    CostKind.advertising,
    CostKind.other,
)
KINDS_BY_CATEGORY: dict[CostCategory, tuple[CostKind, ...]] = {
    CostCategory.appointment: APPOINTMENT_COST_KINDS,
    CostCategory.recruitment: RECRUITMENT_COST_KINDS,
}

# The same kinds as plain strings, for the assessment contract's input documents
# (contracts.md: "kind" is a string there), derived from the tuples above.
PaymentKind = Literal[tuple(k.value for k in APPOINTMENT_COST_KINDS)]  # type: ignore[valid-type]
RecruitmentCostKind = Literal[tuple(k.value for k in RECRUITMENT_COST_KINDS)]  # type: ignore[valid-type]
