"""Policy tables (data, not code): measures, bid rule sets, pledges, appointment forms.

The JSON files under ``domain/policies/`` (package data) are validated by the pydantic
models below when loaded. The packaged tables are read once, at import
(``default_policy()`` is cached); tests and "what if" callers build a modified
:class:`Policy` with :func:`load_policy` and pass it to the assessors, so extending a
measure to a new fiscal year is a data change (R-SUB-7).
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from domain.costs import PaymentKind, RecruitmentCostKind
from domain.values import AppointmentForm, Frozen, MunicipalityKind


class Interpretation(Frozen):
    id: str
    text: str
    rule: str | None = None
    data: str | None = None


# --- measures.json (R-SUB) -------------------------------------------------------------


class MunicipalityKindPolicy(Frozen):
    eligible: bool
    interpretation: bool = False
    reason: str | None = None


class MeasureTerm(Frozen):
    """One row of the measure table: effective fiscal years (inclusive), rate and cap."""

    from_fiscal_year: int
    to_fiscal_year: int
    rate: Decimal = Field(gt=0, le=1)
    cap_yen: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> MeasureTerm:
        if self.to_fiscal_year < self.from_fiscal_year:
            raise ValueError("to_fiscal_year before from_fiscal_year")
        return self

    def covers(self, fiscal_year: int) -> bool:
        return self.from_fiscal_year <= fiscal_year <= self.to_fiscal_year


class Measure(Frozen):
    rule: str
    name_ja: str
    terms: tuple[MeasureTerm, ...] = Field(min_length=1)

    def term_for(self, fiscal_year: int) -> MeasureTerm | None:
        for term in self.terms:
            if term.covers(fiscal_year):
                return term
        return None


class AppointmentMeasure(Measure):
    eligible_payments: dict[AppointmentForm, tuple[PaymentKind, ...]]
    advisors_counted: Literal[1] = 1
    tie_break: Literal["smallest_id", "first_listed"] = "smallest_id"


class RecruitmentMeasure(Measure):
    eligible_cost_kinds: tuple[RecruitmentCostKind, ...]


class RegionalPowerAdvisor(Frozen):
    rule: str
    name_ja: str
    certainty: str
    eligible_municipality_kinds: tuple[MunicipalityKind, ...]
    eligible_areas: tuple[str, ...]
    min_days_per_year: int
    min_visits_per_year: int
    max_years: int
    rate: Decimal
    caps_yen_per_year: dict[Literal["private_expert", "advanced_municipality_staff"], int]


class RegionalInformatizationAdvisor(Frozen):
    rule: str
    name_ja: str
    certainty: str
    max_onsite_days_per_theme: int
    max_online_hours_per_theme: int
    municipality_cost_yen: int


class JlisAdvisor(Frozen):
    rule: str
    name_ja: str
    certainty: str
    max_times_per_theme_per_year: int
    free_when_registered: bool


class EnterpriseDispatch(Frozen):
    rule: str
    name_ja: str
    certainty: str
    min_months: int
    max_years: int
    min_share_of_month_on_duty: Decimal
    cap_yen_per_person_per_year: int


class EnterpriseSideJob(Frozen):
    rule: str
    name_ja: str
    certainty: str
    from_fiscal_year: int
    min_days_per_month: int
    min_hours_per_month: int
    min_onsite_days_per_month: int
    cap_fees_yen_per_year: int
    cap_travel_yen_per_year: int


class DigitalExpertDispatch(Frozen):
    rule: str
    name_ja: str
    certainty: str
    min_months: int
    max_years: int
    as_a_rule: bool
    excluded: str


class OtherMeasures(Frozen):
    regional_power_advisor: RegionalPowerAdvisor
    regional_informatization_advisor: RegionalInformatizationAdvisor
    jlis_advisor: JlisAdvisor
    enterprise_dispatch: EnterpriseDispatch
    enterprise_side_job: EnterpriseSideJob
    digital_expert_dispatch: DigitalExpertDispatch


class MeasuresPolicy(Frozen):
    schema_: str = Field(alias="schema")
    source: str
    municipality_kinds: dict[MunicipalityKind, MunicipalityKindPolicy]
    appointment: AppointmentMeasure
    recruitment: RecruitmentMeasure
    rounding: Literal["down", "half_up"]
    interpretations: tuple[Interpretation, ...] = ()
    other_measures: OtherMeasures

    @model_validator(mode="after")
    def _every_kind(self) -> MeasuresPolicy:
        missing = set(MunicipalityKind) - set(self.municipality_kinds)
        if missing:
            raise ValueError(f"municipality_kinds lacks {sorted(missing)}")
        return self


# --- bid_rule_sets.json (R-BID) --------------------------------------------------------


class RuleSetA(Frozen):
    rule: Literal["R-BID-A"]
    title: str
    source: str
    years_after_contract_end: int = Field(ge=0)
    whole_group: bool


class RuleSetB1(Frozen):
    rule: Literal["R-BID-B1"]
    title: str
    source: str
    long_employment_years: int
    long_employment_days: int = Field(gt=0)
    whole_group: bool


class RuleSetB2(Frozen):
    rule: Literal["R-BID-B2"]
    title: str
    source: str
    past_years: int = Field(ge=0)
    whole_group: bool


class RuleSetC(Frozen):
    rule: Literal["R-BID-C"]
    title: str
    source: str
    whole_group: bool


class RuleSetDA(Frozen):
    rule: Literal["R-BID-DA"]
    title: str
    source: str
    include_parent: bool
    include_subsidiaries: bool
    include_sisters: bool
    exemption_conditions: dict[
        Literal["no_spec_contact", "contact_history_submitted", "audit_accepted"], str
    ]


class RuleSetGL(Frozen):
    """参考4.4-⑨ (デジタル・ガバメント推進標準ガイドライン), turn 2."""

    rule: Literal["R-BID-GL"]
    title: str
    source: str
    spec_drafting_exemption: str  # ただし、競争上何ら有利とならないと認められるときはこの限りでない
    pmo_support_exemption: bool = False


class RuleSets(Frozen):
    A: RuleSetA
    B1: RuleSetB1
    B2: RuleSetB2
    C: RuleSetC
    DA: RuleSetDA
    GL: RuleSetGL


class BidPolicy(Frozen):
    schema_: str = Field(alias="schema")
    source: str
    rule_sets: RuleSets
    interpretations: tuple[Interpretation, ...] = ()


# --- pledges.json (R-PLEDGE) -----------------------------------------------------------

PledgeName = Literal[
    "appointment_terms", "no_discrediting_acts", "confidentiality", "devotion_to_duty",
    "conflict_of_interest", "side_job_disclosure", "holdings_disclosure",
    "bid_restriction_cooperation",
]


class PledgeSet(Frozen):
    rule: str
    forms: tuple[AppointmentForm, ...]
    items: tuple[PledgeName, ...]


class PledgePolicy(Frozen):
    schema_: str = Field(alias="schema")
    source: str
    base: PledgeSet
    conflict_of_interest: PledgeSet
    labels_ja: dict[PledgeName, str]
    interpretations: tuple[Interpretation, ...] = ()


# --- forms.json (R-FORM) ---------------------------------------------------------------

DutyKindName = Literal[
    "advice", "research", "diagnosis", "drafting", "deciding", "contracting",
    "directing_staff", "implementation",
]


class SpecificFixedTermPolicy(Frozen):
    rule: str
    name_ja: str
    max_years: int = Field(gt=0)


class SpecialPartTimePolicy(Frozen):
    rule: str
    name_ja: str
    allowed_duties: tuple[DutyKindName, ...]
    executive_duties: tuple[DutyKindName, ...]
    # turn 2: outside 助言・調査・診断 but only a warning (drafting: the plan stays the staff's)
    warning_duties: tuple[DutyKindName, ...] = ()


ContractClauseName = Literal["confidentiality", "fairness"]


class OutsourcingPolicy(Frozen):
    rule: str
    name_ja: str
    contract_must_cover: tuple[ContractClauseName, ...]


class EnterpriseDispatchForm(Frozen):
    rule: str
    name_ja: str
    term_from: str
    # 規定例②: acts the dispatched appointee may not handle concerning the dispatching company
    restricted_acts_ja: str = ""


class FormsPolicy(Frozen):
    schema_: str = Field(alias="schema")
    source: str
    specific_fixed_term: SpecificFixedTermPolicy
    special_part_time: SpecialPartTimePolicy
    outsourcing: OutsourcingPolicy
    enterprise_dispatch: EnterpriseDispatchForm
    interpretations: tuple[Interpretation, ...] = ()


# --- all of it --------------------------------------------------------------------------


class Policy(Frozen):
    measures: MeasuresPolicy
    bid: BidPolicy
    pledges: PledgePolicy
    forms: FormsPolicy


POLICY_DIR = Path(__file__).resolve().parent / "policies"  # packaged with domain (package-data)

_FILES = {
    "measures": "measures.json",
    "bid": "bid_rule_sets.json",
    "pledges": "pledges.json",
    "forms": "forms.json",
}


def packaged_table(name: str) -> dict[str, Any]:
    """The packaged JSON table ``name`` (``measures``, ``bid``, ``pledges``, ``forms``)."""
    return json.loads((POLICY_DIR / _FILES[name]).read_text("utf-8"))


def load_policy(**tables: dict[str, Any]) -> Policy:
    """Validate policy tables; a table not given is the packaged one.

    ``load_policy(measures=modified_dict)`` gives the packaged policy with that one table
    replaced. Raises ``pydantic.ValidationError`` for a malformed table.
    """
    unknown = set(tables) - set(_FILES)
    if unknown:
        raise ValueError(f"unknown policy tables: {sorted(unknown)}")
    data = {name: tables.get(name) or packaged_table(name) for name in _FILES}
    return Policy.model_validate(data)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The packaged policy, read and validated once."""
    return load_policy()


# Read at import, so no rule reads a file when it runs (a Temporal workflow that imports
# domain/ through ``imports_passed_through`` never touches the disk), and a broken table
# fails at start-up rather than on the first assessment.
default_policy()
