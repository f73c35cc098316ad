"""Pledges (誓約書) the appointee signs — R-PLEDGE-1..3.

4.4(4): a special part-time advisor is outside the Local Public Service Act, so the
rules of conduct come from a charter (要綱) and a pledge signed before appointment; an
outsourcing contract carries them in the contract. When the advisor works for (or long
worked for) a for-profit company and advises on procurements, the pledge adds the items
of the Digital Agency's pledge (参考4.4-⑩). Which items, for which forms: ``policies/pledges.json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from domain.findings import Finding
from domain.policy import PledgePolicy, Policy, default_policy
from domain.values import AppointmentForm


class PledgeItem(StrEnum):
    appointment_terms = "appointment_terms"  # 任用及び解職に関する事項
    no_discrediting_acts = "no_discrediting_acts"  # 信用失墜行為の禁止
    confidentiality = "confidentiality"  # 守秘義務
    devotion_to_duty = "devotion_to_duty"  # 職務専念義務
    conflict_of_interest = "conflict_of_interest"  # 利益相反行為の禁止
    side_job_disclosure = "side_job_disclosure"  # 兼業先の開示
    holdings_disclosure = "holdings_disclosure"  # 保有株式・保有知的財産権等の開示
    bid_restriction_cooperation = "bid_restriction_cooperation"  # 入札制限への協力


def _policy(policy: Policy | PledgePolicy | None) -> PledgePolicy:
    if policy is None:
        return default_policy().pledges
    return policy.pledges if isinstance(policy, Policy) else policy


def label_ja(item: PledgeItem | str, policy: Policy | PledgePolicy | None = None) -> str:
    """Japanese wording of a pledge item, for the pledge form (誓約書)."""
    return _policy(policy).labels_ja[PledgeItem(item).value]


def pledge_sets(
    form: AppointmentForm | str,
    appointee_for_profit: bool,
    advises_on_procurement: bool,
    policy: Policy | PledgePolicy | None = None,
) -> list[tuple[str, list[PledgeItem]]]:
    """``[(rule, items), ...]`` required for this appointment: R-PLEDGE-1, then R-PLEDGE-2."""
    p = _policy(policy)
    form = AppointmentForm(form)
    out: list[tuple[str, list[PledgeItem]]] = []
    if form in p.base.forms:
        out.append((p.base.rule, [PledgeItem(i) for i in p.base.items]))
    if appointee_for_profit and advises_on_procurement and form in p.conflict_of_interest.forms:
        out.append((p.conflict_of_interest.rule, [PledgeItem(i) for i in p.conflict_of_interest.items]))
    return out


def required_pledges(
    form: AppointmentForm | str,
    appointee_for_profit: bool,
    advises_on_procurement: bool,
    policy: Policy | PledgePolicy | None = None,
) -> list[PledgeItem]:
    """Pledge items the appointee must sign before appointment (R-PLEDGE-1/2), in order."""
    items: list[PledgeItem] = []
    for _, group in pledge_sets(form, appointee_for_profit, advises_on_procurement, policy):
        items.extend(i for i in group if i not in items)
    return items


def missing_pledges(
    form: AppointmentForm | str,
    appointee_for_profit: bool,
    advises_on_procurement: bool,
    signed: Iterable[PledgeItem | str],
    policy: Policy | PledgePolicy | None = None,
) -> list[Finding]:
    """One violation per rule whose items are not all signed (field ``pledges_signed``)."""
    done = {PledgeItem(s) for s in signed}
    out: list[Finding] = []
    for rule, items in pledge_sets(form, appointee_for_profit, advises_on_procurement, policy):
        missing = [i for i in items if i not in done]
        if missing:
            names = ", ".join(f"{i.value} ({label_ja(i, policy)})" for i in missing)
            why = ("required before appointment as " + AppointmentForm(form).value
                   if rule == "R-PLEDGE-1" else
                   "required because the appointee works (or long worked) for a for-profit "
                   "company and advises on procurements")
            out.append(Finding(
                code=rule,
                message=f"pledge not signed: {names}; {why}. "
                        "The appointment cannot be made until it is signed (R-PLEDGE-3)",
                field="pledges_signed",
            ))
    return out

