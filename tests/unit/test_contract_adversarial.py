"""Adversarial checks of the assessment contract (../shared/contracts.md), case by case.

Written from contracts.md and the brief before reading the implementation; each case here
either found a discrepancy (fixed) or pins an edge the contract states exactly. Calls the
domain functions the CLI and the API call (``domain.assessments``), so the suite stays fast;
tests/unit/test_cli_assess.py covers the process boundary.
"""

from __future__ import annotations

import json

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


# --- appointment ------------------------------------------------------------------------------

BASE = ["appointment_terms", "no_discrediting_acts", "confidentiality", "devotion_to_duty"]
EXTRA = ["conflict_of_interest", "side_job_disclosure", "holdings_disclosure",
         "bid_restriction_cooperation"]


def appt(form="special_part_time", start="2024-04-01", end="2025-03-31", duties=("advice",),
         employer=None, procurement=False, pledges=BASE, ready=(1, 2, 3, 4, 5, 6)):
    return {"municipality": {"name": "酒田市", "kind": "city", "prefecture": "山形県",
                             "population": 100000},
            "form": form, "term": {"start": start, "end": end},
            "duties": [{"kind": k, "text": "t"} for k in duties], "initiatives": ["bpr"],
            "appointee": {"for_profit_employer": employer, "advises_on_procurement": procurement},
            "pledges_signed": list(pledges), "readiness_confirmed": list(ready)}


@pytest.mark.parametrize("duty", ["deciding", "contracting", "directing_staff"])
@pytest.mark.parametrize("form", ["specific_fixed_term", "special_part_time", "outsourcing",
                                  "enterprise_dispatch"])
def test_R_FORM_5_executive_acts_only_invalid_for_special_part_time(form, duty):
    out = assess_appointment(appt(form, duties=("advice", duty)))
    assert out["valid"] is (form != "special_part_time")
    assert out["valid"] is (out["violations"] == [])
    if form == "special_part_time":
        assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-FORM-5", "duties.1.kind")]


@pytest.mark.parametrize(("end", "valid"), [("2029-03-31", True), ("2029-04-01", False)])
def test_R_FORM_1_five_years_inclusive_end(end, valid):
    out = assess_appointment(appt("specific_fixed_term", end=end, pledges=[]))
    assert out["valid"] is valid
    if not valid:
        assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-FORM-1", "term.end")]


@pytest.mark.parametrize(("form", "employer", "procurement", "signed", "codes_expected"), [
    ("special_part_time", None, True, BASE[:3], ["R-PLEDGE-1"]),
    ("special_part_time", "X K.K.", False, BASE, []),
    ("special_part_time", "X K.K.", True, BASE, ["R-PLEDGE-2"]),
    ("special_part_time", "X K.K.", True, BASE + EXTRA[:3], ["R-PLEDGE-2"]),
    ("special_part_time", "X K.K.", True, [], ["R-PLEDGE-1", "R-PLEDGE-2"]),
    ("special_part_time", "X K.K.", True, BASE + EXTRA, []),
    ("outsourcing", "X K.K.", True, BASE, ["R-PLEDGE-2"]),
    ("outsourcing", None, False, BASE, []),
    ("specific_fixed_term", "X K.K.", True, [], []),
])
def test_R_PLEDGE_1_2_required_items_by_form(form, employer, procurement, signed, codes_expected):
    out = assess_appointment(appt(form, employer=employer, procurement=procurement, pledges=signed))
    assert [c for c in codes(out, "violations") if c.startswith("R-PLEDGE")] == codes_expected
    assert all(v["field"] == "pledges_signed" for v in out["violations"]
               if v["code"].startswith("R-PLEDGE"))


def test_R_READY_missing_items_are_warnings_and_the_appointment_stays_valid():
    out = assess_appointment(appt(ready=[]))
    assert out["valid"] is True and out["violations"] == []
    assert set(codes(out, "warnings")) == {"R-READY"}


@pytest.mark.parametrize("form", ["specific_fixed_term", "special_part_time", "outsourcing",
                                  "enterprise_dispatch"])
@pytest.mark.parametrize(("end", "sft_valid"), [("2029-03-31", True), ("2029-04-01", False)])
def test_R_FORM_1_only_specific_fixed_term_has_a_term_limit(form, end, sft_valid):
    # found: enterprise_dispatch beyond 3 years was a violation, from the 地域活性化起業人
    # allocation-tax condition (R-SUB-10, "less certain"); now a warning
    out = assess_appointment(appt(form, end=end, pledges=BASE))
    assert out["valid"] is (sft_valid or form != "specific_fixed_term")
    if form == "enterprise_dispatch":
        assert ("R-FORM-4", "term.end") in [(w["code"], w.get("field")) for w in out["warnings"]]


def test_R_FORM_term_ending_before_it_starts_is_invalid_input_naming_term_end():
    with pytest.raises(RuleViolation) as exc:
        assess_appointment(appt(start="2024-04-01", end="2024-03-31"))
    assert (exc.value.code, exc.value.field) == ("invalid_input", "term.end")


# --- bid --------------------------------------------------------------------------------------

GROUPS = [{"parent": "HD", "members": ["Sys", "Sis"]}, {"parent": "Sys", "members": ["SysSub"]}]


def emp(company, from_, to=None):
    return {"company": company, "from": from_, "to": to}


def bid(rule_set, people, bidder="Sys", published="2024-07-01", advised_by=(), spec=(),
        evaluators=(), supervisors=(), advisors=None, contract=None, exemption=None):
    doc = {"rule_set": rule_set, "procurement": {
        "id": "P-1", "published": published, "advised_by": list(advised_by),
        "spec_writers": list(spec), "evaluators": list(evaluators), "supervisors": list(supervisors)},
        "bidder": bidder, "people": people, "groups": GROUPS,
        "contract": contract or {"company": None, "start": "2023-04-01", "end": "2025-03-31"},
        "exemption": exemption}
    if advisors is not None:
        doc["advisors"] = advisors
    return doc


def person(id_, employments=(), side_jobs=()):
    return {"id": id_, "employments": list(employments), "side_jobs": list(side_jobs)}


@pytest.mark.parametrize(("published", "decision"), [
    ("2023-03-31", "allowed"), ("2023-04-01", "restricted"), ("2027-03-31", "restricted"),
    ("2027-04-01", "allowed")])
def test_R_BID_A_period_both_days_included_for_the_whole_group(published, decision):
    contract = {"company": "Sis", "start": "2023-04-01", "end": "2025-03-31"}
    out = assess_bid(bid("A", [], published=published, contract=contract))
    assert out["decision"] == decision
    assert out["rule"] == ("R-BID-A" if decision == "restricted" else None)


@pytest.mark.parametrize(("total_days", "decision"), [(3652, "restricted"), (3651, "allowed")])
def test_R_BID_B1_ten_years_summed_over_employments_in_the_group(total_days, decision):
    # 2000-01-01..2005-06-22 is 2,000 days at the bidder, the rest at its parent
    import datetime as dt
    rest_end = dt.date(2010, 1, 1) + dt.timedelta(days=total_days - 2000 - 1)
    people = [person("a", [emp("Sys", "2000-01-01", "2005-06-22"),
                           emp("HD", "2010-01-01", rest_end.isoformat())]),
              person("b", [emp("Other", "2000-01-01")])]
    out = assess_bid(bid("B1", people, advisors=["a", "b"]))
    assert out["decision"] == decision
    assert out["people"] == (["a"] if decision == "restricted" else [])


def test_R_BID_B1_advisors_absent_reads_advised_by_current_employment_to_on_published():
    out = assess_bid(bid("B1", [person("a", [emp("SysSub", "2020-01-01", "2024-07-01")])],
                         advised_by=["a"]))
    assert (out["decision"], out["rule"], out["people"]) == ("restricted", "R-BID-B1", ["a"])


@pytest.mark.parametrize(("left", "decision"), [  # turn 2: the 2 years begin the day after
    ("2022-07-02", "restricted"), ("2022-07-01", "restricted"), ("2022-06-30", "allowed"),
    (None, "restricted")])
def test_R_BID_B2_ended_less_than_two_years_before_published(left, decision):
    out = assess_bid(bid("B2", [person("a", [emp("HD", "2012-04-01", left)])], advised_by=["a"]))
    assert out["decision"] == decision


def test_R_BID_C_spec_writers_and_evaluators_only_current_employment():
    people = [person("w", [emp("Sys", "2012-04-01")]), person("e", [emp("Sis", "2012-04-01")]),
              person("s", [emp("Sys", "2012-04-01")]), person("x", [emp("Sys", "2012-04-01", "2024-06-30")])]
    out = assess_bid(bid("C", people, spec=["w", "x"], evaluators=["e"], supervisors=["s"],
                         advised_by=["s"]))
    assert (out["decision"], out["rule"], out["people"]) == ("restricted", "R-BID-C", ["w", "e"])


@pytest.mark.parametrize(("bidder", "decision"), [
    ("Sys", "exemption_possible"), ("HD", "exemption_possible"), ("SysSub", "exemption_possible"),
    ("Sis", "allowed")])
def test_R_BID_DA_parent_and_subsidiaries_not_sisters(bidder, decision):
    out = assess_bid(bid("DA", [person("a", side_jobs=[emp("Sys", "2020-01-01")])],
                         bidder=bidder, supervisors=["a"]))
    assert out["decision"] == decision
    assert out["people"] == (["a"] if decision != "allowed" else [])


@pytest.mark.parametrize(("exemption", "decision"), [
    (None, "exemption_possible"),
    ({"no_spec_contact": True, "contact_history_submitted": True, "audit_accepted": True}, "exempted"),
    ({"no_spec_contact": True, "contact_history_submitted": False, "audit_accepted": True}, "restricted"),
])
def test_R_BID_DA_exemption(exemption, decision):
    out = assess_bid(bid("DA", [person("a", side_jobs=[emp("Sys", "2020-01-01")])],
                         spec=["a"], exemption=exemption))
    assert (out["decision"], out["rule"]) == (decision, "R-BID-DA")


# --- invalid input ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["subsidy", "appointment", "bid"])
def test_invalid_input_nested_too_deeply_exits_2_with_a_json_error(kind):
    # found: a deeply nested document crashed with a RecursionError traceback (exit 1)
    from tests.unit.test_cli_assess import ninyo

    res = ninyo(kind, "-", stdin="[" * 100_000 + "]" * 100_000)
    assert res.returncode == 2 and res.stdout == ""
    assert json.loads(res.stderr)["error"]["code"] == "invalid_input"


def test_invalid_input_deep_but_parseable_document_is_invalid_input_not_a_crash():
    doc = sub()
    nested: list = []
    for _ in range(3000):
        nested = [nested]
    doc["advisors"] = nested
    with pytest.raises(RuleViolation) as exc:
        assess_subsidy(doc)
    assert exc.value.code == "invalid_input"


def test_invalid_input_integer_too_long_to_convert_exits_2():
    # found: 5,000 digits made json.loads raise a plain ValueError: traceback, exit 1
    from tests.unit.test_cli_assess import ninyo

    res = ninyo("subsidy", "-", stdin='{"fiscal_year": ' + "9" * 5000 + "}")
    assert res.returncode == 2 and res.stdout == ""
    assert json.loads(res.stderr)["error"]["code"] == "invalid_input"


def test_R_SUB_8_half_of_a_very_large_amount_is_exact():
    # found: 0.5 x cost was computed in Decimal's default 28-digit context, so a 30-digit
    # amount came out rounded in the 28th digit instead of exactly half, rounded down
    amount = 123456789012345678901234567891
    out = assess_subsidy(sub(advisors=[adv("adv-1", "special_part_time",
                                           ("2023-05-31", "remuneration", amount))]))
    assert out["appointment"]["measure_yen"] == amount // 2
    assert "61,728,394,506,172,839,450,617,283,945.5 ->" in " ".join(
        r["message"] for r in out["reasons"])
