"""R-BID edges the worked examples leave open: how employment days add up across several
periods (R-BID-B1's 10 years), which input field an unknown person is reported under, and
that "the bidder's whole group" is policy data (a rule set may look at the bidder alone)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from domain.assessments import assess_bid
from domain.bid_restriction import distinct_days
from domain.errors import RuleViolation
from domain.policy import load_policy
from tests.unit.bid_builders import BIDDER, case

d = dt.date


@pytest.mark.parametrize(
    "spans, days",
    [
        # three separate periods add up
        ([(d(2020, 1, 1), d(2020, 1, 10)), (d(2020, 2, 1), d(2020, 2, 10)),
          (d(2020, 3, 1), d(2020, 3, 10))], 30),
        # a one-day gap is not employment: 10 + 10 days, not 21
        ([(d(2020, 1, 1), d(2020, 1, 10)), (d(2020, 1, 12), d(2020, 1, 21))], 20),
        # periods sharing their boundary day count it once: 1-10 and 10-20 are 20 days
        ([(d(2020, 1, 1), d(2020, 1, 10)), (d(2020, 1, 10), d(2020, 1, 20))], 20),
        # a period inside another, then one after both: 31 + 10 days
        ([(d(2020, 1, 1), d(2020, 1, 31)), (d(2020, 1, 5), d(2020, 1, 6)),
          (d(2020, 3, 1), d(2020, 3, 10))], 41),
        # unsorted input, merged then followed by a separate period
        ([(d(2020, 5, 1), d(2020, 5, 2)), (d(2020, 1, 5), d(2020, 1, 20)),
          (d(2020, 1, 1), d(2020, 1, 10))], 22),
        ([(d(2020, 1, 1), d(2020, 1, 1))], 1),
    ],
)  # fmt: skip
def test_R_BID_B1_employment_days_add_up_each_day_once(spans, days):
    assert distinct_days(spans) == days


def test_R_BID_B1_ten_years_made_of_two_periods_with_a_gap_day_short():
    # 2010-04-01..2015-03-31 (1,826 days) + 2015-04-02..2020-03-30 (1,825 days) = 3,651
    # days: one day short of 10 years (3,652) because 2015-04-01 was not employment
    short = case("B1", employments=[(BIDDER, "2010-04-01", "2015-03-31"),
                                    (BIDDER, "2015-04-02", "2020-03-30")])  # fmt: skip
    assert assess_bid(short)["decision"] == "allowed"
    full = case("B1", employments=[(BIDDER, "2010-04-01", "2015-03-31"),
                                   (BIDDER, "2015-04-01", "2020-03-30")])  # fmt: skip
    assert assess_bid(full)["decision"] == "restricted"


@pytest.mark.parametrize(
    "doc, field",
    [
        (case("B1", advisors=["adv-1", "nobody"]), "advisors.1"),
        (case("B1", advised_by=["nobody"]), "procurement.advised_by.0"),
        (case("C", evaluators=["nobody"]), "procurement.evaluators.0"),
        (case("B2", advised_by=["adv-1", "nobody"]), "procurement.advised_by.1"),
    ],
)
def test_R_BID_an_unknown_person_is_reported_under_the_field_that_names_them(doc, field):
    with pytest.raises(RuleViolation) as err:
        assess_bid(doc)
    assert err.value.code == "invalid_input" and err.value.field == field


def _bidder_only(*rule_sets: str):
    t = json.loads(resources.files("domain").joinpath("policies/bid_rule_sets.json").read_text())
    for name in rule_sets:
        t["rule_sets"][name]["whole_group"] = False
    return load_policy(bid=t)


@pytest.mark.parametrize(
    "rule_set, doc",
    [
        ("B1", case("B1", employments=[("Example Sister K.K.", "2010-01-01", None)])),
        ("B2", case("B2", employments=[("Example Sister K.K.", "2010-01-01", "2023-12-31")])),
        ("C", case("C", spec_writers=["adv-1"],
                   employments=[("Example Sister K.K.", "2010-01-01", None)])),
        ("A", case("A", bidder="Example Sister K.K.",
                   contract={"company": BIDDER, "start": "2023-04-01", "end": "2025-03-31"})),
    ],
)  # fmt: skip
def test_R_BID_the_whole_group_is_policy_data(rule_set, doc):
    """With the packaged table a sister company's employee restricts the bidder; a table
    that limits the rule set to the bidder itself lets the bid through."""
    assert assess_bid(doc)["decision"] == "restricted"
    assert assess_bid(doc, _bidder_only(rule_set))["decision"] == "allowed"


DA_SIDE_JOB = {"side_jobs": [(BIDDER, "2023-04-01", None)]}


def test_R_BID_DA_every_outcome_explains_the_exemption_in_its_reason():
    possible = assess_bid(case("DA", evaluators=["adv-1"], **DA_SIDE_JOB))
    assert possible["decision"] == "exemption_possible"
    assert "exemption" in possible["reason"] and "evaluators" in possible["reason"]
    yes = {"no_spec_contact": True, "contact_history_submitted": True, "audit_accepted": True}
    exempted = assess_bid(case("DA", supervisors=["adv-1"], exemption=yes, **DA_SIDE_JOB))
    assert exempted["decision"] == "exempted"
    assert "exempt" in exempted["reason"] and "supervisors" in exempted["reason"]


@pytest.mark.parametrize(
    "side_job_at, decision",
    [
        ("Example Holdings", "exemption_possible"),  # the bidder is its subsidiary
        ("Example Sub K.K.", "exemption_possible"),  # the bidder is its parent
        ("Example Sister K.K.", "allowed"),  # sisters are not restricted by DA
        ("Other Corp.", "allowed"),
    ],
)
def test_R_BID_DA_restricts_parents_and_subsidiaries_of_the_side_job_company(side_job_at, decision):
    doc = case("DA", spec_writers=["adv-1"], side_jobs=[(side_job_at, "2023-04-01", None)])
    assert assess_bid(doc)["decision"] == decision


def test_R_BID_DA_a_side_job_that_ended_before_publication_does_not_count():
    ended = case("DA", spec_writers=["adv-1"], side_jobs=[(BIDDER, "2020-04-01", "2024-06-30"),
                                                          (BIDDER, "2024-08-01", None)])  # fmt: skip
    assert assess_bid(ended)["decision"] == "allowed"
    both = case("DA", spec_writers=["adv-1"], side_jobs=[("Other Corp.", "2020-04-01", None),
                                                         (BIDDER, "2024-01-01", None)])  # fmt: skip
    assert assess_bid(both)["decision"] == "exemption_possible"
