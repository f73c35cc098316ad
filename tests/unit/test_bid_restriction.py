"""R-BID: bid restrictions, data-driven from the examples of 参考4.4-⑧ and ⑩ (contracts.md semantics)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.assessments import assess_bid
from domain.bid_restriction import Group, distinct_days, group_of, parent_and_subsidiaries
from domain.errors import RuleViolation
from tests.unit.bid_builders import BIDDER, GROUPS, case, contract

ALL_YES = {"no_spec_contact": True, "contact_history_submitted": True, "audit_accepted": True}

# (id, document, decision, people)
CASES = [
    # (A) 規定例②: during the contract and for 2 years after it, both days included
    ("A_during_contract", case("A", contract=contract(), advisors=["adv-1"]), "restricted", ["adv-1"]),
    ("A_contract_start_day", case("A", published="2023-04-01", contract=contract()), "restricted", ["adv-1"]),
    ("A_day_before_contract", case("A", published="2023-03-31", contract=contract()), "allowed", []),
    ("A_last_day_2_years_after", case("A", published="2027-03-31", contract=contract()), "restricted", ["adv-1"]),
    ("A_one_day_more", case("A", published="2027-04-01", contract=contract()), "allowed", []),
    ("A_group_parent_restricted", case("A", bidder="Example Holdings", contract=contract()), "restricted", ["adv-1"]),
    ("A_group_sister_restricted", case("A", bidder="Example Sister K.K.", contract=contract()), "restricted", ["adv-1"]),
    ("A_unrelated_company", case("A", bidder="Other Corp.", contract=contract()), "allowed", []),
    ("A_no_company", case("A", contract=contract(company=None)), "allowed", []),
    ("A_leap_day_end", case("A", published="2026-02-28", contract=contract(start="2023-03-01", end="2024-02-29")),
     "restricted", ["adv-1"]),
    ("A_leap_day_end_plus_one", case("A", published="2026-03-01", contract=contract(start="2023-03-01", end="2024-02-29")),
     "allowed", []),
    # (B) 規定例①: current employer, 10-year employer, consolidated group; every procurement
    ("B1_current_employer", case("B1", employments=[(BIDDER, "2020-04-01", None)]), "restricted", ["adv-1"]),
    ("B1_employment_ends_on_published", case("B1", employments=[(BIDDER, "2020-04-01", "2024-07-01")]),
     "restricted", ["adv-1"]),
    ("B1_left_the_day_before_short_tenure", case("B1", employments=[(BIDDER, "2020-04-01", "2024-06-30")]),
     "allowed", []),
    ("B1_exactly_3652_days", case("B1", employments=[(BIDDER, "2012-04-01", "2022-03-31")]), "restricted", ["adv-1"]),
    ("B1_3651_days", case("B1", employments=[(BIDDER, "2012-04-02", "2022-03-31")]), "allowed", []),
    ("B1_days_add_up_over_the_group",
     case("B1", employments=[(BIDDER, "2010-04-01", "2015-03-31"), ("Example Sub K.K.", "2015-04-01", "2020-03-31")]),
     "restricted", ["adv-1"]),
    ("B1_current_employer_is_a_subsidiary", case("B1", employments=[("Example Sub K.K.", "2023-04-01", None)]),
     "restricted", ["adv-1"]),
    ("B1_applies_whoever_advised", case("B1", advised_by=(), advisors=["adv-1"],
                                        employments=[(BIDDER, "2020-04-01", None)]), "restricted", ["adv-1"]),
    ("B1_other_company", case("B1", employments=[("Other Corp.", "2000-04-01", None)]), "allowed", []),
    # (B) 規定例②: now or in the past 2 years, on the procurements advised on
    ("B2_contract_example", case("B2", employments=[(BIDDER, "2012-04-01", "2023-03-31")], advisors=["adv-1"]),
     "restricted", ["adv-1"]),
    ("B2_current", case("B2", employments=[(BIDDER, "2023-04-01", None)]), "restricted", ["adv-1"]),
    ("B2_left_less_than_2_years_before", case("B2", employments=[(BIDDER, "2012-04-01", "2022-07-02")]),
     "restricted", ["adv-1"]),
    # turn 2 (民法140条/143条): the 2 years begin the day after the employment ended
    ("B2_left_exactly_2_years_before", case("B2", employments=[(BIDDER, "2012-04-01", "2022-07-01")]),
     "restricted", ["adv-1"]),
    ("B2_left_2_years_and_a_day_before", case("B2", employments=[(BIDDER, "2012-04-01", "2022-06-30")]),
     "allowed", []),
    ("B2_not_advising_on_it", case("B2", advised_by=(), advisors=["adv-1"], employments=[(BIDDER, "2023-04-01", None)]),
     "allowed", []),
    ("B2_related_company", case("B2", bidder="Example Holdings", employments=[(BIDDER, "2023-04-01", None)]),
     "restricted", ["adv-1"]),
    # (C) 規定例①: no specification or vendor selection where a current employer is expected to bid
    ("C_spec_writer_current_employee", case("C", spec_writers=["adv-1"], employments=[(BIDDER, "2023-04-01", None)]),
     "restricted", ["adv-1"]),
    ("C_evaluator_current_employee", case("C", evaluators=["adv-1"], employments=[(BIDDER, "2023-04-01", None)]),
     "restricted", ["adv-1"]),
    ("C_only_advising", case("C", employments=[(BIDDER, "2023-04-01", None)]), "allowed", []),
    ("C_former_employer", case("C", spec_writers=["adv-1"], employments=[(BIDDER, "2012-04-01", "2023-03-31")]),
     "allowed", []),
    # 参考4.4-⑩ Digital Agency: side-job company, its parent or subsidiary; not sisters
    ("DA_side_job_company", case("DA", spec_writers=["adv-1"], side_jobs=[(BIDDER, "2023-04-01", None)]),
     "exemption_possible", ["adv-1"]),
    ("DA_exempted", case("DA", spec_writers=["adv-1"], side_jobs=[(BIDDER, "2023-04-01", None)], exemption=ALL_YES),
     "exempted", ["adv-1"]),
    ("DA_exemption_condition_missing",
     case("DA", spec_writers=["adv-1"], side_jobs=[(BIDDER, "2023-04-01", None)],
          exemption=dict(ALL_YES, contact_history_submitted=False)), "restricted", ["adv-1"]),
    ("DA_parent_of_side_job", case("DA", bidder="Example Holdings", evaluators=["adv-1"],
                                   side_jobs=[(BIDDER, "2023-04-01", None)]), "exemption_possible", ["adv-1"]),
    ("DA_subsidiary_of_side_job", case("DA", bidder="Example Sub K.K.", supervisors=["adv-1"],
                                       side_jobs=[(BIDDER, "2023-04-01", None)]), "exemption_possible", ["adv-1"]),
    ("DA_sister_not_restricted", case("DA", bidder="Example Sister K.K.", spec_writers=["adv-1"],
                                      side_jobs=[(BIDDER, "2023-04-01", None)]), "allowed", []),
    ("DA_side_job_ended", case("DA", spec_writers=["adv-1"], side_jobs=[(BIDDER, "2020-04-01", "2024-06-30")]),
     "allowed", []),
    ("DA_employment_is_not_a_side_job", case("DA", spec_writers=["adv-1"], employments=[(BIDDER, "2023-04-01", None)]),
     "allowed", []),
    ("DA_not_related_staff", case("DA", side_jobs=[(BIDDER, "2023-04-01", None)]), "allowed", []),
]


@pytest.mark.parametrize("doc, decision, people", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_R_BID_examples(doc, decision, people):
    out = assess_bid(doc)
    assert out["decision"] == decision
    assert out["people"] == people
    rule = "R-BID-" + doc["rule_set"]
    assert out["rule"] == (None if decision == "allowed" else rule)
    assert out["reason"]


def test_R_BID_A_two_years_after_the_contract_both_days_included():
    assert assess_bid(case("A", published="2027-03-31", contract=contract()))["decision"] == "restricted"
    out = assess_bid(case("A", published="2027-04-01", contract=contract()))
    assert out["decision"] == "allowed" and "2027-03-31" in out["reason"]


def test_R_BID_B1_ten_years_is_3652_days_inclusive():
    out = assess_bid(case("B1", employments=[(BIDDER, "2012-04-01", "2022-03-31")]))
    assert out["decision"] == "restricted" and "3,652 days" in out["reason"]
    assert assess_bid(case("B1", employments=[(BIDDER, "2012-04-02", "2022-03-31")]))["decision"] == "allowed"


def test_R_BID_B1_uses_advised_by_when_advisors_is_absent():
    doc = case("B1", advised_by=("adv-1",), employments=[(BIDDER, "2020-04-01", None)])
    assert "advisors" not in doc
    assert assess_bid(doc)["people"] == ["adv-1"]


def test_R_BID_B2_less_than_two_years_before_publication():
    assert assess_bid(case("B2", employments=[(BIDDER, "2010-01-01", "2022-07-02")]))["decision"] == "restricted"
    # turn 2: the period after an end on 2022-07-01 begins 07-02 and runs through 2024-07-01
    assert assess_bid(case("B2", employments=[(BIDDER, "2010-01-01", "2022-07-01")]))["decision"] == "restricted"
    assert assess_bid(case("B2", employments=[(BIDDER, "2010-01-01", "2022-06-30")]))["decision"] == "allowed"


@pytest.mark.parametrize(("ended", "published", "decision"), [
    ("2024-02-29", "2026-02-28", "restricted"),  # 2 years after a leap day: through 02-28
    ("2024-02-29", "2026-03-01", "allowed"),
    ("2022-02-28", "2024-02-29", "restricted"),  # begins 03-01: through 2024-02-29 (leap year)
    ("2022-02-28", "2024-03-01", "allowed"),
])
def test_R_BID_B2_leap_days_follow_the_civil_code(ended, published, decision):
    doc = case("B2", published=published, employments=[(BIDDER, "2010-01-01", ended)])
    assert assess_bid(doc)["decision"] == decision


@pytest.mark.parametrize(("end", "published", "decision"), [
    ("2023-03-31", "2025-03-31", "restricted"),
    ("2023-03-31", "2025-04-01", "allowed"),
    ("2022-02-28", "2024-02-29", "restricted"),  # was allowed before (add_years gave 02-28)
    ("2022-02-28", "2024-03-01", "allowed"),
])
def test_R_BID_A_leap_days_follow_the_civil_code(end, published, decision):
    doc = case("A", published=published, contract=contract(start="2021-04-01", end=end))
    assert assess_bid(doc)["decision"] == decision


def test_R_BID_C_lists_every_person_who_caused_it():
    other = {"id": "ev-2", "employments": [{"company": "Example Sub K.K.", "from": "2020-01-01", "to": None}],
             "side_jobs": []}
    out = assess_bid(case("C", spec_writers=["adv-1"], evaluators=["ev-2"],
                          employments=[(BIDDER, "2023-04-01", None)], extra_people=[other]))
    assert out == {"decision": "restricted", "rule": "R-BID-C", "reason": out["reason"], "people": ["adv-1", "ev-2"]}


def test_R_BID_DA_exemption_decisions():
    base = dict(spec_writers=["adv-1"], side_jobs=[(BIDDER, "2023-04-01", None)])
    assert assess_bid(case("DA", **base))["decision"] == "exemption_possible"
    assert assess_bid(case("DA", exemption=ALL_YES, **base))["decision"] == "exempted"
    for name in ALL_YES:
        out = assess_bid(case("DA", exemption=dict(ALL_YES, **{name: False}), **base))
        assert out["decision"] == "restricted" and name in out["reason"]


def test_R_BID_unknown_person_is_invalid_input_naming_the_field():
    with pytest.raises(RuleViolation) as err:
        assess_bid(case("C", spec_writers=["adv-1", "nobody"]))
    assert err.value.code == "invalid_input" and err.value.field == "procurement.spec_writers.1"


def test_R_BID_rule_set_must_be_known():
    with pytest.raises(RuleViolation) as err:
        assess_bid(case("Z"))
    assert err.value.field == "rule_set"


def test_R_BID_group_relations():
    groups = [Group(**g) for g in GROUPS]
    assert group_of("Lonely Corp.", groups) == {"Lonely Corp."}
    # turn 2: connected at any depth (BIDDER, a member here, is the parent of Example Sub)
    assert group_of("Example Sister K.K.", groups) == {
        "Example Holdings", BIDDER, "Example Sister K.K.", "Example Sub K.K."}
    # DA: parent and subsidiaries, never sisters
    assert parent_and_subsidiaries(BIDDER, groups) == {BIDDER, "Example Holdings", "Example Sub K.K."}


def test_R_BID_B1_overlapping_employments_count_each_day_once():
    d = dt.date
    assert distinct_days([]) == 0
    assert distinct_days([(d(2020, 1, 1), d(2020, 1, 10)), (d(2020, 1, 5), d(2020, 1, 20))]) == 20
    assert distinct_days([(d(2020, 1, 1), d(2020, 1, 1)), (d(2020, 1, 2), d(2020, 1, 2))]) == 2
    # two concurrent group employments of 5 years do not make 10 years
    out = assess_bid(case("B1", employments=[(BIDDER, "2015-04-01", "2020-03-31"),
                                             ("Example Sub K.K.", "2015-04-01", "2020-03-31")]))
    assert out["decision"] == "allowed"


# ---------------------------------------------------------------- turn 2 (issue 11 points 16, 17)


def _gl(bidder="Drafter K.K.", exemption=None, **proc):
    procurement = {"id": "P-GL", "published": "2024-07-01", "advised_by": [], "spec_writers": [],
                   "evaluators": [], "supervisors": [], **proc}
    return {"rule_set": "GL", "procurement": procurement, "bidder": bidder, "people": [],
            "groups": [], "advisors": [], "contract": None, "exemption": exemption}


@pytest.mark.parametrize(("exemption", "decision"), [
    (None, "exemption_possible"),
    ({"no_competitive_advantage": True}, "exempted"),
    ({"no_competitive_advantage": False}, "restricted"),
])
def test_R_BID_GL_spec_drafting_company_with_the_competitive_advantage_exemption(exemption, decision):
    out = assess_bid(_gl(exemption=exemption, spec_drafting_companies=["Drafter K.K."]))
    assert (out["decision"], out["rule"], out["people"]) == (decision, "R-BID-GL", [])


def test_R_BID_GL_pmo_support_company_may_not_bid_on_design_or_development():
    out = assess_bid(_gl(bidder="PMO K.K.", pmo_support_companies=["PMO K.K."],
                         exemption={"no_competitive_advantage": True}))
    assert (out["decision"], out["rule"]) == ("restricted", "R-BID-GL")
    out = assess_bid(_gl(bidder="PMO K.K.", pmo_support_companies=["PMO K.K."],
                         design_or_development=False))
    assert (out["decision"], out["rule"]) == ("allowed", None)


def test_R_BID_GL_looks_at_the_company_itself_not_its_group():
    doc = _gl(bidder="Drafter Sub", spec_drafting_companies=["Drafter K.K."])
    doc["groups"] = [{"parent": "Drafter K.K.", "members": ["Drafter Sub"]}]
    assert assess_bid(doc)["decision"] == "allowed"


def test_R_BID_GL_exemption_shape_must_fit_the_rule_set():
    from domain.errors import RuleViolation

    with pytest.raises(RuleViolation):
        assess_bid(_gl(exemption={"no_spec_contact": True, "contact_history_submitted": True,
                                  "audit_accepted": True}))


def test_R_BID_groups_connect_at_any_depth():
    """Issue 11 point 16: a member that is itself a parent brings its members in (B1)."""
    doc = case("B1", bidder="Grandchild K.K.", employments=[("Top Holdings", "2020-04-01", None)])
    doc["groups"] = [{"parent": "Top Holdings", "members": ["Mid K.K."]},
                     {"parent": "Mid K.K.", "members": ["Grandchild K.K."]}]
    assert assess_bid(doc)["decision"] == "restricted"


def test_R_BID_DA_parents_and_subsidiaries_at_any_depth_but_not_sisters():
    from domain.bid_restriction import Group, parent_and_subsidiaries

    groups = [Group(parent="Top", members=("Mid", "MidSister")),
              Group(parent="Mid", members=("Side", "SideSister")),
              Group(parent="Side", members=("SideChild",)),
              Group(parent="SideChild", members=("SideGrandchild",))]
    assert parent_and_subsidiaries("Side", groups) == {
        "Side", "Mid", "Top", "SideChild", "SideGrandchild"}
