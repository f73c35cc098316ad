"""Adversarial checks of the assessment contract (../shared/contracts.md), case by case.

Written from contracts.md and the brief before reading the implementation; each case here
either found a discrepancy (fixed) or pins an edge the contract states exactly. Calls the
domain functions the CLI and the API call (``domain.assessments``), so the suite stays fast;
tests/unit/test_cli_assess.py covers the process boundary.
"""

from __future__ import annotations

import pytest

from domain.assessments import assess_appointment, assess_bid, assess_subsidy
from domain.errors import RuleViolation

# --- subsidy ----------------------------------------------------------------------------------


def sub(kind="town", fy=2023, advisors=(), recruitment=()):
    return {"municipality": {"name": "X", "kind": kind, "prefecture": "福島県", "population": 3300},
            "fiscal_year": fy, "advisors": list(advisors), "recruitment_costs": list(recruitment)}


def adv(id_="adv-1", form="special_part_time", *payments):
    return {"id": id_, "form": form,
            "payments": [{"date": d, "kind": k, "amount_yen": a} for d, k, a in payments]}


def rc(date="2023-04-20", amount=880_000, kind="agency_fee"):
    return {"date": date, "kind": kind, "amount_yen": amount}


def codes(out, key="reasons"):
    return [r["code"] for r in out[key]]


@pytest.mark.parametrize("kind", ["special_ward", "prefecture"])
def test_R_SUB_1_R_SUB_6_ineligible_municipality_still_names_each_cost_outside_the_year(kind):
    # found: R-SUB-1 refused every submitted cost, including those of other fiscal years,
    # which got no R-SUB-6 reason (contracts.md: each payment outside the year has one)
    out = assess_subsidy(sub(kind, advisors=[adv("adv-1", "special_part_time",
                                                 ("2023-05-31", "remuneration", 300_000),
                                                 ("2024-04-01", "remuneration", 300_000))],
                             recruitment=[rc(), rc("2023-03-31", 100_000)]))
    assert out["total_measure_yen"] == 0 and out["eligible"] is False
    assert codes(out) == ["R-SUB-1", "R-SUB-6", "R-SUB-6"]
    refused = out["reasons"][0]["message"]
    assert "300,000 yen" in refused and "880,000 yen" in refused  # this year's costs only
    assert "600,000" not in refused and "980,000" not in refused


@pytest.mark.parametrize(("amount", "measure"), [(999_999, 499_999), (1_000_000, 500_000),
                                                 (1_000_001, 500_000), (3, 1)])
def test_R_SUB_4_cap_boundary(amount, measure):
    out = assess_subsidy(sub(recruitment=[rc(amount=amount)]))
    assert out["recruitment"] == {"eligible_cost_yen": amount, "measure_yen": measure}
    assert "R-SUB-4" in codes(out)


def test_R_SUB_8_half_of_an_odd_total_is_rounded_down_once():
    out = assess_subsidy(sub(advisors=[adv("adv-1", "special_part_time",
                                           ("2023-05-31", "remuneration", 1),
                                           ("2023-06-30", "term_end_allowance", 300_000))]))
    assert out["appointment"]["measure_yen"] == 150_000
    assert "R-SUB-8" in codes(out)


def test_R_SUB_5_largest_eligible_cost_not_largest_payment_total():
    out = assess_subsidy(sub(advisors=[
        adv("adv-1", "special_part_time", ("2023-05-31", "remuneration", 300_000)),
        adv("adv-2", "specific_fixed_term", ("2023-05-31", "remuneration", 900_000)),
        adv("adv-3", "special_part_time", ("2023-05-31", "remuneration", 200_000),
            ("2024-04-01", "remuneration", 500_000)),
        adv("adv-4", "outsourcing", ("2023-05-31", "remuneration", 400_000)),
    ]))
    assert out["appointment"] == {"eligible_cost_yen": 300_000, "measure_yen": 150_000,
                                  "counted_advisor": "adv-1"}
    not_counted = [r["message"] for r in out["reasons"] if r["code"] == "R-SUB-5"]
    assert len(not_counted) == 1 and not_counted[0].startswith("adv-3")


def test_R_SUB_7_FY2021_recruitment_outside_while_appointment_counts():
    out = assess_subsidy(sub(fy=2021, advisors=[adv("adv-1", "outsourcing",
                                                    ("2021-05-31", "outsourcing_fee", 300_000))],
                             recruitment=[rc("2021-06-01")]))
    assert out["appointment"]["measure_yen"] == 150_000
    assert out["recruitment"]["measure_yen"] == 0 and out["total_measure_yen"] == 150_000
    assert "R-SUB-7" in codes(out)


def test_R_SUB_7_FY2026_nothing_and_counted_advisor_null():
    out = assess_subsidy(sub(fy=2026, advisors=[adv("adv-1", "special_part_time",
                                                    ("2026-04-01", "remuneration", 300_000))],
                             recruitment=[rc("2027-03-31")]))
    assert out["eligible"] is False and out["appointment"]["counted_advisor"] is None
    assert codes(out).count("R-SUB-7") == 2
