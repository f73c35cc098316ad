"""Joint appointments (共同任用, R-SHARE) — §4.4(9), 参考4.4-⑱, §6.

One expert is appointed by a lead body (a prefecture, a central city or a town) and serves
several bodies; each member carries a share of the cost for each period (a member may join
or leave from a date: a new period starts there). A cost is recorded once and split here
into whole-yen shares that add up to the cost exactly (largest remainder). Each member's
fiscal year is then assessed on its own shares through the unchanged assessment contract
(``domain.assessments.assess_subsidy``: its payments are its shares), so R-SUB-1 (a
prefecture's share never counts), R-SUB-3, R-SUB-5 (one person per municipality, judged
with the member's own advisors) and R-SUB-11 apply per member.

Rule codes: R-SHARE-1 shares of a period sum to 100 %; R-SHARE-2 a share belongs to a
member for the whole period (membership dates), the lead is a member; R-SHARE-3 periods
are well-formed and do not overlap; R-SHARE-4 a cost falls on a day some period covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import Field

from domain.assessments import assess_subsidy
from domain.costs import CostCategory, CostKind
from domain.errors import RuleViolation
from domain.findings import yen
from domain.fiscal import FiscalYear
from domain.policy import Policy
from domain.values import AppointmentForm, Frozen, Municipality

HUNDRED = Decimal(100)


class Member(Frozen):
    """A body the expert serves, from ``joined`` through ``left`` (inclusive; None: open)."""

    id: str = Field(min_length=1)  # e.g. the 全国地方公共団体コード
    municipality: Municipality
    joined: dt.date
    left: dt.date | None = None

    def covers(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether this membership covers every day from ``start`` through ``end``."""
        if start < self.joined:
            return False
        if self.left is None:
            return True
        return end is not None and end <= self.left


class Share(Frozen):
    member: str = Field(min_length=1)
    percent: Decimal = Field(ge=0, le=100)


class SharePeriod(Frozen):
    """The shares from ``start`` through ``end`` (inclusive; None: open-ended)."""

    start: dt.date
    end: dt.date | None = None
    shares: tuple[Share, ...]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class JointAppointment(Frozen):
    id: str = Field(min_length=1)  # the lead's appointment id (the advisor id in each claim)
    lead: str = Field(min_length=1)  # the member that appoints
    form: AppointmentForm
    members: tuple[Member, ...]
    periods: tuple[SharePeriod, ...]
    counts_as_cio_advisor: bool = True  # R-SUB-11, as on ``Appointed``

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def period_on(self, day: dt.date) -> SharePeriod | None:
        return next((p for p in self.periods if p.contains(day)), None)


class SharedCost(Frozen):
    """A cost recorded once for the joint appointment (as ``CostRecorded``)."""

    id: str = Field(min_length=1)
    category: CostCategory = CostCategory.appointment
    kind: CostKind
    amount_yen: int = Field(ge=0)
    paid_on: dt.date
    accrual_date: dt.date | None = None

    @property
    def share_day(self) -> dt.date:
        """The day whose shares split the cost: the day the obligation arose when known
        (March's remuneration paid in April is split by March's shares), else the payment
        day — the same day that decides its fiscal year (R-SUB-6)."""
        return self.accrual_date or self.paid_on


class Problem(Frozen):
    code: str
    message: str
    field: str | None = None


# ------------------------------------------------------------------ validation


def problems(joint: JointAppointment) -> list[Problem]:
    """Every R-SHARE-1..3 problem of ``joint`` at once (empty: valid)."""
    out: list[Problem] = []

    def add(code: str, field: str, message: str) -> None:
        out.append(Problem(code=code, message=message, field=field))

    ids = [m.id for m in joint.members]
    for i, m in enumerate(joint.members):
        if ids.count(m.id) > 1 and ids.index(m.id) == i:
            add("R-SHARE-2", f"members.{i}.id", f"member {m.id} is listed twice")
        if m.left is not None and m.left < m.joined:
            add("R-SHARE-3", f"members.{i}.left", f"member {m.id} leaves ({m.left.isoformat()}) "
                f"before it joins ({m.joined.isoformat()})")
    if joint.member(joint.lead) is None:
        add("R-SHARE-2", "lead", f"the lead {joint.lead} is not a member")
    if not joint.periods:
        add("R-SHARE-3", "periods", "no share period")
    ordered = sorted(enumerate(joint.periods), key=lambda x: x[1].start)
    for (_, a), (j, b) in zip(ordered, ordered[1:], strict=False):
        if a.end is None or a.end >= b.start:
            add("R-SHARE-3", f"periods.{j}.start", f"the period from {b.start.isoformat()} "
                f"overlaps the period from {a.start.isoformat()}")
    for i, p in enumerate(joint.periods):
        where, since = f"periods.{i}", f"the period from {p.start.isoformat()}"
        if p.end is not None and p.end < p.start:
            add("R-SHARE-3", f"{where}.end", f"{since} ends before it starts ({p.end.isoformat()})")
        total = sum((s.percent for s in p.shares), Decimal(0))
        if total != HUNDRED:
            add("R-SHARE-1", f"{where}.shares", f"the shares of {since} sum to {total} %, not 100 %")
        seen: set[str] = set()
        for k, s in enumerate(p.shares):
            field, m = f"{where}.shares.{k}.member", joint.member(s.member)
            if s.member in seen:
                add("R-SHARE-2", field, f"{s.member} has two shares in {since}")
            seen.add(s.member)
            if m is None:
                add("R-SHARE-2", field, f"{s.member} has a share but is not a member")
            elif not m.covers(p.start, p.end):
                left = m.left.isoformat() if m.left else "open"
                add("R-SHARE-2", field, f"{s.member} has a share in {since} but is a member "
                    f"only {m.joined.isoformat()}..{left}")
    return out


def validate(joint: JointAppointment) -> JointAppointment:
    """``joint`` when valid; else a ``RuleViolation`` naming the first problem's rule and
    listing every problem (``params["errors"]``)."""
    found = problems(joint)
    if found:
        first = found[0]
        raise RuleViolation(
            first.code,
            "; ".join(p.message for p in found),
            first.field,
            params={"detail": first.message, "errors": [p.model_dump() for p in found]},
        )
    return joint


# ------------------------------------------------------------------ splitting


def split_amount(amount_yen: int, shares: Sequence[Share]) -> dict[str, int]:
    """``amount_yen`` split by ``shares`` (percents summing to 100) into whole yen that add
    up to ``amount_yen`` exactly: each member gets the floor of its exact share, and the yen
    left over go one each to the largest fractional remainders; ties go to the larger share,
    then to the smaller member id (deterministic, whatever the input order)."""
    if amount_yen < 0:
        raise ValueError("amount_yen must not be negative")
    total = sum((s.percent for s in shares), Decimal(0))
    if total != HUNDRED:
        raise RuleViolation(
            "R-SHARE-1", f"shares sum to {total} %, not 100 %", params={"detail": f"{total} %"}
        )
    # exact rational arithmetic: percent = n / d, so a share is amount * n / (100 d)
    parts: list[tuple[str, Decimal, int, int, int]] = []  # member, percent, floor, rem num, den
    for s in shares:
        num, den = s.percent.as_integer_ratio()
        exact_num, exact_den = amount_yen * num, 100 * den
        base, rem = divmod(exact_num, exact_den)
        parts.append((s.member, s.percent, base, rem, exact_den))
    out = {m: base for m, _, base, _, _ in parts}
    left = amount_yen - sum(out.values())
    ranked = sorted(parts, key=lambda p: (-Fraction(p[3], p[4]), -p[1], p[0]))
    for member, *_ in ranked[:left]:
        out[member] += 1
    return out


class CostShare(Frozen):
    """One member's share of one recorded cost."""

    cost_id: str
    member: str
    percent: Decimal
    amount_yen: int


def split_cost(joint: JointAppointment, cost: SharedCost) -> tuple[CostShare, ...]:
    """``cost`` split among the members of the period covering its ``share_day``
    (R-SHARE-4 when none does). ``joint`` must be valid (``validate``)."""
    period = joint.period_on(cost.share_day)
    if period is None:
        raise RuleViolation(
            "R-SHARE-4",
            f"cost {cost.id} of {yen(cost.amount_yen)} on {cost.share_day.isoformat()} falls in "
            "no share period of the joint appointment",
            "share_day",
            params={"detail": cost.share_day.isoformat()},
        )
    amounts = split_amount(cost.amount_yen, period.shares)
    return tuple(
        CostShare(cost_id=cost.id, member=s.member, percent=s.percent, amount_yen=amounts[s.member])
        for s in period.shares
    )


# ------------------------------------------------------------------ per-member claims


def member_contract_input(
    joint: JointAppointment,
    costs: Iterable[SharedCost],
    member_id: str,
    fiscal_year: int,
    *,
    own_advisors: Sequence[Mapping[str, Any]] = (),
    own_recruitment_costs: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The subsidy assessment input (contracts.md) of ``member_id`` for ``fiscal_year``: its
    shares of the joint appointment's costs of that year are the payments of one advisor
    (``joint.id``), its shares of joint recruitment costs are recruitment costs; the
    member's own advisors and recruitment costs (contract shape) are added so that R-SUB-5
    judges them together. A share of 0 yen is left out."""
    member = joint.member(member_id)
    if member is None:
        raise RuleViolation(
            "R-SHARE-2", f"{member_id} is not a member", "member", params={"detail": member_id}
        )
    fy = FiscalYear(fiscal_year)
    payments: list[dict[str, Any]] = []
    recruitment: list[dict[str, Any]] = []
    for cost in costs:
        if not fy.contains(cost.share_day):
            continue
        for share in split_cost(joint, cost):
            if share.member != member_id or share.amount_yen == 0:
                continue
            item: dict[str, Any] = {
                "date": cost.paid_on.isoformat(),
                "kind": cost.kind.value,
                "amount_yen": share.amount_yen,
            }
            if cost.accrual_date is not None:
                item["accrual_date"] = cost.accrual_date.isoformat()
            (payments if cost.category is CostCategory.appointment else recruitment).append(item)
    advisors: list[dict[str, Any]] = [dict(a) for a in own_advisors]
    if joint.counts_as_cio_advisor:  # R-SUB-11: only CIO補佐官等 are claimed
        advisors.insert(0, {"id": joint.id, "form": joint.form.value, "payments": payments})
    return {
        "municipality": member.municipality.model_dump(mode="json", exclude_none=True),
        "fiscal_year": fiscal_year,
        "advisors": advisors,
        "recruitment_costs": recruitment + [dict(c) for c in own_recruitment_costs],
    }


def assess_members(
    joint: JointAppointment, costs: Sequence[SharedCost], fiscal_year: int,
    policy: Policy | None = None,
) -> dict[str, dict[str, Any]]:
    """Each member's assessment (contracts.md output) for ``fiscal_year``, on its own shares.
    A prefecture's share is refused by R-SUB-1 in its own assessment and never moves to
    another member."""
    validate(joint)
    return {
        m.id: assess_subsidy(member_contract_input(joint, costs, m.id, fiscal_year), policy)
        for m in joint.members
    }


# ------------------------------------------------------------------ bid restrictions


def advisors_on(joint: JointAppointment, member_id: str, day: dt.date,
                expert_id: str | None = None) -> tuple[str, ...]:
    """The shared expert as one of ``member_id``'s CIO advisors on ``day`` (a procurement's
    publication day) for the bid assessment's ``advisors`` (R-BID-B1): only while the
    member takes part (its membership covers the day). ``expert_id`` names the person in
    the bid input (default: the joint appointment's id)."""
    member = joint.member(member_id)
    if member is None or not member.covers(day, day):
        return ()
    return (expert_id or joint.id,)


# ------------------------------------------------------------------ the JSON door


class SharesInput(Frozen):
    """``ninyo assess shares`` / ``POST /assessments/shares``: a joint appointment, its
    recorded costs and the fiscal year to assess each member's claim for."""

    joint: JointAppointment
    costs: tuple[SharedCost, ...] = ()
    fiscal_year: int = Field(ge=2000, le=2100)


def assess_shares(doc: dict, policy: Policy | None = None) -> dict[str, Any]:
    """Each member's shares of each cost of ``fiscal_year`` and its assessment (the
    contract's subsidy output) — R-SHARE-1..4 refusals as ``RuleViolation``."""
    from domain.assessments import parse

    data = parse(SharesInput, doc)
    joint = validate(data.joint)
    fy = FiscalYear(data.fiscal_year)
    in_year = [c for c in data.costs if fy.contains(c.share_day)]
    split = [x for c in in_year for x in split_cost(joint, c)]
    assessments = assess_members(joint, in_year, data.fiscal_year, policy)
    return {
        "fiscal_year": data.fiscal_year,
        "joint_appointment": joint.id,
        "members": [{
            "member": m.id,
            "municipality": m.municipality.name,
            "shares": [{"cost_id": x.cost_id, "percent": str(x.percent),
                        "amount_yen": x.amount_yen} for x in split if x.member == m.id],
            "share_total_yen": sum(x.amount_yen for x in split if x.member == m.id),
            "assessment": assessments[m.id],
        } for m in joint.members],
        "cost_total_yen": sum(c.amount_yen for c in in_year),
    }
