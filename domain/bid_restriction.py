"""Bid restrictions (入札制限) around a CIO advisor — R-BID-A, B1, B2, C, DA, GL.

参考4.4-⑧ gives the municipal examples (A: a period around the contract, B: companies
with a relationship to the advisor, C: acts the advisor may not do), 参考4.4-⑩ the
Digital Agency rule (DA), 参考4.4-⑨ the national standard guideline (GL). The municipality picks one rule set; its parameters are in
``policies/bid_rule_sets.json`` and its semantics are fixed in contracts.md. All dates
compare with the procurement's ``published`` date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from domain.errors import RuleViolation
from domain.findings import days_inclusive
from domain.fiscal import period_after
from domain.policy import BidPolicy, Policy, default_policy
from domain.values import Frozen

RuleSetName = Literal["A", "B1", "B2", "C", "DA", "GL"]


class Decision(StrEnum):
    allowed = "allowed"
    restricted = "restricted"
    exemption_possible = "exemption_possible"
    exempted = "exempted"


class Employment(Frozen):
    """An employment or a side job; ``to`` None means it continues."""

    company: str = Field(min_length=1)
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or self.to >= day)


class Person(Frozen):
    id: str = Field(min_length=1)
    employments: tuple[Employment, ...] = ()
    side_jobs: tuple[Employment, ...] = ()


class Group(Frozen):
    """A corporate group: ``parent`` is the parent of each of ``members``."""

    parent: str = Field(min_length=1)
    members: tuple[str, ...] = ()


class Procurement(Frozen):
    id: str = Field(min_length=1)
    published: dt.date
    advised_by: tuple[str, ...] = ()
    spec_writers: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    supervisors: tuple[str, ...] = ()
    # GL (turn 2): companies that directly took part in drafting this specification, and
    # companies supporting the PJMO of the system this procurement designs or develops
    spec_drafting_companies: tuple[str, ...] = ()
    pmo_support_companies: tuple[str, ...] = ()
    design_or_development: bool = True


class Contract(Frozen):
    """The advisor's contract with a company (dispatch / outsourcing), for rule set A."""

    company: str | None = None
    start: dt.date
    end: dt.date


class Exemption(Frozen):
    """DA exemption conditions (a), (b), (c) of 参考4.4-⑩."""

    no_spec_contact: bool
    contact_history_submitted: bool
    audit_accepted: bool


class GLExemption(Frozen):
    """GL's exemption: the drafting company gains no competitive advantage."""

    no_competitive_advantage: bool


class BidCase(Frozen):
    rule_set: RuleSetName
    procurement: Procurement
    bidder: str = Field(min_length=1)
    people: tuple[Person, ...] = ()
    groups: tuple[Group, ...] = ()
    advisors: tuple[str, ...] | None = None
    contract: Contract | None = None
    exemption: Exemption | GLExemption | None = None

    @model_validator(mode="after")
    def _exemption_fits_the_rule_set(self) -> BidCase:
        if self.rule_set == "GL" and isinstance(self.exemption, Exemption):
            raise ValueError("exemption: rule set GL takes {\"no_competitive_advantage\": bool}")
        if self.rule_set == "DA" and isinstance(self.exemption, GLExemption):
            raise ValueError("exemption: rule set DA takes the conditions no_spec_contact, "
                             "contact_history_submitted, audit_accepted")
        return self


class BidDecision(Frozen):
    decision: Decision
    rule: str | None
    reason: str
    people: tuple[str, ...] = ()

    def to_contract(self) -> dict:
        return {
            "decision": self.decision.value,
            "rule": self.rule,
            "reason": self.reason,
            "people": list(self.people),
        }


# --- company relations --------------------------------------------------------------------


def group_of(company: str, groups: Iterable[Group]) -> set[str]:
    """The company and every company connected to it through group entries, at any depth
    (turn 2): the parent and members of one entry are connected, and connection is
    undirected and transitive (a member that is the parent of another entry brings it in)."""
    entries = [{g.parent, *g.members} for g in groups]
    out = {company}
    grew = True
    while grew:
        grew = False
        for entry in entries:
            if entry & out and not entry <= out:
                out |= entry
                grew = True
    return out


def parent_and_subsidiaries(company: str, groups: Iterable[Group], *, parent: bool = True,
                            subsidiaries: bool = True, sisters: bool = False) -> set[str]:
    """DA's restricted set for one side-job company: itself, its ancestors (parent, the
    parent's parent ...) and its descendants (subsidiaries, theirs ...) at any depth (turn 2);
    sisters (another member of the parent's entry) only when ``sisters``."""
    groups = list(groups)
    parents: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for g in groups:
        for m in g.members:
            parents.setdefault(m, set()).add(g.parent)
            children.setdefault(g.parent, set()).add(m)

    def walk(start: str, links: dict[str, set[str]]) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in links.get(todo.pop(), ()):
                if nxt not in seen and nxt != start:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    out = {company}
    if parent:
        out |= walk(company, parents)
    if subsidiaries:
        out |= walk(company, children)
    if sisters:
        for p in parents.get(company, ()):
            out |= children.get(p, set())
    return out


def distinct_days(spans: Iterable[tuple[dt.date, dt.date]]) -> int:
    """Days covered by the spans (both ends included), overlaps counted once."""
    total = 0
    cur_start: dt.date | None = None
    cur_end: dt.date | None = None
    for start, end in sorted(spans):
        if cur_end is not None and start <= cur_end + dt.timedelta(days=1):
            cur_end = max(cur_end, end)
            continue
        if cur_start is not None and cur_end is not None:
            total += days_inclusive(cur_start, cur_end)
        cur_start, cur_end = start, end
    if cur_start is not None and cur_end is not None:
        total += days_inclusive(cur_start, cur_end)
    return total


# --- the rule sets ----------------------------------------------------------------------------


def _people_index(case: BidCase, ids: Sequence[str], field: str) -> list[Person]:
    """The persons named in ``ids``; an id without a ``people`` entry is invalid input."""
    known = {p.id: p for p in case.people}
    out: list[Person] = []
    for i, pid in enumerate(ids):
        if pid not in known:
            raise RuleViolation(
                "invalid_input",
                f"{pid!r} is not described in people: its employments are needed to decide",
                field=f"{field}.{i}",
            )
        if known[pid] not in out:
            out.append(known[pid])
    return out


def _result(rule: str, hits: list[tuple[str, str]], none_reason: str) -> BidDecision:
    if not hits:
        return BidDecision(decision=Decision.allowed, rule=None, reason=none_reason)
    people: list[str] = []
    for pid, _ in hits:
        if pid not in people:
            people.append(pid)
    return BidDecision(
        decision=Decision.restricted, rule=rule,
        reason="; ".join(text for _, text in hits), people=tuple(people),
    )


def _rule_a(case: BidCase, policy: BidPolicy) -> BidDecision:
    rs = policy.rule_sets.A
    published = case.procurement.published
    c = case.contract
    if c is None or c.company is None:
        return _result(rs.rule, [], "rule set A: no contracting company, so no period restriction")
    until = period_after(c.end, years=rs.years_after_contract_end)  # 民法140条/143条
    related = group_of(c.company, case.groups) if rs.whole_group else {c.company}
    if case.bidder not in related:
        return _result(rs.rule, [], f"{case.bidder} is not {c.company} nor in its group")
    if not (c.start <= published <= until):
        return _result(
            rs.rule, [],
            f"published {published.isoformat()} is outside {c.company}'s restricted period "
            f"{c.start.isoformat()}..{until.isoformat()}",
        )
    via = "" if case.bidder == c.company else f" (in the group of {c.company})"
    text = (f"{case.bidder}{via} may not bid from the contract start {c.start.isoformat()} to "
            f"{until.isoformat()}, {rs.years_after_contract_end} years after the contract end "
            f"{c.end.isoformat()}; published {published.isoformat()}")
    people = case.advisors if case.advisors is not None else case.procurement.advised_by
    return BidDecision(decision=Decision.restricted, rule=rs.rule, reason=text,
                       people=tuple(dict.fromkeys(people)))


def _employed_on(person: Person, companies: set[str], day: dt.date) -> list[Employment]:
    return [e for e in person.employments if e.company in companies and e.active_on(day)]


def _where(e: Employment, bidder: str) -> str:
    return e.company if e.company == bidder else f"{e.company} (group of {bidder})"


def _rule_b1(case: BidCase, policy: BidPolicy) -> BidDecision:
    rs = policy.rule_sets.B1
    published = case.procurement.published
    field = "advisors" if case.advisors is not None else "procurement.advised_by"
    ids = case.advisors if case.advisors is not None else case.procurement.advised_by
    related = group_of(case.bidder, case.groups) if rs.whole_group else {case.bidder}
    hits: list[tuple[str, str]] = []
    for person in _people_index(case, ids, field):
        current = _employed_on(person, related, published)
        if current:
            hits.append((person.id, f"{person.id} is employed by {_where(current[0], case.bidder)} "
                                    f"on {published.isoformat()}"))
            continue
        spans = [(e.from_, min(e.to or published, published))
                 for e in person.employments if e.company in related and e.from_ <= published]
        days = distinct_days(spans)
        if days >= rs.long_employment_days:
            hits.append((person.id, f"{person.id} was employed {days:,} days in the group of "
                                    f"{case.bidder} ({rs.long_employment_years} years = "
                                    f"{rs.long_employment_days:,} days or more)"))
    return _result(rs.rule, hits, f"no advisor is employed by {case.bidder}'s group now or was "
                                  f"for {rs.long_employment_years} years")


def _rule_b2(case: BidCase, policy: BidPolicy) -> BidDecision:
    rs = policy.rule_sets.B2
    published = case.procurement.published
    related = group_of(case.bidder, case.groups) if rs.whole_group else {case.bidder}
    hits: list[tuple[str, str]] = []
    for person in _people_index(case, case.procurement.advised_by, "procurement.advised_by"):
        current = _employed_on(person, related, published)
        if current:
            hits.append((person.id, f"{person.id} advises on {case.procurement.id} and is employed "
                                    f"by {_where(current[0], case.bidder)} on {published.isoformat()}"))
            continue
        # published within the N-year period after the employment ended (it begins the day
        # after ``to``, 民法140条/143条): an employment ending 2022-07-01 restricts to 2024-07-01
        recent = [e for e in person.employments if e.company in related and e.to is not None
                  and e.to < published <= period_after(e.to, years=rs.past_years)]
        if recent:
            e = max(recent, key=lambda x: x.to)
            hits.append((person.id, f"{person.id} advises on {case.procurement.id} and left "
                                    f"{_where(e, case.bidder)} on {e.to.isoformat()}; {published.isoformat()} is "
                                    f"within the {rs.past_years} years after it (to "
                                    f"{period_after(e.to, years=rs.past_years).isoformat()})"))
    return _result(rs.rule, hits, f"no adviser on {case.procurement.id} belongs, or belonged in "
                                  f"the past {rs.past_years} years, to {case.bidder}'s group")


def _rule_c(case: BidCase, policy: BidPolicy) -> BidDecision:
    rs = policy.rule_sets.C
    published = case.procurement.published
    related = group_of(case.bidder, case.groups) if rs.whole_group else {case.bidder}
    hits: list[tuple[str, str]] = []
    for role, ids in (("writes the specification", case.procurement.spec_writers),
                      ("evaluates the bids", case.procurement.evaluators)):
        field = "procurement.spec_writers" if role.startswith("writes") else "procurement.evaluators"
        for person in _people_index(case, ids, field):
            current = _employed_on(person, related, published)
            if current:
                hits.append((person.id, f"{person.id} {role} of {case.procurement.id} while employed "
                                        f"by {_where(current[0], case.bidder)}"))
    return _result(rs.rule, hits, f"no specification writer or evaluator is employed by "
                                  f"{case.bidder}'s group")


def _rule_da(case: BidCase, policy: BidPolicy) -> BidDecision:
    rs = policy.rule_sets.DA
    p = case.procurement
    published = p.published
    hits: list[tuple[str, str]] = []
    for field, ids in (("procurement.spec_writers", p.spec_writers),
                       ("procurement.evaluators", p.evaluators),
                       ("procurement.supervisors", p.supervisors)):
        for person in _people_index(case, ids, field):
            for job in person.side_jobs:
                if not job.active_on(published):
                    continue
                restricted = parent_and_subsidiaries(
                    job.company, case.groups, parent=rs.include_parent,
                    subsidiaries=rs.include_subsidiaries, sisters=rs.include_sisters,
                )
                if case.bidder in restricted:
                    how = ("is" if case.bidder == job.company
                           else f"is the parent or a subsidiary of {job.company}, which is")
                    hits.append((person.id, f"{case.bidder} {how} a side-job company of "
                                            f"{person.id}, related staff of {p.id} "
                                            f"({field.split('.')[1]})"))
    result = _result(rs.rule, hits, f"{case.bidder} is not a side-job company of any related "
                                    f"staff, nor its parent or subsidiary")
    if result.decision is Decision.allowed:
        return result
    ex = case.exemption
    if ex is None:
        return result.model_copy(update={
            "decision": Decision.exemption_possible,
            "reason": result.reason + "; the bidder may apply for an exemption (conditions a-c)",
        })
    failed = [name for name in rs.exemption_conditions if not getattr(ex, name)]
    if not failed:
        return result.model_copy(update={
            "decision": Decision.exempted,
            "reason": result.reason + "; exempted: all exemption conditions (a)-(c) hold",
        })
    return result.model_copy(update={
        "reason": result.reason + f"; exemption refused: {', '.join(failed)} not met",
    })


def _rule_gl(case: BidCase, policy: BidPolicy) -> BidDecision:
    """参考4.4-⑨ (turn 2): the company itself, not its group; ``people`` stays empty."""
    rs = policy.rule_sets.GL
    p = case.procurement
    if case.bidder in p.pmo_support_companies and p.design_or_development:
        return BidDecision(
            decision=Decision.restricted, rule=rs.rule,
            reason=f"{case.bidder} supports the PJMO of the system {p.id} designs or develops: "
                   "it may not bid on that design or development (相互けん制, no exemption)",
        )
    if case.bidder not in p.spec_drafting_companies:
        why = ("" if case.bidder not in p.pmo_support_companies
               else "; its PJMO support does not bar a procurement without design or development")
        return BidDecision(decision=Decision.allowed, rule=None,
                           reason=f"{case.bidder} did not take part in drafting the specification "
                                  f"of {p.id} and does not support its PJMO{why}")
    base = (f"{case.bidder} took part directly in drafting the specification of {p.id}: it may "
            "not bid unless it gains no competitive advantage (競争上何ら有利とならない)")
    ex = case.exemption
    if ex is None:
        return BidDecision(decision=Decision.exemption_possible, rule=rs.rule,
                           reason=base + "; the exemption may be applied for")
    assert isinstance(ex, GLExemption)
    if ex.no_competitive_advantage:
        return BidDecision(decision=Decision.exempted, rule=rs.rule,
                           reason=base + "; exempted: no competitive advantage recognised")
    return BidDecision(decision=Decision.restricted, rule=rs.rule,
                       reason=base + "; exemption refused: a competitive advantage remains")


_RULES = {"A": _rule_a, "B1": _rule_b1, "B2": _rule_b2, "C": _rule_c, "DA": _rule_da,
          "GL": _rule_gl}


def assess(case: BidCase, policy: Policy | BidPolicy | None = None) -> BidDecision:
    """Decide whether ``case.bidder`` may bid on the procurement under ``case.rule_set``."""
    if policy is None:
        bid_policy = default_policy().bid
    else:
        bid_policy = policy.bid if isinstance(policy, Policy) else policy
    return _RULES[case.rule_set](case, bid_policy)
