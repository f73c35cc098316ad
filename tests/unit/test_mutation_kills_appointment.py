"""R-FORM-1..5 edges that the mutation run found untested (docs/testing.md): a duty given as
another model, one-day and reversed terms, the dispatch terms of both schemes and the
forms/measures tables passed through every entry point of domain.appointment."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from domain.appointment import (
    Duty,
    check_appointment,
    check_digital_expert_dispatch,
    check_dispatch_term,
    duty_warnings,
    term_violations,
)
from domain.policy import default_policy, load_policy, packaged_table
from domain.values import AppointmentForm, Municipality

START = dt.date(2026, 4, 1)
ALL_SIGNED = ["confidentiality", "devotion_to_duty", "appointment_terms", "no_discrediting_acts",
              "conflict_of_interest",
              "side_job_disclosure", "holdings_disclosure", "bid_restriction_cooperation"]


def town() -> Municipality:
    return Municipality(name="北町", kind="town", prefecture="北海道", population=8000)


def appoint(form, end, duties=("advice",), policy=None, start=START):
    return check_appointment(form, start, end, list(duties), ["bpr"], None, ALL_SIGNED, [1, 2, 3],
                             policy=policy)


# --- duties given as another model (an API or event model with kind/text) ----------------


@pytest.mark.parametrize("form", ["special_part_time", "enterprise_dispatch"])
@pytest.mark.parametrize("kind", ["advice", "drafting", "contracting", "implementation"])
@pytest.mark.parametrize("text", ["signs the vendor contract", "", None])
def test_a_duty_given_as_another_model_is_judged_like_the_same_duty(form, kind, text):
    other = SimpleNamespace(kind=kind, text=text)
    same = Duty(kind=kind, text=text or "")
    assert appoint(form, dt.date(2027, 3, 31), [other]) == appoint(form, dt.date(2027, 3, 31), [same])


def test_a_duty_model_without_text_is_judged_like_a_duty_without_text():
    other = SimpleNamespace(kind="implementation")
    assert appoint("special_part_time", dt.date(2027, 3, 31), [other]) == appoint(
        "special_part_time", dt.date(2027, 3, 31), [Duty(kind="implementation")])
    (v,), _ = appoint("special_part_time", dt.date(2027, 3, 31), [other])
    assert (v.code, v.field) == ("R-FORM-2", "duties.0.kind")


def test_the_duty_text_is_named_in_the_finding():
    duty = Duty(kind="contracting", text="signs the vendor contract")
    (v,), _ = appoint("special_part_time", dt.date(2027, 3, 31), [duty])
    assert v.code == "R-FORM-5" and "signs the vendor contract" in v.message
    duty = Duty(kind="implementation", text="runs the help desk")
    (v,), _ = appoint("special_part_time", dt.date(2027, 3, 31), [duty])
    assert v.code == "R-FORM-2" and "runs the help desk" in v.message
    (w,) = duty_warnings(AppointmentForm.special_part_time,
                         [Duty(kind="drafting", text="drafts the DX plan")], default_policy())
    assert w.code == "R-FORM-2" and "drafts the DX plan" in w.message


def test_a_drafting_duty_does_not_hide_the_executive_duties_after_it():
    violations, warnings = appoint("special_part_time", dt.date(2027, 3, 31),
                                   ["drafting", "contracting", "implementation"])
    assert [(v.code, v.field) for v in violations] == [("R-FORM-5", "duties.1.kind"),
                                                       ("R-FORM-2", "duties.2.kind")]
    assert ("R-FORM-2", "duties.0.kind") in [(w.code, w.field) for w in warnings]


@pytest.mark.parametrize("kind", ["deciding", "contracting"])
def test_an_enterprise_dispatch_appointee_is_warned_off_deciding_and_contracting(kind):
    (w,) = duty_warnings(AppointmentForm.enterprise_dispatch, [Duty(kind="advice"), Duty(kind=kind)],
                         default_policy())
    assert (w.code, w.field) == ("R-FORM-4", "duties.1.kind")


# --- terms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", list(AppointmentForm))
def test_a_one_day_term_is_a_valid_term(form):
    assert term_violations(form, START, START) == []


@pytest.mark.parametrize("form", list(AppointmentForm))
def test_a_term_ending_before_it_starts_is_invalid_input_on_term_end(form):
    (f,) = term_violations(form, START, START - dt.timedelta(days=1))
    assert (f.code, f.field) == ("invalid_input", "term.end")
    assert f.message


def test_the_form_term_limit_comes_from_the_given_forms_table():
    forms = packaged_table("forms")
    forms["specific_fixed_term"]["max_years"] = 3
    policy = load_policy(forms=forms)
    end = dt.date(2030, 3, 31)  # four years
    assert term_violations(AppointmentForm.specific_fixed_term, START, end) == []
    (f,) = term_violations(AppointmentForm.specific_fixed_term, START, end, policy)
    assert (f.code, f.field) == ("R-FORM-1", "term.end")
    violations, _ = appoint("specific_fixed_term", end, policy=policy)
    assert [(v.code, v.field) for v in violations] == [("R-FORM-1", "term.end")]
    assert appoint("specific_fixed_term", end)[0] == []


def short_dispatch_policy():
    m = packaged_table("measures")
    m["other_measures"]["enterprise_dispatch"]["max_years"] = 1
    m["other_measures"]["digital_expert_dispatch"]["max_years"] = 1
    m["other_measures"]["digital_expert_dispatch"]["as_a_rule"] = False
    m["other_measures"]["digital_expert_dispatch"]["name_ja"] = "デジタル人材派遣（改）"
    return load_policy(measures=m)


def test_the_dispatch_terms_come_from_the_given_measures_table():
    policy = short_dispatch_policy()
    end = dt.date(2027, 9, 30)  # 18 months
    for scheme in ("enterprise_dispatch", "digital_expert_dispatch"):
        assert check_dispatch_term(scheme, START, end) == []
        (f,) = check_dispatch_term(scheme, START, end, policy)
        assert (f.code, f.field) == ("R-FORM-4", "term.end")
    _, warnings = appoint("enterprise_dispatch", end, policy=policy)
    assert ("R-FORM-4", "term.end") in [(w.code, w.field) for w in warnings]
    _, warnings = appoint("enterprise_dispatch", end)
    assert ("R-FORM-4", "term.end") not in [(w.code, w.field) for w in warnings]
    violations, warnings = check_digital_expert_dispatch(town(), START, end, "情報政策課長", policy)
    assert violations == [] and [(w.code, w.field) for w in warnings] == [("R-FORM-4", "term.end")]
    assert check_digital_expert_dispatch(town(), START, end, "情報政策課長") == ([], [])


def test_only_the_digital_expert_dispatch_term_is_as_a_rule():
    end = dt.date(2030, 3, 31)  # four years: too long for both
    (digital,) = check_dispatch_term("digital_expert_dispatch", START, end)
    (enterprise,) = check_dispatch_term("enterprise_dispatch", START, end)
    assert "原則" in digital.message and "原則" not in enterprise.message
    (digital,) = check_dispatch_term("digital_expert_dispatch", START, end, short_dispatch_policy())
    assert "原則" not in digital.message  # the table says as_a_rule: false


def test_the_digital_expert_dispatch_findings_name_the_scheme_of_the_table():
    prefecture = Municipality(name="北海道", kind="prefecture", prefecture="北海道", population=5_000_000)
    violations, _ = check_digital_expert_dispatch(prefecture, START, dt.date(2027, 3, 31), " ")
    assert [(v.code, v.field) for v in violations] == [("R-FORM-4", "municipality.kind"),
                                                       ("R-FORM-4", "internal_coordinator")]
    assert all("デジタル専門人材派遣制度" in v.message for v in violations)
    violations, _ = check_digital_expert_dispatch(prefecture, START, dt.date(2027, 3, 31), None,
                                                  short_dispatch_policy())
    assert all(v.message.startswith("デジタル人材派遣（改）") for v in violations)


def test_digital_expert_dispatch_term_edges():
    # a one-day dispatch is far below 6 months: a warning; a reversed term gives none
    _, warnings = check_digital_expert_dispatch(town(), START, START, "情報政策課長")
    assert [(w.code, w.field) for w in warnings] == [("R-FORM-4", "term.end")]
    assert check_digital_expert_dispatch(town(), START, START - dt.timedelta(days=1), "課長") == ([], [])


def test_the_dispatch_term_is_checked_for_enterprise_dispatch_only():
    one_month = dt.date(2026, 4, 30)
    for form in ("specific_fixed_term", "special_part_time", "outsourcing"):
        _, warnings = appoint(form, one_month)
        assert "term.end" not in [w.field for w in warnings]
    _, warnings = appoint("enterprise_dispatch", START)  # a one-day dispatch
    assert ("R-FORM-4", "term.end") in [(w.code, w.field) for w in warnings]
