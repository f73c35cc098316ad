"""R-SHARE properties (hypothesis): shares add up to the cost for any amount and any
shares, and no member gets a share outside its membership dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.sharing import (
    JointAppointment,
    Member,
    Share,
    SharedCost,
    SharePeriod,
    problems,
    split_amount,
    split_cost,
)
from domain.values import AppointmentForm, Municipality, MunicipalityKind

amounts = st.integers(min_value=0, max_value=10**15)


@st.composite
def share_lists(draw) -> tuple[Share, ...]:
    """1-8 members whose percents (up to 4 decimals, some zero) sum to exactly 100."""
    n = draw(st.integers(min_value=1, max_value=8))
    unit = 10 ** draw(st.integers(min_value=0, max_value=4))  # 100 % = 100 * unit units
    cuts = sorted(draw(st.lists(st.integers(0, 100 * unit), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 100 * unit]
    ids = draw(st.permutations([f"m{i}" for i in range(n)]))
    return tuple(
        Share(member=ids[i], percent=Decimal(bounds[i + 1] - bounds[i]) / unit) for i in range(n)
    )


@given(amounts, share_lists())
def test_R_SHARE_shares_always_add_up_to_the_cost_within_a_yen_of_exact(amount, shares):
    out = split_amount(amount, shares)
    assert sum(out.values()) == amount
    for sh in shares:
        exact = Decimal(amount) * sh.percent / 100
        assert 0 <= out[sh.member] - int(exact) <= 1 or (
            exact == int(exact) and out[sh.member] == exact
        )
        if sh.percent == 0:
            assert out[sh.member] == 0
    assert split_amount(amount, tuple(reversed(shares))) == out  # order does not matter


START = dt.date(2024, 4, 1)


def _town(i: int) -> Municipality:
    return Municipality(name=f"町{i}", kind=MunicipalityKind.town, prefecture="県", population=1)


@st.composite
def joints(draw) -> JointAppointment:
    """A lead member from START for good; others joining and leaving on period boundaries;
    each period's shares among the members that cover it."""
    days = draw(st.lists(st.integers(1, 700), min_size=0, max_size=5, unique=True))
    bounds = [START, *sorted(START + dt.timedelta(days=d) for d in days)]
    spans = [
        (b, bounds[i + 1] - dt.timedelta(days=1) if i + 1 < len(bounds) else None)
        for i, b in enumerate(bounds)
    ]
    members = [Member(id="lead", municipality=_town(0), joined=START)]
    for k in range(draw(st.integers(0, 4))):
        first = draw(st.integers(0, len(spans) - 1))
        last = draw(st.integers(first, len(spans) - 1))
        members.append(
            Member(
                id=f"m{k}", municipality=_town(k + 1), joined=spans[first][0], left=spans[last][1]
            )
        )
    periods = []
    for start, end in spans:
        inside = [m.id for m in members if m.covers(start, end)]
        weights = [draw(st.integers(0, 100)) for _ in inside]
        weights[0] = weights[0] or 1  # the lead is always inside; keep the sum positive
        total = sum(weights)
        percents = [Decimal(w * 100) / total for w in weights]
        percents = [p.quantize(Decimal("0.0001")) for p in percents]
        percents[0] += Decimal(100) - sum(percents)  # the lead takes the rounding (>= 0.2 %)
        periods.append(
            SharePeriod(
                start=start,
                end=end,
                shares=tuple(
                    Share(member=m, percent=p) for m, p in zip(inside, percents, strict=True)
                ),
            )
        )
    return JointAppointment(
        id="j",
        lead="lead",
        form=AppointmentForm.special_part_time,
        members=tuple(members),
        periods=tuple(periods),
    )


costs = st.builds(
    SharedCost,
    id=st.just("c"),
    kind=st.just("remuneration"),
    amount_yen=amounts,
    paid_on=st.integers(0, 800).map(lambda d: START + dt.timedelta(days=d)),
    accrual_date=st.none() | st.integers(0, 800).map(lambda d: START + dt.timedelta(days=d)),
)


@given(joints(), st.lists(costs, max_size=5))
def test_R_SHARE_no_member_gets_a_share_outside_its_membership(joint, cost_list):
    assert problems(joint) == []
    for cost in cost_list:
        shares = split_cost(joint, cost)
        assert sum(x.amount_yen for x in shares) == cost.amount_yen
        for x in shares:
            m = joint.member(x.member)
            assert m is not None
            if x.amount_yen:
                assert m.joined <= cost.share_day
                assert m.left is None or cost.share_day <= m.left
