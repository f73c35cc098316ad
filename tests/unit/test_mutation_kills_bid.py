"""R-BID edges the mutation run left untested (docs/testing.md): DA's group table and the
fields it reports, the DA/GL reasons of each branch, who is named and how, several advisors,
the latest past employment of B2, sisters at any parent, and assess with a bid table alone."""

from __future__ import annotations

import pytest

from domain.assessments import assess_bid
from domain.bid_restriction import BidCase, Group, assess, parent_and_subsidiaries
from domain.errors import RuleViolation
from domain.policy import default_policy, load_policy, packaged_table
from tests.unit.bid_builders import BIDDER, case

SISTER = "Example Sister K.K."
PERSON_2 = {"id": "adv-2", "employments": [], "side_jobs": []}


# --- parent_and_subsidiaries with sisters ---------------------------------------------------


def test_sisters_are_every_member_of_each_parent_entry_with_the_company_and_its_family():
    groups = [Group(parent="Holdings", members=["A", "B"]), Group(parent="Other HD", members=["A", "C"]),
              Group(parent="A", members=["A-sub"])]
    assert parent_and_subsidiaries("A", groups, sisters=True) == {
        "A", "Holdings", "Other HD", "B", "C", "A-sub"}
    assert parent_and_subsidiaries("A", groups, parent=False, subsidiaries=False, sisters=True) == {
        "A", "B", "C"}
    # a company that is nobody's member has no sisters
    assert parent_and_subsidiaries("Holdings", groups, sisters=True) == {"Holdings", "A", "B", "A-sub"}


# --- R-BID-DA ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["spec_writers", "evaluators", "supervisors"])
def test_R_BID_DA_an_unknown_staff_member_is_reported_under_its_field(key):
    with pytest.raises(RuleViolation) as err:
        assess_bid(case("DA", **{key: ["adv-1", "nobody"]}))
    assert (err.value.code, err.value.field) == ("invalid_input", f"procurement.{key}.1")


@pytest.mark.parametrize("key", ["spec_writers", "evaluators", "supervisors"])
def test_R_BID_DA_the_reason_names_the_role_of_the_staff_member(key):
    out = assess_bid(case("DA", side_jobs=[(BIDDER, "2023-04-01", None)], **{key: ["adv-1"]}))
    assert out["decision"] == "exemption_possible" and out["people"] == ["adv-1"]
    assert f"({key})" in out["reason"]


def test_R_BID_DA_an_ended_side_job_does_not_hide_a_current_one_after_it():
    doc = case("DA", spec_writers=["adv-1"], side_jobs=[("Other Corp.", "2010-04-01", "2015-03-31"),
                                                        (BIDDER, "2023-04-01", None)])
    assert assess_bid(doc)["decision"] == "exemption_possible"


def test_R_BID_DA_the_reason_says_whether_the_bidder_is_the_side_job_company_or_its_relative():
    direct = assess_bid(case("DA", spec_writers=["adv-1"], side_jobs=[(BIDDER, "2023-04-01", None)]))
    assert f"{BIDDER} is a side-job company of adv-1" in direct["reason"]
    assert "parent or a subsidiary" not in direct["reason"]
    parent = assess_bid(case("DA", spec_writers=["adv-1"],
                             side_jobs=[("Example Sub K.K.", "2023-04-01", None)]))
    assert f"{BIDDER} is the parent or a subsidiary of Example Sub K.K., which is a side-job" \
        in parent["reason"]


def test_R_BID_DA_which_relatives_are_restricted_is_the_tables_choice():
    t = packaged_table("bid")
    t["rule_sets"]["DA"].update(include_parent=False, include_subsidiaries=False, include_sisters=True)
    policy = load_policy(bid=t)

    def decision(side_job_at):
        doc = case("DA", spec_writers=["adv-1"], side_jobs=[(side_job_at, "2023-04-01", None)])
        return assess_bid(doc)["decision"], assess_bid(doc, policy)["decision"]

    assert decision(BIDDER) == ("exemption_possible", "exemption_possible")
    assert decision("Example Holdings") == ("exemption_possible", "allowed")  # its parent
    assert decision("Example Sub K.K.") == ("exemption_possible", "allowed")  # its subsidiary
    assert decision(SISTER) == ("allowed", "exemption_possible")  # its sister


# --- R-BID-GL ----------------------------------------------------------------------------------


def gl(bidder, design_or_development):
    return BidCase.model_validate({
        "rule_set": "GL", "bidder": bidder,
        "procurement": {"id": "P-1", "published": "2024-07-01",
                        "spec_drafting_companies": ["Drafter K.K."],
                        "pmo_support_companies": ["PMO K.K."],
                        "design_or_development": design_or_development},
    })


def test_R_BID_GL_an_allowed_pjmo_supporter_is_told_why_its_support_does_not_bar_it():
    pmo = assess(gl("PMO K.K.", False))
    assert (pmo.decision.value, pmo.rule) == ("allowed", None)
    assert "PJMO support does not bar a procurement without design or development" in pmo.reason
    other = assess(gl("Other K.K.", False))
    assert other.decision.value == "allowed"
    assert other.reason.endswith("and does not support its PJMO")


# --- who is named, and how ----------------------------------------------------------------


def test_R_BID_A_people_are_the_advisors_when_given_else_those_who_advised():
    kw = {"contract": {"company": BIDDER, "start": "2023-04-01", "end": "2025-03-31"},
          "extra_people": [PERSON_2]}
    assert assess_bid(case("A", advisors=["adv-2"], **kw))["people"] == ["adv-2"]
    assert assess_bid(case("A", **kw))["people"] == ["adv-1"]


def test_R_BID_A_the_reason_says_when_the_bidder_is_restricted_through_the_group():
    contract = {"company": BIDDER, "start": "2023-04-01", "end": "2025-03-31"}
    itself = assess_bid(case("A", contract=contract))["reason"]
    assert itself.startswith(f"{BIDDER} may not bid from the contract start") and "group" not in itself
    sister = assess_bid(case("A", bidder=SISTER, contract=contract))["reason"]
    assert sister.startswith(f"{SISTER} (in the group of {BIDDER}) may not bid")


def test_R_BID_A_a_contract_without_company_restricts_no_period():
    out = assess_bid(case("A", contract={"company": None, "start": "2023-04-01", "end": "2025-03-31"}))
    assert (out["decision"], out["rule"]) == ("allowed", None)
    assert "no contracting company" in out["reason"]


@pytest.mark.parametrize("rule_set, extra", [
    ("B1", {}), ("B2", {}), ("C", {"spec_writers": ["adv-1"]}),
])
def test_R_BID_the_reason_names_the_group_only_for_a_group_company(rule_set, extra):
    own = assess_bid(case(rule_set, employments=[(BIDDER, "2010-01-01", None)], **extra))
    assert own["decision"] == "restricted"
    assert f"by {BIDDER}" in own["reason"] and "group of" not in own["reason"]
    sister = assess_bid(case(rule_set, employments=[(SISTER, "2010-01-01", None)], **extra))
    assert f"by {SISTER} (group of {BIDDER})" in sister["reason"]


def test_R_BID_B2_the_reason_names_the_group_of_a_past_employer():
    out = assess_bid(case("B2", employments=[(SISTER, "2010-01-01", "2023-12-31")]))
    assert out["decision"] == "restricted"
    assert f"left {SISTER} (group of {BIDDER}) on 2023-12-31" in out["reason"]


def test_R_BID_B1_an_employment_starting_on_the_publication_day_is_current():
    out = assess_bid(case("B1", published="2024-07-01", employments=[(BIDDER, "2024-07-01", None)]))
    assert out["decision"] == "restricted"


def test_R_BID_B1_every_advisor_is_judged_after_a_currently_employed_one():
    adv2 = {"id": "adv-2", "side_jobs": [],
            "employments": [{"company": BIDDER, "from": "2000-04-01", "to": "2020-03-31"}]}
    out = assess_bid(case("B1", advised_by=["adv-1", "adv-2"], extra_people=[adv2],
                          employments=[(BIDDER, "2010-01-01", None)]))
    assert out["people"] == ["adv-1", "adv-2"]


def test_R_BID_B2_every_advisor_is_judged_after_a_currently_employed_one():
    adv2 = {"id": "adv-2", "side_jobs": [],
            "employments": [{"company": BIDDER, "from": "2000-04-01", "to": "2023-12-31"}]}
    out = assess_bid(case("B2", advised_by=["adv-1", "adv-2"], extra_people=[adv2],
                          employments=[(BIDDER, "2010-01-01", None)]))
    assert out["people"] == ["adv-1", "adv-2"]


def test_R_BID_B2_the_latest_of_several_past_employments_is_named_with_its_period():
    out = assess_bid(case("B2", published="2024-07-01",
                          employments=[(BIDDER, "2015-04-01", "2023-06-30"),
                                       (SISTER, "2023-07-01", "2023-12-31"),
                                       (BIDDER, "2010-04-01", "2023-01-31")]))
    assert out["decision"] == "restricted"
    assert "on 2023-12-31" in out["reason"] and "(to 2025-12-31)" in out["reason"]


def test_assess_takes_a_bid_table_alone():
    doc = case("B1", employments=[(BIDDER, "2010-01-01", None)])
    bid_case = BidCase.model_validate(doc)
    assert assess(bid_case, default_policy().bid) == assess(bid_case, default_policy())
    assert assess(bid_case, default_policy().bid).decision.value == "restricted"
