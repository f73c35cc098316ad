"""Issue 10 points 3, 7, 9: bounded value types refuse, at the command, what the workflow,
the store or Temporal could not process; a refusal names every bad field with its code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from domain import commands as c
from domain.values import (
    Email,
    Ident,
    Money,
    MunicipalityCode,
    PersonName,
    SaneDate,
    input_problems,
    jis_check_digit,
    known_municipalities,
)
from tests.unit.lifecycle_builders import OFFICER, good_record


def _codes(adapter_type, value) -> list[str]:
    try:
        TypeAdapter(adapter_type).validate_python(value)
    except ValidationError as e:
        return [err["type"] for err in e.errors()]
    return []


@pytest.mark.parametrize("amount", [10**30, 2**63, "1000", True, -1, 1000.0])
def test_point_7_money_is_a_bounded_whole_yen_int(amount):
    assert _codes(Money, amount) == ["VAL-MONEY"]


def test_point_7_money_accepts_ordinary_amounts():
    assert TypeAdapter(Money).validate_python(300_000) == 300_000


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-04-01", "9998-03-31"])
def test_point_7_dates_outside_a_sane_window_are_refused(day):
    assert _codes(SaneDate, day) == ["VAL-DATE"]


@pytest.mark.parametrize("bad", ["c:1", "../x", "a/b", "", "x" * 65, "ａｂ", "a b", "a\n"])
def test_point_7_ids_are_short_ascii_words(bad):
    assert _codes(Ident, bad) == ["VAL-ID"]


@pytest.mark.parametrize("name,code", [
    ("\u202eevil", "VAL-TEXT-BIDI"),
    ("\u200b\u200b", "VAL-TEXT-BLANK"),
    ("   ", "VAL-TEXT-BLANK"),
    ("\u3000", "VAL-TEXT-BLANK"),
    ("a\x00b", "VAL-TEXT-CONTROL"),
    ("山田\n太郎", "VAL-TEXT-LINE"),
    ("あ" * 101, "VAL-TEXT-LENGTH"),
])
def test_point_7_names_refuse_overrides_blanks_and_controls(name, code):
    assert _codes(PersonName, name) == [code]


def test_point_7_names_are_nfc():
    decomposed = "ｶﾞ" + "か\u3099"  # か + combining dakuten
    assert TypeAdapter(PersonName).validate_python(decomposed) == "ｶﾞが"


@pytest.mark.parametrize("bad", ["not-an-email", "a@b", "a@@example.jp", "a b@example.jp",
                                 "a@example.jp\n"])
def test_point_7_email_is_checked_by_a_validator(bad):
    assert _codes(Email, bad) == ["VAL-EMAIL"]


@pytest.mark.parametrize("code,problem", [
    ("074080\n", "VAL-MUNI-FORMAT"),
    ("０７４０８０", "VAL-MUNI-FORMAT"),
    ("74080", "VAL-MUNI-FORMAT"),
    ("074081", "VAL-MUNI-CHECK"),
    ("073024", "VAL-MUNI-UNKNOWN"),  # right check digit, no such government
])
def test_point_9_municipality_codes(code, problem):
    assert _codes(MunicipalityCode, code) == [problem]


@pytest.mark.parametrize("code", ["074080", "062049", "131016", "011002", "130001", "221309"])
def test_point_9_real_municipality_codes_pass(code):
    # town, city, special ward, designated city, prefecture, designated city (2024 wards)
    assert _codes(MunicipalityCode, code) == []


def test_point_9_check_digit_and_list():
    assert jis_check_digit("07408") == 0 and jis_check_digit("13000") == 1
    assert len(known_municipalities()) > 1700


def test_point_3_and_7_a_command_refuses_every_bad_field_at_once():
    with pytest.raises(ValidationError) as e:
        c.RecordCost(actor=OFFICER, cost_id="../c", cost_kind="advertising", amount_yen="1000",
                     paid_on="9999-01-01", note="a\x00b")
    assert {(err["loc"][0], err["type"]) for err in e.value.errors()} == {
        ("cost_id", "VAL-ID"), ("amount_yen", "VAL-MONEY"), ("paid_on", "VAL-DATE"),
        ("note", "VAL-TEXT-CONTROL"),
    }


def test_point_3_nested_parts_defined_elsewhere_are_walked_too():
    # RecordInterview.record is domain.screening's model: its strings are still bounded
    record = good_record().model_copy(update={"assessment": "x\x00y"})
    problems = input_problems(record, "record")
    assert [(p.field, p.code) for p in problems] == [("record.assessment", "VAL-TEXT-CONTROL")]
    with pytest.raises(ValidationError) as e:
        c.RecordInterview(actor=OFFICER, application_id="a1", interview_id="i1",
                          record=record.model_dump())
    (err,) = e.value.errors()
    assert err["type"] == "VAL-INPUT"
    assert err["ctx"]["problems"][0]["field"] == "record.assessment"


def test_point_2_far_deadlines_never_reach_the_workflow():
    with pytest.raises(ValidationError) as e:
        c.ExtendPostingDeadline(actor=OFFICER, new_deadline=datetime(9999, 12, 31, tzinfo=UTC))
    assert e.value.errors()[0]["type"] == "VAL-DATE"
