"""Appointment forms (任用形態) and what each allows — R-FORM-1..5, with R-POST-1,
R-PLEDGE-1/2 and R-READY, as one check of a proposed appointment.

参考4.4-⑦ compares the two civil-service forms: 特定任期付職員 (specific_fixed_term,
full-time, at most 5 years) and 特別職非常勤職員 (special_part_time, limited since the
2017 reform to 助言・調査・診断). 4.4(4) adds outsourcing (業務委託, confidentiality in the
contract) and 4.4(5)③ company dispatch (地域活性化起業人). Limits live in
``policies/forms.json`` and ``policies/measures.json``.

``check_appointment`` returns ``(violations, warnings)``: violations make the appointment
invalid; warnings (readiness not yet confirmed ...) do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Literal

from domain.findings import Finding, last_day_of_span
from domain.pledges import PledgeItem, missing_pledges
from domain.policy import Policy, default_policy
from domain.readiness import readiness_warnings
from domain.values import AppointmentForm, Frozen, Municipality, MunicipalityKind

__all__ = [
    "Appointee", "Duty", "DutyKind", "Finding", "check_appointment", "check_digital_expert_dispatch",
    "check_dispatch_term", "duty_warnings", "term_violations",
]


class DutyKind(StrEnum):
    advice = "advice"  # 助言
    research = "research"  # 調査
    diagnosis = "diagnosis"  # 診断
    drafting = "drafting"  # 立案
    deciding = "deciding"  # 決定 (executive act)
    contracting = "contracting"  # 契約 (executive act)
    directing_staff = "directing_staff"  # 職員への指揮命令 (executive act)
    implementation = "implementation"  # 実施


class Duty(Frozen):
    kind: DutyKind
    text: str = ""


class Appointee(Frozen):
    """Who is appointed, as far as the rules care: a for-profit employer (current or long-time)
    and whether the duties include advice on procurements (R-PLEDGE-2, R-BID)."""

    for_profit_employer: str | None = None
    advises_on_procurement: bool = False

    @property
    def for_profit(self) -> bool:
        return bool(self.for_profit_employer and self.for_profit_employer.strip())


_CLAUSE_JA = {"confidentiality": "守秘義務", "fairness": "公平性・透明性の確保"}


def _duty(d: Duty | DutyKind | str | Mapping[str, Any]) -> Duty:
    if isinstance(d, Duty):
        return d
    if isinstance(d, Mapping):
        return Duty.model_validate(d)
    if hasattr(d, "kind"):  # another model with the same shape
        return Duty(kind=DutyKind(str(d.kind)), text=str(getattr(d, "text", "") or ""))
    return Duty(kind=DutyKind(d))


def _policy(policy: Policy | None) -> Policy:
    return policy or default_policy()


def check_dispatch_term(
    scheme: Literal["enterprise_dispatch", "digital_expert_dispatch"],
    start: dt.date,
    end: dt.date,
    policy: Policy | None = None,
) -> list[Finding]:
    """Dispatch length: 地域活性化起業人 6 months to 3 years (R-SUB-10 data, the scheme's
    condition); デジタル専門人材派遣 6 months to 2 years "as a rule" (参考4.4-⑭). Both are
    warnings: neither limits the appointment itself."""
    other = _policy(policy).measures.other_measures
    p = other.enterprise_dispatch if scheme == "enterprise_dispatch" else other.digital_expert_dispatch
    shortest = last_day_of_span(start, months=p.min_months)
    longest = last_day_of_span(start, years=p.max_years)
    if shortest <= end <= longest:
        return []
    rule = "R-FORM-4"
    as_a_rule = " as a rule (原則)" if getattr(p, "as_a_rule", False) else ""
    return [Finding(
        code=rule,
        message=f"{p.name_ja}: a term from {start.isoformat()} must end between "
                f"{shortest.isoformat()} and {longest.isoformat()} ({p.min_months} months to "
                f"{p.max_years} years{as_a_rule}); it ends {end.isoformat()}",
        field="term.end",
    )]


def term_violations(
    form: AppointmentForm, start: dt.date, end: dt.date, policy: Policy | None = None
) -> list[Finding]:
    """Term limits by form; ``end`` is the last day, inclusive (R-FORM-1)."""
    p = _policy(policy)
    if end < start:
        return [Finding(code="invalid_input",
                        message=f"the term ends {end.isoformat()}, before it starts {start.isoformat()}",
                        field="term.end")]
    if form is AppointmentForm.specific_fixed_term:
        rule = p.forms.specific_fixed_term
        last = last_day_of_span(start, years=rule.max_years)
        if end > last:
            return [Finding(
                code=rule.rule,
                message=f"{rule.name_ja} (specific_fixed_term): the term is at most "
                        f"{rule.max_years} years; from {start.isoformat()} it must end by "
                        f"{last.isoformat()}, not {end.isoformat()}",
                field="term.end",
            )]
    # enterprise_dispatch's 6 months-3 years is the 地域活性化起業人 allocation-tax scheme's
    # condition (R-SUB-10, "less certain" in the brief), not a limit on the appointment:
    # check_appointment reports it as a warning
    return []


def _duty_violations(form: AppointmentForm, duties: Sequence[Duty], p: Policy) -> list[Finding]:
    if form is not AppointmentForm.special_part_time:
        return []
    spt = p.forms.special_part_time
    out: list[Finding] = []
    for i, d in enumerate(duties):
        if d.kind.value in spt.executive_duties:
            out.append(Finding(
                code="R-FORM-5",
                message=f"a {spt.name_ja} (special_part_time) may not perform executive acts: "
                        f"duty {d.kind.value!r} ({d.text or 'no text'}) is not allowed; appoint "
                        f"as specific_fixed_term or limit the duty to advice, research or diagnosis",
                field=f"duties.{i}.kind",
            ))
        elif d.kind.value in spt.warning_duties:
            continue  # a warning (duty_warnings), not a violation (turn 2)
        elif d.kind.value not in spt.allowed_duties:
            out.append(Finding(
                code=spt.rule,
                message=f"a {spt.name_ja} (special_part_time) is limited to "
                        f"{', '.join(spt.allowed_duties)} (助言・調査・診断, 地方公務員法 §3(3)(iii)); "
                        f"duty {d.kind.value!r} ({d.text or 'no text'}) is outside it",
                field=f"duties.{i}.kind",
            ))
    return out


def duty_warnings(form: AppointmentForm, duties: Sequence[Duty], p: Policy) -> list[Finding]:
    """R-FORM-2 warnings (turn 2): a special part-time advisor may take part in drafting by
    advising, the plan stays the staff's; an enterprise_dispatch appointee may not handle
    permits or contracts concerning the dispatching company (規定例②, R-FORM-4)."""
    out: list[Finding] = []
    if form is AppointmentForm.special_part_time:
        spt = p.forms.special_part_time
        for i, d in enumerate(duties):
            if d.kind.value in spt.warning_duties:
                out.append(Finding(
                    code=spt.rule,
                    message=f"a {spt.name_ja} (special_part_time) advises on drafting "
                            f"({d.text or d.kind.value}): the plan stays the staff's (丸投げしない); "
                            "the advisor's part is advice, research and diagnosis",
                    field=f"duties.{i}.kind",
                ))
    if form is AppointmentForm.enterprise_dispatch:
        ed = p.forms.enterprise_dispatch
        for i, d in enumerate(duties):
            if d.kind.value in ("contracting", "deciding"):
                out.append(Finding(
                    code="R-FORM-4",
                    message=f"{ed.name_ja}: the dispatched appointee may not handle permits or "
                            f"contracts concerning the dispatching company "
                            f"({ed.restricted_acts_ja}); duty {d.kind.value!r} must exclude them",
                    field=f"duties.{i}.kind",
                ))
    return out


def check_digital_expert_dispatch(
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    internal_coordinator: str | None,
    policy: Policy | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """デジタル専門人材派遣制度 (R-FORM-4, turn 2): for 市町村 except designated cities (指定都市),
    with an internal coordinator (内部調整責任者); 6 months to 2 years as a rule (warning).
    Returns ``(violations, warnings)``."""
    p = _policy(policy)
    name = p.measures.other_measures.digital_expert_dispatch.name_ja
    violations: list[Finding] = []
    if municipality.kind not in (MunicipalityKind.city, MunicipalityKind.town,
                                 MunicipalityKind.village):
        violations.append(Finding(
            code="R-FORM-4",
            message=f"{name} is for 市町村; {municipality.name} is a {municipality.kind.value}",
            field="municipality.kind",
        ))
    elif municipality.designated_city:
        violations.append(Finding(
            code="R-FORM-4",
            message=f"{name} is for 市町村（指定都市除く）: {municipality.name} is a designated city",
            field="municipality.designated_city",
        ))
    if not (internal_coordinator and internal_coordinator.strip()):
        violations.append(Finding(
            code="R-FORM-4",
            message=f"{name} needs an internal coordinator (内部調整責任者) named by the municipality",
            field="internal_coordinator",
        ))
    warnings = check_dispatch_term("digital_expert_dispatch", start, end, p) if end >= start else []
    return violations, warnings


def check_appointment(
    form: AppointmentForm | str,
    term_start: dt.date,
    term_end: dt.date,
    duties: Iterable[Duty | DutyKind | str | Mapping[str, Any]],
    initiatives: Iterable[str],
    appointee: Appointee | Mapping[str, Any] | None,
    pledges_signed: Iterable[PledgeItem | str],
    readiness_confirmed: Iterable[int],
    municipality: Municipality | None = None,
    policy: Policy | None = None,
    contract_clauses: Iterable[str] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """Every rule about a proposed appointment: ``(violations, warnings)``.

    ``contract_clauses`` (outsourcing, turn 2): None keeps the pledges R-PLEDGE-1/2 ask;
    a list means the measures live in the contract: each of confidentiality and fairness
    missing is an R-FORM-3 violation and the personal pledges are not demanded.
    """
    p = _policy(policy)
    form = AppointmentForm(form)
    duty_list = [_duty(d) for d in duties]
    initiative_list = [i for i in initiatives if i and i.strip()]
    if appointee is None:
        appointee = Appointee()
    elif not isinstance(appointee, Appointee):
        appointee = Appointee.model_validate(appointee)
    signed = [PledgeItem(s) for s in pledges_signed]

    violations: list[Finding] = []
    warnings: list[Finding] = []
    violations += term_violations(form, term_start, term_end, p)
    if form is AppointmentForm.enterprise_dispatch and term_end >= term_start:
        warnings += check_dispatch_term("enterprise_dispatch", term_start, term_end, p)
    violations += _duty_violations(form, duty_list, p)
    if not initiative_list:
        violations.append(Finding(
            code="R-POST-1",
            message="the role names no DX initiative: state which initiatives the advisor "
                    "will work on (e.g. bpr, online_procedures)",
            field="initiatives",
        ))
    if not duty_list:
        warnings.append(Finding(code="R-POST-1", message="the role states no concrete duty",
                                field="duties"))
    by_contract = form is AppointmentForm.outsourcing and contract_clauses is not None
    if by_contract:
        rule = p.forms.outsourcing
        clauses = set(contract_clauses or ())
        for clause in rule.contract_must_cover:
            if clause not in clauses:
                violations.append(Finding(
                    code=rule.rule,
                    message=f"an outsourcing contract (業務委託) must secure {clause} "
                            f"({_CLAUSE_JA[clause]}) in the contract or the specification",
                    field="contract_clauses",
                ))
    else:
        violations += missing_pledges(form, appointee.for_profit,
                                      appointee.advises_on_procurement, signed, p)
    warnings += duty_warnings(form, duty_list, p)
    if (appointee.for_profit and appointee.advises_on_procurement
            and (by_contract or form not in p.pledges.conflict_of_interest.forms)):
        warnings.append(Finding(
            code="R-PLEDGE-2",
            message=f"the appointee works for {appointee.for_profit_employer} and advises on "
                    "procurements: set bid restrictions (R-BID) and consider a conflict-of-interest pledge",
            field="appointee",
        ))
    if form is AppointmentForm.specific_fixed_term and appointee.for_profit:
        warnings.append(Finding(
            code="R-FORM-1",
            message=f"keeping employee status at {appointee.for_profit_employer} is possible, but "
                    "pay from it is limited by 地方公務員法 §38 and a side job needs the "
                    "appointing authority's permission",
            field="appointee.for_profit_employer",
        ))
    from_company = appointee.for_profit or form is AppointmentForm.enterprise_dispatch
    warnings += readiness_warnings(readiness_confirmed, from_company=from_company)
    return violations, warnings
