"""What check_appointment tells the officer beyond valid/invalid: each finding with its rule
code and the input field it concerns (R-POST-1, R-PLEDGE-2, R-FORM-1), and that the pledge
table it applies is the one it is given (policy data)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from domain.appointment import check_appointment
from domain.policy import load_policy

START, END = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
BASE4 = ["appointment_terms", "no_discrediting_acts", "confidentiality", "devotion_to_duty"]
ALL8 = BASE4 + ["conflict_of_interest", "side_job_disclosure", "holdings_disclosure",
                "bid_restriction_cooperation"]  # fmt: skip
COMPANY = {"for_profit_employer": "Example Systems K.K.", "advises_on_procurement": True}


def check(form="special_part_time", duties=("advice",), initiatives=("bpr",), appointee=None,
          pledges=ALL8, policy=None):  # fmt: skip
    return check_appointment(form, START, END, list(duties), list(initiatives), appointee,
                             pledges, range(1, 7), policy=policy)  # fmt: skip


def codes_fields(findings) -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in findings]


def test_R_POST_1_no_initiative_is_a_violation_and_no_duty_a_warning_each_on_its_field():
    violations, warnings = check(duties=(), initiatives=(" ",))
    assert codes_fields(violations) == [("R-POST-1", "initiatives")]
    assert ("R-POST-1", "duties") in codes_fields(warnings)
    assert all(f.message for f in violations + warnings)
    _, clean = check()
    assert "R-POST-1" not in [w.code for w in clean]


def test_R_PLEDGE_2_and_R_FORM_1_warnings_name_the_appointee_fields():
    _, warnings = check(form="specific_fixed_term", appointee=COMPANY, pledges=[])
    assert ("R-PLEDGE-2", "appointee") in codes_fields(warnings)
    assert ("R-FORM-1", "appointee.for_profit_employer") in codes_fields(warnings)
    _, none = check(form="specific_fixed_term", appointee=None, pledges=[])
    assert not {"R-PLEDGE-2", "R-FORM-1"} & {w.code for w in none}


def test_the_pledges_demanded_follow_the_given_policy():
    t = json.loads(resources.files("domain").joinpath("policies/pledges.json").read_text())
    t["base"]["items"] = ["confidentiality"]
    policy = load_policy(pledges=t)
    violations, _ = check(pledges=["confidentiality"], policy=policy)
    assert violations == []
    violations, _ = check(pledges=["confidentiality"])  # the packaged table asks for four
    assert [v.code for v in violations] == ["R-PLEDGE-1"]


def test_R_FORM_5_duties_given_as_any_object_with_kind_and_text_are_judged_the_same():
    """A duty may come as another model of the same shape (kind, text): an executive duty is
    still refused for a special part-time advisor, naming the duty and its text."""
    from types import SimpleNamespace

    duty = SimpleNamespace(kind="deciding", text="予算の決裁")
    violations, _ = check(duties=[duty])
    (v,) = [v for v in violations if v.code == "R-FORM-5"]
    assert v.field == "duties.0.kind" and "deciding" in v.message and "予算の決裁" in v.message
    ok, _ = check(duties=[SimpleNamespace(kind="advice", text="助言")])
    assert "R-FORM-5" not in [v.code for v in ok]
    assert check(duties=[duty]) == check(duties=[{"kind": "deciding", "text": "予算の決裁"}])
