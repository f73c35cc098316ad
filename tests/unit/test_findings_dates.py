from datetime import date

from domain.assessments import assess_bid
from domain.findings import add_months, last_day_of_span


def test_date_arithmetic_saturates_at_the_calendar_edges():
    assert add_months(date(9999, 12, 31), 24) == date.max
    assert add_months(date(1, 1, 1), -24) == date.min
    assert last_day_of_span(date(2024, 4, 1), years=5) == date(2029, 3, 31)


def test_R_BID_A_contract_ending_at_the_end_of_the_calendar_still_assesses():
    doc = {
        "rule_set": "A",
        "procurement": {"id": "P-1", "published": "2024-07-01", "advised_by": [],
                        "spec_writers": [], "evaluators": [], "supervisors": []},
        "bidder": "X K.K.",
        "people": [],
        "groups": [],
        "advisors": [],
        "contract": {"company": "X K.K.", "start": "2023-04-01", "end": "9999-12-31"},
        "exemption": None,
    }
    out = assess_bid(doc)
    assert out["decision"] == "restricted" and out["rule"] == "R-BID-A"
