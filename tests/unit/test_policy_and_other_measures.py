"""Policy tables validate at load; R-SUB-9 / R-SUB-10 other measures assessed from their numbers."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.policy import default_policy, load_policy, packaged_table
from domain.subsidy import (
    assess_enterprise_dispatch,
    assess_enterprise_side_job,
    assess_regional_power_advisor,
    check_informatization_advisor_request,
    check_jlis_advisor_request,
)
from domain.values import Municipality

TOWN = Municipality(name="美郷町", kind="town", prefecture="宮崎県", population=4500)


def test_R_SUB_7_packaged_table_holds_the_manual_numbers():
    m = default_policy().measures
    [a] = m.appointment.terms
    [r] = m.recruitment.terms
    assert (a.from_fiscal_year, a.to_fiscal_year, a.rate, a.cap_yen) == (2021, 2025, Decimal("0.5"), None)
    assert (r.from_fiscal_year, r.to_fiscal_year, r.rate, r.cap_yen) == (2022, 2025, Decimal("0.5"), 500000)
    assert not m.municipality_kinds["special_ward"].eligible and m.municipality_kinds["special_ward"].interpretation
    assert {i.id for i in m.interpretations} >= {"special_wards_excluded", "largest_eligible_advisor", "round_down"}
    assert default_policy() is default_policy()  # read once


@pytest.mark.parametrize("path, value", [
    (("appointment", "terms", 0, "rate"), "1.5"),           # above 1
    (("recruitment", "terms", 0, "to_fiscal_year"), 2020),  # before from
    (("recruitment", "terms"), []),                          # no row
    (("rounding",), "up"),
    (("appointment", "eligible_payments", "special_part_time"), ["bonus"]),
])
def test_R_SUB_7_malformed_policy_is_refused_at_load(path, value):
    measures = copy.deepcopy(packaged_table("measures"))
    target = measures
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError):
        load_policy(measures=measures)


def test_R_SUB_7_policy_missing_a_municipality_kind_is_refused():
    measures = copy.deepcopy(packaged_table("measures"))
    del measures["municipality_kinds"]["special_ward"]
    with pytest.raises(ValidationError):
        load_policy(measures=measures)


def test_R_BID_rule_set_parameters_are_data():
    bid = copy.deepcopy(packaged_table("bid"))
    bid["rule_sets"]["A"]["years_after_contract_end"] = 3
    policy = load_policy(bid=bid)
    from domain.assessments import assess_bid
    doc = {"rule_set": "A", "procurement": {"id": "P", "published": "2028-03-31"}, "bidder": "X",
           "contract": {"company": "X", "start": "2023-04-01", "end": "2025-03-31"}}
    assert assess_bid(doc)["decision"] == "allowed"
    assert assess_bid(doc, policy)["decision"] == "restricted"


# --- R-SUB-9 ---------------------------------------------------------------------------------


def _rpa(**kw):
    args = dict(has_eligible_area=True, expert="private_expert", year_of_use=1, days=10, visits=0,
                cost_yen=3_000_000)
    args.update(kw)
    return assess_regional_power_advisor(TOWN, **args)


def test_R_SUB_9_regional_power_advisor_caps():
    assert _rpa().measure_yen == 3_000_000
    assert _rpa(cost_yen=9_000_000).measure_yen == 5_600_000
    assert _rpa(cost_yen=9_000_000, expert="advanced_municipality_staff").measure_yen == 2_400_000


@pytest.mark.parametrize("kw, ok", [
    ({"days": 10, "visits": 0}, True),
    ({"days": 9, "visits": 5}, True),
    ({"days": 9, "visits": 4}, False),
    ({"year_of_use": 3}, True),
    ({"year_of_use": 4}, False),
    ({"has_eligible_area": False}, False),
])
def test_R_SUB_9_regional_power_advisor_conditions(kw, ok):
    result = _rpa(**kw)
    assert result.eligible is ok
    assert all(r.code == "R-SUB-9" for r in result.reasons)


def test_R_SUB_9_regional_power_advisor_not_for_prefectures():
    pref = Municipality(name="宮崎県", kind="prefecture", prefecture="宮崎県", population=1_000_000)
    assert not assess_regional_power_advisor(pref, has_eligible_area=True, expert="private_expert", year_of_use=1,
                                             days=10, visits=5, cost_yen=1).eligible


def test_R_SUB_9_informatization_and_jlis_limits():
    assert check_informatization_advisor_request(3, 10) == []
    assert len(check_informatization_advisor_request(4, 11)) == 2
    assert check_jlis_advisor_request(5, registered=True) == []
    assert [r.code for r in check_jlis_advisor_request(6, registered=False)] == ["R-SUB-9", "R-SUB-9"]


# --- R-SUB-10 (less certain numbers, kept in the table) -------------------------------------


def test_R_SUB_10_enterprise_dispatch_cap_and_half_month():
    assert assess_enterprise_dispatch(cost_yen=7_000_000, share_of_month_on_duty=Decimal("0.5")).measure_yen == 5_600_000
    assert not assess_enterprise_dispatch(cost_yen=7_000_000, share_of_month_on_duty=Decimal("0.49")).eligible
    assert default_policy().measures.other_measures.enterprise_dispatch.certainty == "less_certain"


def test_R_SUB_10_enterprise_side_job_from_FY2024():
    kw = dict(days_per_month=4, hours_per_month=20, onsite_days_per_month=1, fees_yen=1_200_000, travel_yen=300_000)
    assert assess_enterprise_side_job(fiscal_year=2024, **kw).measure_yen == 1_300_000
    assert not assess_enterprise_side_job(fiscal_year=2023, **kw).eligible
    assert not assess_enterprise_side_job(fiscal_year=2024, **dict(kw, hours_per_month=19)).eligible
    assert not assess_enterprise_side_job(fiscal_year=2024, **dict(kw, onsite_days_per_month=0)).eligible
