"""R-SUB: special allocation tax measure for CIO advisors (参考4.4-⑪), through the contract."""

from __future__ import annotations

import copy

import pytest

from domain.assessments import assess_subsidy
from domain.errors import RuleViolation
from domain.policy import load_policy, packaged_table
from tests.unit.contract_examples import SUBSIDY_IN, SUBSIDY_OUT

TOWN = {"name": "磐梯町", "kind": "town", "prefecture": "福島県", "population": 3300}


def doc(fiscal_year=2023, advisors=(), recruitment=(), municipality=TOWN):
    return {
        "municipality": municipality,
        "fiscal_year": fiscal_year,
        "advisors": list(advisors),
        "recruitment_costs": list(recruitment),
    }


def advisor(id_, form, *payments):
    return {"id": id_, "form": form,
            "payments": [{"date": d, "kind": k, "amount_yen": a} for d, k, a in payments]}


def rcost(date, amount, kind="agency_fee"):
    return {"date": date, "kind": kind, "amount_yen": amount}


def codes(out):
    return [r["code"] for r in out["reasons"]]


def test_contract_example_exactly():
    assert assess_subsidy(SUBSIDY_IN) == SUBSIDY_OUT


# --- R-SUB-1 -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["prefecture", "special_ward"])
def test_R_SUB_1_prefectures_and_special_wards_are_not_eligible(kind):
    muni = {"name": "東京都" if kind == "prefecture" else "千代田区", "kind": kind,
            "prefecture": "東京都", "population": 60000}
    out = assess_subsidy(doc(
        municipality=muni,
        advisors=[advisor("adv-1", "special_part_time", ("2023-05-31", "remuneration", 300000))],
        recruitment=[rcost("2023-04-20", 880000)],
    ))
    assert out["eligible"] is False
    assert out["total_measure_yen"] == 0
    assert out["appointment"] == {"eligible_cost_yen": 0, "measure_yen": 0, "counted_advisor": None}
    assert out["recruitment"] == {"eligible_cost_yen": 0, "measure_yen": 0}
    assert codes(out) == ["R-SUB-1"]
    assert "not eligible" in out["reasons"][0]["message"]
    if kind == "special_ward":
        assert "interpretation" in out["reasons"][0]["message"]


@pytest.mark.parametrize("kind", ["city", "town", "village"])
def test_R_SUB_1_cities_towns_villages_are_eligible(kind):
    muni = dict(TOWN, kind=kind)
    out = assess_subsidy(doc(municipality=muni, recruitment=[rcost("2023-04-20", 100000)]))
    assert out["eligible"] is True and out["total_measure_yen"] == 50000


# --- R-SUB-2 -------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["specific_fixed_term", "enterprise_dispatch"])
def test_R_SUB_2_forms_outside_the_measure_are_excluded_with_a_reason(form):
    out = assess_subsidy(doc(advisors=[advisor("adv-1", form, ("2023-05-31", "remuneration", 600000))]))
    assert out["appointment"] == {"eligible_cost_yen": 0, "measure_yen": 0, "counted_advisor": None}
    assert out["eligible"] is False
    # turn 2 (R-SUB-10): an enterprise_dispatch cost refused under R-SUB-2 points to its measure
    assert codes(out) == (["R-SUB-2", "R-SUB-10"] if form == "enterprise_dispatch" else ["R-SUB-2"])
    assert "adv-1" in out["reasons"][0]["message"] and form in out["reasons"][0]["message"]


def test_R_SUB_2_outsourcing_fees_and_term_end_allowance_qualify():
    out = assess_subsidy(doc(advisors=[
        advisor("adv-1", "special_part_time", ("2023-06-30", "remuneration", 200000),
                ("2023-12-10", "term_end_allowance", 100000)),
        advisor("adv-2", "outsourcing", ("2023-06-30", "outsourcing_fee", 250000)),
    ]))
    assert out["appointment"]["eligible_cost_yen"] == 300000
    assert out["appointment"]["counted_advisor"] == "adv-1"


def test_R_SUB_2_payment_kind_not_matching_the_form_is_left_out():
    out = assess_subsidy(doc(advisors=[advisor(
        "adv-1", "special_part_time", ("2023-06-30", "remuneration", 200000),
        ("2023-07-31", "other", 50000), ("2023-08-31", "outsourcing_fee", 70000))]))
    assert out["appointment"]["eligible_cost_yen"] == 200000
    assert codes(out) == ["R-SUB-2", "R-SUB-2", "R-SUB-3"]
    assert "50,000 yen" in out["reasons"][0]["message"]
    assert "70,000 yen" in out["reasons"][1]["message"]


def test_R_SUB_2_specific_fixed_term_does_not_block_another_eligible_advisor():
    out = assess_subsidy(doc(advisors=[
        advisor("adv-1", "specific_fixed_term", ("2023-05-31", "remuneration", 900000)),
        advisor("adv-2", "special_part_time", ("2023-05-31", "remuneration", 100000)),
    ]))
    assert out["appointment"] == {"eligible_cost_yen": 100000, "measure_yen": 50000, "counted_advisor": "adv-2"}
    assert codes(out) == ["R-SUB-2", "R-SUB-3"]


# --- R-SUB-3 -------------------------------------------------------------------------------


def test_R_SUB_3_appointment_measure_is_half_with_no_cap():
    out = assess_subsidy(doc(advisors=[advisor("adv-1", "outsourcing", ("2023-05-31", "outsourcing_fee", 12000000))]))
    assert out["appointment"]["measure_yen"] == 6000000
    assert out["reasons"] == [{"code": "R-SUB-3", "message": "appointment measure: 0.5 x 12,000,000 yen (adv-1, outsourcing)"}]


@pytest.mark.parametrize("fy, ok", [(2020, False), (2021, True), (2025, True), (2026, False)])
def test_R_SUB_3_appointment_measure_period_is_FY2021_to_FY2025(fy, ok):
    out = assess_subsidy(doc(fiscal_year=fy, advisors=[
        advisor("adv-1", "special_part_time", (f"{fy}-05-31", "remuneration", 300000))]))
    assert (out["appointment"]["measure_yen"] == 150000) is ok
    assert out["eligible"] is ok


# --- R-SUB-4 -------------------------------------------------------------------------------


@pytest.mark.parametrize("cost, measure, phrase", [
    (999_998, 499_999, "under the 500,000 yen cap"),
    (999_999, 499_999, "under the 500,000 yen cap"),
    (1_000_000, 500_000, "at the 500,000 yen cap"),
    (1_000_002, 500_000, "= 500,001 yen, capped at 500,000 yen"),
    (3_000_000, 500_000, "= 1,500,000 yen, capped at 500,000 yen"),
])
def test_R_SUB_4_recruitment_measure_cap_boundary(cost, measure, phrase):
    out = assess_subsidy(doc(recruitment=[rcost("2023-04-20", cost)]))
    assert out["recruitment"] == {"eligible_cost_yen": cost, "measure_yen": measure}
    assert phrase in out["reasons"][0]["message"]
    assert out["reasons"][0]["code"] == "R-SUB-4"


def test_R_SUB_4_all_recruitment_cost_kinds_add_up():
    out = assess_subsidy(doc(recruitment=[rcost("2023-04-20", 300000), rcost("2023-05-20", 200000, "advertising"),
                                          rcost("2023-06-20", 100000, "other")]))
    assert out["recruitment"] == {"eligible_cost_yen": 600000, "measure_yen": 300000}


@pytest.mark.parametrize("fy, ok", [(2021, False), (2022, True), (2025, True), (2026, False)])
def test_R_SUB_4_recruitment_measure_period_is_FY2022_to_FY2025(fy, ok):
    out = assess_subsidy(doc(fiscal_year=fy, recruitment=[rcost(f"{fy}-04-20", 880000)]))
    assert (out["recruitment"]["measure_yen"] == 440000) is ok


# --- R-SUB-5 -------------------------------------------------------------------------------


def test_R_SUB_5_only_the_advisor_with_the_largest_eligible_cost_is_counted():
    out = assess_subsidy(doc(advisors=[
        advisor("adv-1", "special_part_time", ("2023-05-31", "remuneration", 200000)),
        advisor("adv-2", "outsourcing", ("2023-05-31", "outsourcing_fee", 150000),
                ("2023-06-30", "outsourcing_fee", 150000)),
        advisor("adv-3", "special_part_time", ("2023-05-31", "remuneration", 100000)),
    ]))
    assert out["appointment"] == {"eligible_cost_yen": 300000, "measure_yen": 150000, "counted_advisor": "adv-2"}
    r5 = [r["message"] for r in out["reasons"] if r["code"] == "R-SUB-5"]
    assert len(r5) == 2
    assert r5[0].startswith("adv-1: 200,000 yen not counted")
    assert r5[1].startswith("adv-3: 100,000 yen not counted")


def test_R_SUB_5_tie_goes_to_the_smallest_id_whatever_the_order():
    a = advisor("b-adv", "special_part_time", ("2023-05-31", "remuneration", 100000))
    b = advisor("a-adv", "outsourcing", ("2023-05-31", "outsourcing_fee", 100000))
    for order in ([a, b], [b, a]):
        out = assess_subsidy(doc(advisors=order))
        assert out["appointment"]["counted_advisor"] == "a-adv"
        assert out["appointment"]["measure_yen"] == 50000


def test_R_SUB_5_counted_advisor_is_null_when_nothing_qualifies():
    out = assess_subsidy(doc(advisors=[advisor("adv-1", "special_part_time")],
                             recruitment=[rcost("2023-04-20", 100000)]))
    assert out["appointment"]["counted_advisor"] is None
    assert out["eligible"] is True  # the recruitment measure alone


# --- R-SUB-6 -------------------------------------------------------------------------------


def test_R_SUB_6_march_31_and_april_1_boundaries():
    out = assess_subsidy(doc(advisors=[advisor(
        "adv-1", "special_part_time",
        ("2023-03-31", "remuneration", 1000),   # FY2022: out
        ("2023-04-01", "remuneration", 2000),   # first day of FY2023: in
        ("2024-03-31", "remuneration", 4000),   # last day of FY2023: in
        ("2024-04-01", "remuneration", 8000),   # FY2024: out
    )], recruitment=[rcost("2023-03-31", 16000), rcost("2024-03-31", 32000)]))
    assert out["appointment"]["eligible_cost_yen"] == 6000
    assert out["recruitment"]["eligible_cost_yen"] == 32000
    r6 = [r["message"] for r in out["reasons"] if r["code"] == "R-SUB-6"]
    assert len(r6) == 3
    assert "2023-03-31" in r6[0] and "FY2022" in r6[0] and "令和4年度" in r6[0]
    assert "2024-04-01" in r6[1] and "FY2024" in r6[1]
    assert "16,000 yen" in r6[2]


def test_R_SUB_6_fiscal_year_only_outside_payments_give_no_measure():
    out = assess_subsidy(doc(advisors=[advisor("adv-1", "special_part_time", ("2022-05-31", "remuneration", 300000))]))
    assert out["eligible"] is False and out["appointment"]["counted_advisor"] is None
    assert codes(out) == ["R-SUB-6"]


# --- R-SUB-7 -------------------------------------------------------------------------------


def test_R_SUB_7_FY2020_appointment_cost_is_outside_the_measure_period():
    out = assess_subsidy(doc(fiscal_year=2020, advisors=[
        advisor("adv-1", "special_part_time", ("2020-05-31", "remuneration", 300000))]))
    assert out["eligible"] is False
    assert out["appointment"] == {"eligible_cost_yen": 0, "measure_yen": 0, "counted_advisor": None}
    [reason] = out["reasons"]
    assert reason["code"] == "R-SUB-7"
    assert reason["message"].startswith("not eligible: outside the measure period FY2021-FY2025")
    assert "(R3-R7, 令和3年度-令和7年度)" in reason["message"] and "300,000 yen" in reason["message"]


def test_R_SUB_7_FY2021_recruitment_cost_is_outside_but_appointment_cost_counts():
    out = assess_subsidy(doc(fiscal_year=2021, advisors=[
        advisor("adv-1", "special_part_time", ("2021-05-31", "remuneration", 300000))],
        recruitment=[rcost("2021-04-20", 880000)]))
    assert out["appointment"]["measure_yen"] == 150000
    assert out["recruitment"] == {"eligible_cost_yen": 0, "measure_yen": 0}
    assert out["total_measure_yen"] == 150000 and out["eligible"] is True
    r7 = [r["message"] for r in out["reasons"] if r["code"] == "R-SUB-7"]
    assert r7 == ["not eligible: outside the measure period FY2022-FY2025 (R4-R7, 令和4年度-令和7年度): "
                  "recruitment costs of 880,000 yen in FY2021 (令和3年度)"]


def _policy_with_fy2026():
    measures = copy.deepcopy(packaged_table("measures"))
    measures["appointment"]["terms"][0]["to_fiscal_year"] = 2026
    measures["recruitment"]["terms"].append(
        {"from_fiscal_year": 2026, "to_fiscal_year": 2026, "rate": "0.5", "cap_yen": 600000})
    return load_policy(measures=measures)


def test_R_SUB_7_extending_a_measure_to_FY2026_is_a_data_change():
    case = doc(fiscal_year=2026, advisors=[advisor("adv-1", "outsourcing", ("2026-05-31", "outsourcing_fee", 300000))],
               recruitment=[rcost("2026-04-20", 1100000)])
    before = assess_subsidy(case)
    assert before["eligible"] is False and set(codes(before)) == {"R-SUB-7"}
    after = assess_subsidy(case, _policy_with_fy2026())
    assert after["appointment"]["measure_yen"] == 150000
    assert after["recruitment"]["measure_yen"] == 550000  # the new row's own cap
    assert "under the 600,000 yen cap" in after["reasons"][-1]["message"]
    # the packaged policy is untouched
    assert assess_subsidy(case) == before


# --- R-SUB-8 -------------------------------------------------------------------------------


def test_R_SUB_8_half_of_an_odd_amount_is_rounded_down():
    out = assess_subsidy(doc(advisors=[advisor("adv-1", "special_part_time", ("2023-05-31", "remuneration", 300001))],
                             recruitment=[rcost("2023-04-20", 333333)]))
    assert out["appointment"]["measure_yen"] == 150000
    assert out["recruitment"]["measure_yen"] == 166666
    r8 = [r["message"] for r in out["reasons"] if r["code"] == "R-SUB-8"]
    assert r8 == ["appointment measure rounded down to whole yen: 150,000.5 -> 150,000 yen",
                  "recruitment measure rounded down to whole yen: 166,666.5 -> 166,666 yen"]


def test_R_SUB_8_rounding_is_policy_data():
    measures = copy.deepcopy(packaged_table("measures"))
    measures["rounding"] = "half_up"
    out = assess_subsidy(doc(recruitment=[rcost("2023-04-20", 333333)]), load_policy(measures=measures))
    assert out["recruitment"]["measure_yen"] == 166667


# --- worked examples of the manual (参考4.4-⑯: agency costs of three municipalities) ------


@pytest.mark.parametrize("who, kind, cost, measure", [
    # 「本来当県とは接点の無いような高度人材」: 団体① is a prefecture, outside the measure (R-SUB-1)
    ("団体① (人口200万人以下): 費用は全体で50万円程度", "prefecture", 500_000, 0),
    ("団体② (人口50万人以下): 全体で50万円以下", "city", 480_000, 240_000),
    ("団体③ (人口10万人以下): 費用は全体で約100万円程度", "city", 1_000_000, 500_000),
])
def test_manual_agency_case_studies_recruitment_measure(who, kind, cost, measure):
    # recruited in FY2022 (R4), the first year of the recruitment measure
    out = assess_subsidy(doc(fiscal_year=2022, municipality=dict(TOWN, kind=kind, name=who),
                             recruitment=[rcost("2022-06-01", cost)]))
    assert out["recruitment"]["measure_yen"] == measure
    assert out["total_measure_yen"] == measure
    assert out["eligible"] is (measure > 0)


# --- input shape -----------------------------------------------------------------------------


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.pop("municipality"), "municipality"),
    (lambda d: d.update(fiscal_year="2023"), "fiscal_year"),
    (lambda d: d["municipality"].update(kind="metropolis"), "municipality.kind"),
    (lambda d: d["advisors"][0]["payments"][0].update(amount_yen=1.5), "advisors.0.payments.0.amount_yen"),
    (lambda d: d["advisors"][0]["payments"][0].update(amount_yen=-1), "advisors.0.payments.0.amount_yen"),
    (lambda d: d["advisors"][0]["payments"][0].update(amount_yen="300000"), "advisors.0.payments.0.amount_yen"),
    (lambda d: d["advisors"][0]["payments"][0].update(date="2023-02-30"), "advisors.0.payments.0.date"),
    (lambda d: d["advisors"][0].update(form="full_time"), "advisors.0.form"),
    (lambda d: d["advisors"].append(dict(d["advisors"][0])), "advisors.1.id"),
    (lambda d: d["recruitment_costs"][0].update(kind="travel"), "recruitment_costs.0.kind"),
    (lambda d: d.update(note="x"), "note"),
])
def test_invalid_subsidy_input_names_the_field(mutate, field):
    d = copy.deepcopy(doc(advisors=[advisor("adv-1", "special_part_time", ("2023-05-31", "remuneration", 300000))],
                          recruitment=[rcost("2023-04-20", 880000)]))
    mutate(d)
    with pytest.raises(RuleViolation) as err:
        assess_subsidy(d)
    assert err.value.code == "invalid_input" and err.value.field == field
    assert field in err.value.message


# ---------------------------------------------------------------- turn 2: accrual_date (R-SUB-6)


def test_R_SUB_6_accrual_date_decides_the_fiscal_year():
    """Issue 11 point 15: March's remuneration paid on April 10 belongs to March's year."""
    march = {"date": "2024-04-10", "accrual_date": "2024-03-31", "kind": "remuneration",
             "amount_yen": 300000}
    fy2023 = doc(advisors=[{"id": "adv-1", "form": "special_part_time", "payments": [march]}])
    out = assess_subsidy(fy2023)
    assert out["appointment"]["eligible_cost_yen"] == 300000
    fy2024 = {**fy2023, "fiscal_year": 2024}
    out = assess_subsidy(fy2024)
    assert out["appointment"]["eligible_cost_yen"] == 0
    [r6] = [r for r in out["reasons"] if r["code"] == "R-SUB-6"]
    assert "2024-03-31" in r6["message"] and "FY2023" in r6["message"]


def test_R_SUB_6_accrual_date_null_counts_as_absent_and_an_advance_is_valid():
    base = {"date": "2023-05-31", "kind": "remuneration", "amount_yen": 100000}
    out = assess_subsidy(doc(advisors=[{"id": "a", "form": "special_part_time",
                                        "payments": [{**base, "accrual_date": None}]}]))
    assert out["appointment"]["eligible_cost_yen"] == 100000
    advance = {**base, "date": "2024-03-25", "accrual_date": "2024-04-01"}  # paid before it arose
    out = assess_subsidy(doc(advisors=[{"id": "a", "form": "special_part_time",
                                        "payments": [advance]}]))
    assert out["appointment"]["eligible_cost_yen"] == 0  # belongs to FY2024


def test_R_SUB_6_recruitment_cost_accrual_date():
    cost = {"date": "2023-04-05", "accrual_date": "2023-03-20", "kind": "agency_fee",
            "amount_yen": 400000}
    out = assess_subsidy({**doc(), "fiscal_year": 2022, "recruitment_costs": [cost]})
    assert out["recruitment"]["eligible_cost_yen"] == 400000
