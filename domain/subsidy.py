"""Special allocation tax measures (特別交付税措置) for CIO advisors — R-SUB-1..10.

参考4.4-⑪: a municipality (市町村) that appoints a CIO advisor as a special part-time
employee or outsources the role gets 0.5 x the appointment costs (FY2021-FY2025, no cap)
and, from FY2022, 0.5 x the recruitment costs (cap 500,000 yen), for one person only.
Every number (periods, rates, caps, eligible kinds) comes from ``policies/measures.json``;
this module only applies them. Every amount left out, cut or capped gets a reason naming
its rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Literal

from pydantic import Field

from domain.findings import yen
from domain.fiscal import FiscalYear
from domain.policy import (
    Measure,
    MeasuresPolicy,
    MeasureTerm,
    PaymentKind,
    Policy,
    RecruitmentCostKind,
    default_policy,
)
from domain.values import AppointmentForm, Frozen, Municipality, MunicipalityKind

KIND_JA = {
    MunicipalityKind.city: "市",
    MunicipalityKind.town: "町",
    MunicipalityKind.village: "村",
    MunicipalityKind.special_ward: "特別区",
    MunicipalityKind.prefecture: "都道府県",
}


class Payment(Frozen):
    """One payment to an advisor (報酬, 期末手当, 委託料 ...), dated when paid (R-SUB-6).

    ``accrual_date`` (turn 2): the day the obligation arose (地方自治法施行令143条: March's
    remuneration paid on April 10 belongs to March's fiscal year); when present it, not
    ``date``, decides the fiscal year. It may fall after ``date`` (an advance payment).
    """

    date: dt.date
    kind: PaymentKind
    amount_yen: int = Field(ge=0)
    accrual_date: dt.date | None = None

    @property
    def fiscal_day(self) -> dt.date:
        return self.accrual_date or self.date


class AdvisorCosts(Frozen):
    id: str = Field(min_length=1)
    form: AppointmentForm
    payments: tuple[Payment, ...] = ()


class RecruitmentCost(Frozen):
    """A cost of recruiting the advisor (agency fee, advertising ...) — R-SUB-4.
    ``accrual_date`` as for ``Payment``."""

    date: dt.date
    kind: RecruitmentCostKind
    amount_yen: int = Field(ge=0)
    accrual_date: dt.date | None = None

    @property
    def fiscal_day(self) -> dt.date:
        return self.accrual_date or self.date


class Reason(Frozen):
    code: str
    message: str


class LeftOut(Frozen):
    """A cost the claim did not take in, and why (R-SUB-11: not a CIO補佐官等)."""

    source: str  # the appointment or campaign id
    what: Literal["appointment", "recruitment_cost"]
    amount_yen: int
    code: str
    reason: str


class SubsidyAssessment(Frozen):
    fiscal_year: int
    appointment_eligible_cost_yen: int
    appointment_measure_yen: int
    counted_advisor: str | None
    recruitment_eligible_cost_yen: int
    recruitment_measure_yen: int
    reasons: tuple[Reason, ...]
    left_out: tuple[LeftOut, ...] = ()  # the claim's costs left out before the assessment

    @property
    def total_measure_yen(self) -> int:
        return self.appointment_measure_yen + self.recruitment_measure_yen

    @property
    def eligible(self) -> bool:
        return self.total_measure_yen > 0

    def to_contract(self) -> dict[str, Any]:
        """The output document of contracts.md (``ninyo assess subsidy``)."""
        return {
            "fiscal_year": self.fiscal_year,
            "eligible": self.eligible,
            "appointment": {
                "eligible_cost_yen": self.appointment_eligible_cost_yen,
                "measure_yen": self.appointment_measure_yen,
                "counted_advisor": self.counted_advisor,
            },
            "recruitment": {
                "eligible_cost_yen": self.recruitment_eligible_cost_yen,
                "measure_yen": self.recruitment_measure_yen,
            },
            "total_measure_yen": self.total_measure_yen,
            "reasons": [r.model_dump() for r in self.reasons],
            **({"left_out": [x.model_dump() for x in self.left_out]} if self.left_out else {}),
        }


def _measures(policy: Policy | MeasuresPolicy | None) -> MeasuresPolicy:
    if policy is None:
        return default_policy().measures
    return policy.measures if isinstance(policy, Policy) else policy


def _rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _fy_text(year: int) -> str:
    return f"FY{year} ({FiscalYear(year).label})"


def _periods_text(measure: Measure) -> str:
    return ", ".join(
        f"FY{t.from_fiscal_year}-FY{t.to_fiscal_year} "
        f"(R{FiscalYear(t.from_fiscal_year).reiwa}-R{FiscalYear(t.to_fiscal_year).reiwa}, "
        f"{FiscalYear(t.from_fiscal_year).label}-{FiscalYear(t.to_fiscal_year).label})"
        for t in measure.terms
    )


def round_yen(exact: Decimal, rounding: Literal["down", "half_up"]) -> int:
    """Whole yen (R-SUB-8); the packaged policy rounds down (interpretation)."""
    mode = ROUND_FLOOR if rounding == "down" else ROUND_HALF_UP
    return int(exact.to_integral_value(rounding=mode))


def _apply_term(
    term: MeasureTerm, cost: int, rounding: Literal["down", "half_up"], label: str, detail: str
) -> tuple[int, list[Reason]]:
    """Measure for ``cost`` under ``term`` with the reasons saying how it was reached."""
    rule = "R-SUB-3" if label == "appointment" else "R-SUB-4"
    with localcontext() as ctx:  # exact for any whole-yen amount, not just 28 digits
        ctx.prec = len(str(cost)) + 40
        exact = Decimal(cost) * term.rate
        rounded = round_yen(exact, rounding)
        exact_text = f"{exact.normalize():,f}"
    measure = rounded
    text = f"{label} measure: {_rate_text(term.rate)} x {yen(cost)}"
    if term.cap_yen is not None:
        if rounded > term.cap_yen:
            measure = term.cap_yen
            text += f" = {yen(rounded)}, capped at {yen(term.cap_yen)}"
        elif rounded == term.cap_yen:
            text += f", at the {yen(term.cap_yen)} cap"
        else:
            text += f", under the {yen(term.cap_yen)} cap"
    reasons = [Reason(code=rule, message=text + detail)]
    if measure == rounded and Decimal(rounded) != exact:
        reasons.append(Reason(
            code="R-SUB-8",
            message=f"{label} measure rounded {rounding.replace('_', ' ')} to whole yen: "
                    f"{exact_text} -> {yen(rounded)}",
        ))
    return measure, reasons


def _out_of_fy(what: str, cost: Payment | RecruitmentCost, fiscal_year: int) -> Reason:
    accrued = (f" (obligation arose {cost.accrual_date.isoformat()})"
               if cost.accrual_date is not None else "")
    return Reason(
        code="R-SUB-6",
        message=f"{what} of {yen(cost.amount_yen)} on {cost.date.isoformat()}{accrued} left out: "
                f"it belongs to {_fy_text(FiscalYear.of(cost.fiscal_day).year)}, not "
                f"{_fy_text(fiscal_year)}",
    )


def _outside_period(measure: Measure, what: str, amount: int, fiscal_year: int) -> Reason:
    return Reason(
        code="R-SUB-7",
        message=f"not eligible: outside the measure period {_periods_text(measure)}: "
                f"{what} of {yen(amount)} in {_fy_text(fiscal_year)}",
    )


def _appointment(
    policy: MeasuresPolicy, fiscal_year: int, advisors: Sequence[AdvisorCosts]
) -> tuple[int, int, str | None, list[Reason]]:
    measure_def = policy.appointment
    eligible_kinds = measure_def.eligible_payments
    forms_text = ", ".join(f"{f.value} ({', '.join(k)})" for f, k in eligible_kinds.items())
    fy = FiscalYear(fiscal_year)
    reasons: list[Reason] = []
    totals: list[tuple[int, int, AdvisorCosts]] = []  # (eligible cost, input index, advisor)
    for index, advisor in enumerate(advisors):
        in_year: list[Payment] = []
        for p in advisor.payments:
            if fy.contains(p.fiscal_day):
                in_year.append(p)
            else:
                reasons.append(_out_of_fy(f"payment to {advisor.id}", p, fiscal_year))
        kinds = eligible_kinds.get(advisor.form)
        if kinds is None:
            amount = sum(p.amount_yen for p in in_year)
            reasons.append(Reason(
                code="R-SUB-2",
                message=f"{advisor.id} ({advisor.form.value}): {yen(amount)} not eligible: "
                        f"only {forms_text} qualify",
            ))
            if advisor.form is AppointmentForm.enterprise_dispatch:
                ed = policy.other_measures.enterprise_dispatch
                reasons.append(Reason(
                    code="R-SUB-10",
                    message=f"{advisor.id} (enterprise_dispatch) may qualify under the "
                            f"{ed.name_ja} measure instead (up to {yen(ed.cap_yen_per_person_per_year)} "
                            "per person a year; ninyo assesses it with assess_enterprise_dispatch)",
                ))
            continue
        total = 0
        for p in in_year:
            if p.kind in kinds:
                total += p.amount_yen
            else:
                reasons.append(Reason(
                    code="R-SUB-2",
                    message=f"{advisor.id}: {p.kind} payment of {yen(p.amount_yen)} on "
                            f"{p.date.isoformat()} not eligible: {advisor.form.value} "
                            f"qualifies for {', '.join(kinds)} only",
                ))
        if total > 0:
            totals.append((total, index, advisor))
    if not totals:
        return 0, 0, None, reasons
    term = measure_def.term_for(fiscal_year)
    if term is None:
        amount = sum(t[0] for t in totals)
        ids = ", ".join(a.id for _, _, a in totals)
        reasons.append(_outside_period(measure_def, f"appointment costs ({ids})", amount, fiscal_year))
        return 0, 0, None, reasons
    if measure_def.tie_break == "smallest_id":
        totals.sort(key=lambda t: (-t[0], t[2].id))
    else:
        totals.sort(key=lambda t: (-t[0], t[1]))
    cost, _, counted = totals[0]
    for other_cost, _, other in totals[1:]:
        why = "same eligible cost, counted first" if other_cost == cost else "largest eligible cost"
        reasons.append(Reason(
            code="R-SUB-5",
            message=f"{other.id}: {yen(other_cost)} not counted: the measure covers one person "
                    f"per municipality; {counted.id} is counted ({why}, {yen(cost)})",
        ))
    measure, applied = _apply_term(
        term, cost, policy.rounding, "appointment", f" ({counted.id}, {counted.form.value})"
    )
    return cost, measure, counted.id, reasons + applied


def _recruitment(
    policy: MeasuresPolicy, fiscal_year: int, costs: Sequence[RecruitmentCost]
) -> tuple[int, int, list[Reason]]:
    measure_def = policy.recruitment
    fy = FiscalYear(fiscal_year)
    reasons: list[Reason] = []
    total = 0
    for c in costs:
        if not fy.contains(c.fiscal_day):
            reasons.append(_out_of_fy("recruitment cost", c, fiscal_year))
        elif c.kind not in measure_def.eligible_cost_kinds:
            reasons.append(Reason(
                code="R-SUB-4",
                message=f"{c.kind} recruitment cost of {yen(c.amount_yen)} on {c.date.isoformat()} "
                        f"not eligible: only {', '.join(measure_def.eligible_cost_kinds)} qualify",
            ))
        else:
            total += c.amount_yen
    if total == 0:
        return 0, 0, reasons
    term = measure_def.term_for(fiscal_year)
    if term is None:
        reasons.append(_outside_period(measure_def, "recruitment costs", total, fiscal_year))
        return 0, 0, reasons
    measure, applied = _apply_term(term, total, policy.rounding, "recruitment", "")
    return total, measure, reasons + applied


def assess(
    municipality: Municipality,
    fiscal_year: int,
    advisors: Sequence[AdvisorCosts] = (),
    recruitment_costs: Sequence[RecruitmentCost] = (),
    policy: Policy | MeasuresPolicy | None = None,
) -> SubsidyAssessment:
    """Assess one municipality's claim for one fiscal year (R-SUB-1..8)."""
    measures = _measures(policy)
    kind_policy = measures.municipality_kinds[municipality.kind]
    if not kind_policy.eligible:
        # costs of other fiscal years are left out by R-SUB-6 (contracts.md: each with its
        # reason), so R-SUB-1 refuses only this fiscal year's costs
        fy = FiscalYear(fiscal_year)
        out_of_fy = [_out_of_fy(f"payment to {a.id}", p, fiscal_year)
                     for a in advisors for p in a.payments if not fy.contains(p.fiscal_day)]
        out_of_fy += [_out_of_fy("recruitment cost", c, fiscal_year)
                      for c in recruitment_costs if not fy.contains(c.fiscal_day)]
        submitted_a = sum(p.amount_yen for a in advisors for p in a.payments
                          if fy.contains(p.fiscal_day))
        submitted_r = sum(c.amount_yen for c in recruitment_costs if fy.contains(c.fiscal_day))
        label = "interpretation: " if kind_policy.interpretation else ""
        reason = Reason(
            code="R-SUB-1",
            message=f"not eligible: {municipality.name} is a {municipality.kind.value} "
                    f"({KIND_JA[municipality.kind]}); {label}{kind_policy.reason or 'not covered'}; "
                    f"appointment costs {yen(submitted_a)} and recruitment costs "
                    f"{yen(submitted_r)} refused",
        )
        return SubsidyAssessment(
            fiscal_year=fiscal_year, appointment_eligible_cost_yen=0, appointment_measure_yen=0,
            counted_advisor=None, recruitment_eligible_cost_yen=0, recruitment_measure_yen=0,
            reasons=(reason, *out_of_fy),
        )
    a_cost, a_measure, counted, a_reasons = _appointment(measures, fiscal_year, advisors)
    r_cost, r_measure, r_reasons = _recruitment(measures, fiscal_year, recruitment_costs)
    return SubsidyAssessment(
        fiscal_year=fiscal_year,
        appointment_eligible_cost_yen=a_cost,
        appointment_measure_yen=a_measure,
        counted_advisor=counted,
        recruitment_eligible_cost_yen=r_cost,
        recruitment_measure_yen=r_measure,
        reasons=tuple(a_reasons + r_reasons),
    )


# --- R-SUB-9 / R-SUB-10: other measures, assessed where numbers are given ----------------


class OtherMeasureResult(Frozen):
    measure_yen: int
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        return self.measure_yen > 0


def _capped(rule: str, label: str, cost: int, rate: Decimal, cap: int, rounding) -> OtherMeasureResult:
    exact = Decimal(cost) * rate
    amount = round_yen(exact, rounding)
    if amount > cap:
        msg = f"{label}: {yen(amount)} capped at {yen(cap)} a year"
        amount = cap
    else:
        msg = f"{label}: {_rate_text(rate)} x {yen(cost)}, within the {yen(cap)} yearly cap"
    return OtherMeasureResult(measure_yen=amount, reasons=(Reason(code=rule, message=msg),))


def _refused(reasons: list[Reason]) -> OtherMeasureResult:
    return OtherMeasureResult(measure_yen=0, reasons=tuple(reasons))


def assess_regional_power_advisor(
    municipality: Municipality,
    *,
    has_eligible_area: bool,
    expert: Literal["private_expert", "advanced_municipality_staff"],
    year_of_use: int,
    days: int,
    visits: int,
    cost_yen: int,
    policy: Policy | MeasuresPolicy | None = None,
) -> OtherMeasureResult:
    """地域力創造アドバイザー (R-SUB-9): 定住自立圏 or disadvantaged areas, 10 days or 5 visits
    a year, up to 3 years, capped per year by the kind of expert."""
    measures = _measures(policy)
    p = measures.other_measures.regional_power_advisor
    why: list[Reason] = []
    if municipality.kind not in p.eligible_municipality_kinds:
        why.append(Reason(code=p.rule, message=f"not eligible: {p.name_ja} is for municipalities (市町村) only"))
    if not has_eligible_area:
        why.append(Reason(code=p.rule, message=f"not eligible: the municipality needs {' or '.join(p.eligible_areas)}"))
    if year_of_use > p.max_years:
        why.append(Reason(code=p.rule, message=f"not eligible: year {year_of_use} of use; the measure lasts at most {p.max_years} years"))
    if days < p.min_days_per_year and visits < p.min_visits_per_year:
        why.append(Reason(
            code=p.rule,
            message=f"not eligible: {days} days and {visits} visits; at least "
                    f"{p.min_days_per_year} days or {p.min_visits_per_year} visits a year are needed",
        ))
    if why:
        return _refused(why)
    return _capped(p.rule, p.name_ja, cost_yen, p.rate, p.caps_yen_per_year[expert], measures.rounding)


def check_informatization_advisor_request(
    onsite_days: int, online_hours: int, policy: Policy | MeasuresPolicy | None = None
) -> list[Reason]:
    """地域情報化アドバイザー (R-SUB-9): free; per theme at most 3 days on site or 10 hours online."""
    p = _measures(policy).other_measures.regional_informatization_advisor
    out: list[Reason] = []
    if onsite_days > p.max_onsite_days_per_theme:
        out.append(Reason(code=p.rule, message=f"{p.name_ja}: {onsite_days} days on site; at most {p.max_onsite_days_per_theme} per theme"))
    if online_hours > p.max_online_hours_per_theme:
        out.append(Reason(code=p.rule, message=f"{p.name_ja}: {online_hours} hours online; at most {p.max_online_hours_per_theme} per theme"))
    return out


def check_jlis_advisor_request(
    times_this_year: int, registered: bool, policy: Policy | MeasuresPolicy | None = None
) -> list[Reason]:
    """J-LIS 地方支援アドバイザー (R-SUB-9): at most 5 times a year per theme; free when registered."""
    p = _measures(policy).other_measures.jlis_advisor
    out: list[Reason] = []
    if times_this_year > p.max_times_per_theme_per_year:
        out.append(Reason(code=p.rule, message=f"{p.name_ja}: {times_this_year} times this year; at most {p.max_times_per_theme_per_year} per theme"))
    if not registered and p.free_when_registered:
        out.append(Reason(code=p.rule, message=f"{p.name_ja}: not registered, so the municipality pays the actual costs (実費)"))
    return out


def assess_enterprise_dispatch(
    *, cost_yen: int, share_of_month_on_duty: Decimal, policy: Policy | MeasuresPolicy | None = None
) -> OtherMeasureResult:
    """地域活性化起業人, company-dispatch type (R-SUB-10, less certain than the manual)."""
    measures = _measures(policy)
    p = measures.other_measures.enterprise_dispatch
    if share_of_month_on_duty < p.min_share_of_month_on_duty:
        return _refused([Reason(
            code=p.rule,
            message=f"not eligible: {p.name_ja} must work in the municipality at least "
                    f"{_rate_text(p.min_share_of_month_on_duty)} of each month",
        )])
    return _capped(p.rule, p.name_ja, cost_yen, Decimal(1), p.cap_yen_per_person_per_year, measures.rounding)


def assess_enterprise_side_job(
    *,
    fiscal_year: int,
    days_per_month: int,
    hours_per_month: int,
    onsite_days_per_month: int,
    fees_yen: int,
    travel_yen: int,
    policy: Policy | MeasuresPolicy | None = None,
) -> OtherMeasureResult:
    """地域活性化起業人, side-job type from FY2024 (R-SUB-10, less certain)."""
    measures = _measures(policy)
    p = measures.other_measures.enterprise_side_job
    why: list[Reason] = []
    if fiscal_year < p.from_fiscal_year:
        why.append(Reason(code=p.rule, message=f"not eligible: {p.name_ja} starts in {_fy_text(p.from_fiscal_year)}"))
    if days_per_month < p.min_days_per_month or hours_per_month < p.min_hours_per_month:
        why.append(Reason(code=p.rule, message=f"not eligible: at least {p.min_days_per_month} days and {p.min_hours_per_month} hours a month are needed"))
    if onsite_days_per_month < p.min_onsite_days_per_month:
        why.append(Reason(code=p.rule, message=f"not eligible: at least {p.min_onsite_days_per_month} day a month on site is needed"))
    if why:
        return _refused(why)
    fees = _capped(p.rule, f"{p.name_ja} fees", fees_yen, Decimal(1), p.cap_fees_yen_per_year, measures.rounding)
    travel = _capped(p.rule, f"{p.name_ja} travel", travel_yen, Decimal(1), p.cap_travel_yen_per_year, measures.rounding)
    return OtherMeasureResult(
        measure_yen=fees.measure_yen + travel.measure_yen, reasons=fees.reasons + travel.reasons
    )
