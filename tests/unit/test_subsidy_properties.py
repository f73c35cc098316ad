"""Properties of the R-SUB measure over generated claims (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assessments import assess_subsidy

FY = 2023
FORMS = ["special_part_time", "outsourcing", "specific_fixed_term", "enterprise_dispatch"]
PAY_KINDS = ["remuneration", "term_end_allowance", "outsourcing_fee", "other"]

# dates a little around FY2023 so some payments fall outside it (R-SUB-6)
dates = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2024, 6, 30)).map(dt.date.isoformat)
amounts = st.integers(min_value=0, max_value=5_000_000)
payments = st.lists(st.fixed_dictionaries({"date": dates, "kind": st.sampled_from(PAY_KINDS),
                                           "amount_yen": amounts}), max_size=4)
advisors = st.lists(st.fixed_dictionaries({"form": st.sampled_from(FORMS), "payments": payments}),
                    max_size=4).map(lambda xs: [dict(a, id=f"adv-{i}") for i, a in enumerate(xs)])
rcosts = st.lists(st.fixed_dictionaries({"date": dates, "kind": st.sampled_from(["agency_fee", "advertising", "other"]),
                                         "amount_yen": amounts}), max_size=4)
kinds = st.sampled_from(["city", "town", "village", "special_ward", "prefecture"])


def claim(kind, advs, costs, fiscal_year=FY):
    return {"municipality": {"name": "x", "kind": kind, "prefecture": "y", "population": 1000},
            "fiscal_year": fiscal_year, "advisors": advs, "recruitment_costs": costs}


@settings(max_examples=150, deadline=None)
@given(kinds, advisors, rcosts)
def test_R_SUB_3_R_SUB_4_measure_never_above_half_the_eligible_cost(kind, advs, costs):
    out = assess_subsidy(claim(kind, advs, costs))
    assert 2 * out["appointment"]["measure_yen"] <= out["appointment"]["eligible_cost_yen"]
    assert 2 * out["recruitment"]["measure_yen"] <= out["recruitment"]["eligible_cost_yen"]
    assert out["total_measure_yen"] == out["appointment"]["measure_yen"] + out["recruitment"]["measure_yen"]
    assert out["eligible"] is (out["total_measure_yen"] > 0)


@settings(max_examples=150, deadline=None)
@given(advisors, rcosts)
def test_R_SUB_4_recruitment_measure_never_above_500000(advs, costs):
    out = assess_subsidy(claim("city", advs, costs))
    assert out["recruitment"]["measure_yen"] <= 500_000


@settings(max_examples=150, deadline=None)
@given(kinds, advisors, rcosts, st.integers(min_value=0, max_value=5), dates, amounts,
       st.sampled_from(PAY_KINDS), st.booleans())
def test_R_SUB_adding_a_cost_never_lowers_the_measure(kind, advs, costs, who, day, amount, pay_kind, to_recruitment):
    before = assess_subsidy(claim(kind, advs, costs))
    if to_recruitment or not advs:
        costs = [*costs, {"date": day, "kind": "agency_fee", "amount_yen": amount}]
    else:
        target = advs[who % len(advs)]
        advs = [dict(a, payments=[*a["payments"], {"date": day, "kind": pay_kind, "amount_yen": amount}])
                if a is target else a for a in advs]
    after = assess_subsidy(claim(kind, advs, costs))
    assert after["total_measure_yen"] >= before["total_measure_yen"]
    assert after["appointment"]["measure_yen"] >= before["appointment"]["measure_yen"]
    assert after["recruitment"]["measure_yen"] >= before["recruitment"]["measure_yen"]


def _eligible_total(a):
    kinds = {"special_part_time": {"remuneration", "term_end_allowance"}, "outsourcing": {"outsourcing_fee"}}
    ok = kinds.get(a["form"], set())
    return sum(p["amount_yen"] for p in a["payments"]
               if p["kind"] in ok and "2023-04-01" <= p["date"] <= "2024-03-31")


@settings(max_examples=150, deadline=None)
@given(advisors)
def test_R_SUB_5_exactly_one_advisor_counted_the_largest(advs):
    out = assess_subsidy(claim("town", advs, []))
    totals = {a["id"]: _eligible_total(a) for a in advs}
    best = max(totals.values(), default=0)
    counted = out["appointment"]["counted_advisor"]
    if best == 0:
        assert counted is None and out["appointment"]["measure_yen"] == 0
    else:
        assert counted == min(i for i, t in totals.items() if t == best)
        assert out["appointment"]["eligible_cost_yen"] == best
        assert out["appointment"]["measure_yen"] == best // 2
        # every other advisor with an eligible cost is named in one R-SUB-5 reason
        others = {i for i, t in totals.items() if t > 0 and i != counted}
        r5 = [r["message"] for r in out["reasons"] if r["code"] == "R-SUB-5"]
        assert len(r5) == len(others)
        assert {m.split(":")[0] for m in r5} == others


@settings(max_examples=100, deadline=None)
@given(advisors, rcosts)
def test_R_SUB_every_amount_left_out_has_a_reason(advs, costs):
    out = assess_subsidy(claim("city", advs, costs))
    out_of_year = sum(1 for a in advs for p in a["payments"] if not "2023-04-01" <= p["date"] <= "2024-03-31")
    out_of_year += sum(1 for c in costs if not "2023-04-01" <= c["date"] <= "2024-03-31")
    assert sum(1 for r in out["reasons"] if r["code"] == "R-SUB-6") == out_of_year
    if out["recruitment"]["measure_yen"] == 500_000 and out["recruitment"]["eligible_cost_yen"] > 1_000_001:
        assert "capped at 500,000 yen" in " ".join(r["message"] for r in out["reasons"])
