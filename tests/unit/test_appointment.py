"""R-FORM, R-POST-1, R-PLEDGE, R-READY through ``assess_appointment`` and the lower-level checks."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.appointment import check_appointment, check_dispatch_term
from domain.assessments import assess_appointment
from domain.errors import RuleViolation
from domain.pledges import PledgeItem, label_ja, required_pledges
from domain.readiness import READINESS_CHECKS, applicable_items
from tests.unit.contract_examples import APPOINTMENT_IN

BASE4 = ["appointment_terms", "no_discrediting_acts", "confidentiality", "devotion_to_duty"]
ALL8 = BASE4 + ["conflict_of_interest", "side_job_disclosure", "holdings_disclosure", "bid_restriction_cooperation"]


def appt(form="special_part_time", start="2024-04-01", end="2025-03-31", duties=("advice",),
         initiatives=("bpr",), employer=None, procurement=False, pledges=ALL8, ready=(1, 2, 3, 4, 5, 6)):
    return {
        "municipality": {"name": "酒田市", "kind": "city", "prefecture": "山形県", "population": 100000},
        "form": form,
        "term": {"start": start, "end": end},
        "duties": [{"kind": k, "text": f"{k} の業務"} for k in duties],
        "initiatives": list(initiatives),
        "appointee": {"for_profit_employer": employer, "advises_on_procurement": procurement},
        "pledges_signed": list(pledges),
        "readiness_confirmed": list(ready),
    }


def vcodes(out):
    return [v["code"] for v in out["violations"]]


def test_contract_example():
    out = assess_appointment(APPOINTMENT_IN)
    assert out["valid"] is False
    assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-PLEDGE-2", "pledges_signed")]
    assert [w["code"] for w in out["warnings"]] == ["R-READY"]
    assert "6" in out["warnings"][0]["message"]


def test_a_clean_appointment_is_valid():
    out = assess_appointment(appt())
    assert out == {"valid": True, "violations": [], "warnings": []}


# --- R-FORM-1: specific fixed term, at most 5 years, end inclusive -----------------------


def test_R_FORM_1_exactly_five_years_is_valid():
    out = assess_appointment(appt(form="specific_fixed_term", start="2024-04-01", end="2029-03-31", pledges=[]))
    assert out["valid"] is True, out


def test_R_FORM_1_one_day_more_than_five_years_is_invalid():
    out = assess_appointment(appt(form="specific_fixed_term", start="2024-04-01", end="2029-04-01", pledges=[]))
    assert out["valid"] is False
    [v] = out["violations"]
    assert v["code"] == "R-FORM-1" and v["field"] == "term.end" and "2029-03-31" in v["message"]


def test_R_FORM_1_leap_day_start():
    """民法143条2項ただし書: no Feb 29 in 2029, so five years from 2024-02-29 end on 2029-02-28
    (issue 11 point 11: the code demanded 2029-02-27 and this test asserted it)."""
    ok = check_appointment("specific_fixed_term", dt.date(2024, 2, 29), dt.date(2029, 2, 28), ["advice"], ["bpr"],
                           None, [], range(1, 7))
    bad = check_appointment("specific_fixed_term", dt.date(2024, 2, 29), dt.date(2029, 3, 1), ["advice"], ["bpr"],
                            None, [], range(1, 7))
    assert ok[0] == [] and [v.code for v in bad[0]] == ["R-FORM-1"]


def test_R_FORM_1_company_employee_gets_a_warning_not_a_violation():
    out = assess_appointment(appt(form="specific_fixed_term", employer="Example Systems K.K.", pledges=[]))
    assert out["valid"] is True
    assert "R-FORM-1" in [w["code"] for w in out["warnings"]]


def test_R_FORM_1_specific_fixed_term_may_implement_and_decide():
    out = assess_appointment(appt(form="specific_fixed_term", duties=("implementation", "deciding", "directing_staff"),
                                  pledges=[]))
    assert out["valid"] is True


# --- R-FORM-2 / R-FORM-5: special part-time duties --------------------------------------


@pytest.mark.parametrize("kind", ["advice", "research", "diagnosis"])
def test_R_FORM_2_advice_research_diagnosis_are_allowed(kind):
    assert assess_appointment(appt(duties=(kind,)))["valid"] is True


def test_R_FORM_2_implementation_is_outside_special_part_time():
    out = assess_appointment(appt(duties=("advice", "implementation")))
    assert out["valid"] is False
    assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-FORM-2", "duties.1.kind")]


def test_R_FORM_2_drafting_by_a_special_part_time_advisor_is_a_warning():
    """Issue 11 point 13 (turn 2): the manual's CIO-advisor role 「立案する」; the plan stays
    the staff's. Before the fix drafting was a violation."""
    out = assess_appointment(appt(duties=("advice", "drafting")))
    assert out["valid"] is True
    assert [(w["code"], w["field"]) for w in out["warnings"]] == [("R-FORM-2", "duties.1.kind")]


@pytest.mark.parametrize("kind", ["deciding", "contracting", "directing_staff"])
def test_R_FORM_5_executive_acts_make_a_special_part_time_role_invalid(kind):
    out = assess_appointment(appt(duties=("advice", "research", kind)))
    assert out["valid"] is False
    [v] = out["violations"]
    assert v["code"] == "R-FORM-5" and v["field"] == "duties.2.kind" and kind in v["message"]


def test_R_FORM_5_each_executive_duty_is_reported():
    out = assess_appointment(appt(duties=("deciding", "contracting", "directing_staff")))
    assert vcodes(out) == ["R-FORM-5"] * 3


# --- R-FORM-3: outsourcing needs confidentiality -----------------------------------------


def test_R_FORM_3_outsourcing_without_confidentiality_is_invalid():
    # contract_clauses absent: as in turn 1, the pledges R-PLEDGE-1 asks (no R-FORM-3 check)
    out = assess_appointment(appt(form="outsourcing", pledges=[p for p in BASE4 if p != "confidentiality"]))
    assert out["valid"] is False
    assert vcodes(out) == ["R-PLEDGE-1"]


@pytest.mark.parametrize(("clauses", "missing"), [
    ([], ["confidentiality", "fairness"]),
    (["confidentiality"], ["fairness"]),
    (["fairness"], ["confidentiality"]),
    (["confidentiality", "fairness"], []),
])
def test_R_FORM_3_outsourcing_contract_clauses_replace_the_personal_pledges(clauses, missing):
    """Issue 11 point 18: confidentiality AND fairness in the contract; no personal pledges."""
    doc = {**appt(form="outsourcing", pledges=[], employer="X K.K.", procurement=True),
           "contract_clauses": clauses}
    out = assess_appointment(doc)
    assert [(v["code"], v["field"]) for v in out["violations"]] == [
        ("R-FORM-3", "contract_clauses")] * len(missing)
    assert all(m in v["message"] for m, v in zip(missing, out["violations"], strict=True))
    assert out["valid"] is (not missing)


def test_R_FORM_3_contract_clauses_null_counts_as_absent():
    doc = {**appt(form="outsourcing", pledges=[]), "contract_clauses": None}
    assert vcodes(assess_appointment(doc)) == ["R-PLEDGE-1"]


def test_R_FORM_3_outsourcing_with_the_contract_items_is_valid():
    assert assess_appointment(appt(form="outsourcing", pledges=BASE4))["valid"] is True


# --- R-FORM-4: dispatch schemes ------------------------------------------------------------


@pytest.mark.parametrize("end, ok", [
    ("2024-09-29", False),  # one day short of 6 months
    ("2024-09-30", True),   # exactly 6 months
    ("2027-03-31", True),   # exactly 3 years
    ("2027-04-01", False),  # one day more
])
def test_R_FORM_4_enterprise_dispatch_lasts_6_months_to_3_years(end, ok):
    # the scheme's condition (R-SUB-10, less certain), not a limit on the appointment: a warning
    out = assess_appointment(appt(form="enterprise_dispatch", start="2024-04-01", end=end, pledges=[]))
    assert out["valid"] is True
    flagged = [(w["code"], w.get("field")) for w in out["warnings"] if w["code"] == "R-FORM-4"]
    assert flagged == ([] if ok else [("R-FORM-4", "term.end")])


def test_R_FORM_4_digital_expert_dispatch_6_months_to_2_years():
    start = dt.date(2024, 4, 1)
    assert check_dispatch_term("digital_expert_dispatch", start, dt.date(2026, 3, 31)) == []
    [f] = check_dispatch_term("digital_expert_dispatch", start, dt.date(2026, 4, 1))
    assert f.code == "R-FORM-4" and "as a rule" in f.message
    assert check_dispatch_term("digital_expert_dispatch", start, dt.date(2024, 9, 29))


def test_R_FORM_4_enterprise_dispatch_reminds_company_coordination():
    out = assess_appointment(appt(form="enterprise_dispatch", pledges=[], ready=(1, 2, 3, 4, 6)))
    assert [w["message"][:23] for w in out["warnings"]] == ["readiness item 5 not co"]


def test_R_FORM_4_enterprise_dispatch_no_permits_or_contracts_with_the_company():
    """Issue 11 point 19 (規定例②): a contracting duty is flagged for the dispatching company."""
    out = assess_appointment(appt(form="enterprise_dispatch", pledges=[],
                                  duties=("advice", "contracting")))
    flagged = [(w["code"], w["field"]) for w in out["warnings"] if w["code"] == "R-FORM-4"]
    assert flagged == [("R-FORM-4", "duties.1.kind")]


def _city(**kw):
    from domain.values import Municipality

    base = {"name": "A市", "kind": "city", "prefecture": "B県", "population": 100000}
    return Municipality.model_validate({**base, **kw})


def test_R_FORM_4_digital_expert_dispatch_not_for_designated_cities_and_needs_a_coordinator():
    """Issue 11 point 19: 市町村（指定都市除く）, with a 内部調整責任者."""
    from domain.appointment import check_digital_expert_dispatch

    start, end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    assert check_digital_expert_dispatch(_city(), start, end, "情報政策課長") == ([], [])
    v, _ = check_digital_expert_dispatch(_city(designated_city=True), start, end, "課長")
    assert [(f.code, f.field) for f in v] == [("R-FORM-4", "municipality.designated_city")]
    v, _ = check_digital_expert_dispatch(_city(), start, end, " ")
    assert [(f.code, f.field) for f in v] == [("R-FORM-4", "internal_coordinator")]
    v, _ = check_digital_expert_dispatch(_city(kind="prefecture"), start, end, "課長")
    assert [f.field for f in v] == ["municipality.kind"]
    _, w = check_digital_expert_dispatch(_city(), start, dt.date(2026, 4, 1), "課長")
    assert [f.code for f in w] == ["R-FORM-4"]


def test_designated_city_is_only_for_cities():
    with pytest.raises(ValueError):
        _city(kind="town", designated_city=True)


# --- R-POST-1 ------------------------------------------------------------------------------


def test_R_POST_1_a_role_without_initiatives_is_invalid():
    out = assess_appointment(appt(initiatives=()))
    assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-POST-1", "initiatives")]


def test_R_POST_1_blank_initiatives_do_not_count():
    assert vcodes(assess_appointment(appt(initiatives=(" ",)))) == ["R-POST-1"]


# --- R-PLEDGE ------------------------------------------------------------------------------


def test_R_PLEDGE_1_special_part_time_and_outsourcing_need_the_four_items():
    for form in ("special_part_time", "outsourcing"):
        assert required_pledges(form, False, False) == [PledgeItem(p) for p in BASE4]
    for form in ("specific_fixed_term", "enterprise_dispatch"):
        assert required_pledges(form, False, False) == []


def test_R_PLEDGE_1_missing_item_is_a_violation_naming_it():
    out = assess_appointment(appt(pledges=["appointment_terms", "confidentiality", "devotion_to_duty"]))
    [v] = out["violations"]
    assert v["code"] == "R-PLEDGE-1" and v["field"] == "pledges_signed"
    assert "no_discrediting_acts" in v["message"] and "信用失墜行為の禁止" in v["message"]


def test_R_PLEDGE_2_for_profit_and_procurement_advice_add_four_items():
    assert required_pledges("special_part_time", True, True) == [PledgeItem(p) for p in ALL8]
    assert required_pledges("special_part_time", True, False) == [PledgeItem(p) for p in BASE4]
    assert required_pledges("special_part_time", False, True) == [PledgeItem(p) for p in BASE4]
    assert required_pledges("outsourcing", True, True) == [PledgeItem(p) for p in ALL8]


def test_R_PLEDGE_2_unsigned_conflict_items_make_it_invalid():
    out = assess_appointment(appt(employer="Example Systems K.K.", procurement=True,
                                  pledges=BASE4 + ["conflict_of_interest"]))
    [v] = out["violations"]
    assert v["code"] == "R-PLEDGE-2"
    assert "side_job_disclosure" in v["message"] and "conflict_of_interest" not in v["message"].split(";")[0]


def test_R_PLEDGE_2_specific_fixed_term_gets_a_warning_only():
    out = assess_appointment(appt(form="specific_fixed_term", employer="Example Systems K.K.", procurement=True,
                                  pledges=[]))
    assert out["valid"] is True
    assert "R-PLEDGE-2" in [w["code"] for w in out["warnings"]]


def test_R_PLEDGE_labels_are_japanese():
    assert label_ja("confidentiality") == "守秘義務"
    assert label_ja(PledgeItem.devotion_to_duty) == "職務専念義務"


def test_R_PLEDGE_unknown_item_is_invalid_input():
    with pytest.raises(RuleViolation) as err:
        assess_appointment(appt(pledges=BASE4 + ["loyalty"]))
    assert err.value.code == "invalid_input" and err.value.field == "pledges_signed.4"


# --- R-READY ---------------------------------------------------------------------------------


def test_R_READY_six_items_with_japanese_text():
    assert [c.number for c in READINESS_CHECKS] == [1, 2, 3, 4, 5, 6]
    assert "丸投げしない" in READINESS_CHECKS[1].text_ja
    assert applicable_items(from_company=False) == [1, 2, 3, 4, 6]
    assert applicable_items(from_company=True) == [1, 2, 3, 4, 5, 6]


def test_R_READY_missing_items_are_warnings_not_violations():
    out = assess_appointment(appt(employer="Example Systems K.K.", ready=()))
    assert out["valid"] is True and out["violations"] == []
    assert [w["code"] for w in out["warnings"]] == ["R-READY"] * 6
    assert [w["message"].split(":")[0] for w in out["warnings"]] == [
        f"readiness item {i} not confirmed" for i in range(1, 7)]


def test_R_READY_item_5_only_for_an_expert_from_a_company():
    out = assess_appointment(appt(ready=(1, 2, 3, 4, 6)))
    assert out["warnings"] == []
    out = assess_appointment(appt(employer="Example Systems K.K.", ready=(1, 2, 3, 4, 6)))
    assert [w["message"][:16] for w in out["warnings"]] == ["readiness item 5"]


def test_R_READY_item_number_outside_1_to_6_is_invalid_input():
    with pytest.raises(RuleViolation) as err:
        assess_appointment(appt(ready=(1, 7)))
    assert err.value.field == "readiness_confirmed.1"


# --- input shape -----------------------------------------------------------------------------


def test_term_ending_before_it_starts_is_invalid_input():
    with pytest.raises(RuleViolation) as err:
        assess_appointment(appt(start="2025-04-01", end="2025-03-31"))
    assert err.value.code == "invalid_input" and err.value.field == "term.end"


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.pop("form"), "form"),
    (lambda d: d.update(form="full_time"), "form"),
    (lambda d: d["term"].update(start="2024-13-01"), "term.start"),
    (lambda d: d["duties"].append({"kind": "lobbying", "text": ""}), "duties.1.kind"),
    (lambda d: d.update(readiness_confirmed=[True]), "readiness_confirmed.0"),
    (lambda d: d["appointee"].update(advises_on_procurement="yes"), "appointee.advises_on_procurement"),
    (lambda d: d.update(notes="x"), "notes"),
])
def test_invalid_appointment_input_names_the_field(mutate, field):
    doc = appt()
    mutate(doc)
    with pytest.raises(RuleViolation) as err:
        assess_appointment(doc)
    assert err.value.code == "invalid_input" and err.value.field == field
