"""Point 9 (issue 11): every code a person can meet has a Japanese message and label."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

import pytest

from domain import i18n
from domain.events import EVENT_CLASSES
from domain.pledges import PledgeItem
from domain.posting import ChannelKind, DxInitiative, PayUnit
from domain.screening import (
    InterviewRecommendation,
    RejectionReasonCode,
    ScreeningOutcome,
    Verdict,
)
from domain.skill_standard import ExperienceKind, Importance, IpaExam, Persona, SkillFramework
from domain.state import ApplicationStatus, AppointmentStatus, OfferStatus, Stage
from domain.values import AppointmentForm, MunicipalityKind

ROOT = Path(__file__).resolve().parents[2]
_CODE = re.compile(r"""["']((?:R|STATE|AUTH)-[A-Z0-9]+(?:-[A-Z0-9]+)*)["']""")
_API_CODE = re.compile(
    r"""(?:(?:ApiError|_json)\(\s*\d{3},|(?:error_body|_fail)\()\s*["']([a-z_]+)["']"""
)
_JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _sources() -> list[Path]:
    dirs = ("domain", "api", "workflows", "activities", "cli", "web", "documents")
    return [p for d in dirs if (ROOT / d).exists() for p in (ROOT / d).rglob("*.py")]


def _raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in _sources():
        text = path.read_text("utf-8")
        codes |= set(_CODE.findall(text))
        codes |= set(_API_CODE.findall(text))
    for path in (ROOT / "domain" / "policies").glob("*.json"):
        if path.name in ("messages_ja.json", "labels_ja.json"):
            continue
        codes |= set(re.findall(r'"rule":\s*"((?:R)-[A-Z0-9-]+)"', path.read_text("utf-8")))
    codes |= {
        "invalid_input",
        "unauthenticated",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "http_error",
    }
    return codes


def test_every_code_the_system_can_answer_with_has_a_japanese_message():
    codes = _raised_codes()
    assert len(codes) > 60  # the scan found the codes
    missing = sorted(c for c in codes if not i18n.has_message(c))
    assert missing == []
    for code in codes:
        assert _JA.search(i18n.message(code)), code
        assert re.search("[a-z]", i18n.message_en(code)), code


def test_every_rule_code_has_a_japanese_label():
    rules = {c for c in _raised_codes() if c.startswith("R-")}
    assert sorted(r for r in rules if not i18n.has_label("rule", r)) == []


ENUMS: list[tuple[str, list[str]]] = [
    ("persona", [p.value for p in Persona]),
    ("exam", [e.value for e in IpaExam]),
    ("framework", [f.value for f in SkillFramework]),
    ("experience", [e.value for e in ExperienceKind]),
    ("importance", [i.value for i in Importance]),
    ("verdict", [v.value for v in Verdict]),
    ("screening_outcome", [o.value for o in ScreeningOutcome]),
    ("recommendation", [r.value for r in InterviewRecommendation]),
    ("form", [f.value for f in AppointmentForm]),
    ("pledge_item", [p.value for p in PledgeItem]),
    ("reason", [r.value for r in RejectionReasonCode]),
    ("stage", [s.value for s in Stage]),
    ("application_status", [s.value for s in ApplicationStatus]),
    ("offer_status", [s.value for s in OfferStatus]),
    ("appointment_status", [s.value for s in AppointmentStatus]),
    ("channel", [c.value for c in ChannelKind]),
    ("initiative", [i.value for i in DxInitiative]),
    ("municipality_kind", [k.value for k in MunicipalityKind]),
    ("pay_unit", [u.value for u in PayUnit]),
    ("event_type", [c.model_fields["type"].default for c in EVENT_CLASSES]),
    ("level", [str(n) for n in range(1, 8)]),
    ("readiness_item", [str(n) for n in range(1, 7)]),
    ("role", ["hr_officer", "approver", "auditor", "applicant", "system", "coordinator"]),
    ("claim_stage", ["collecting", "drafted", "approved", "submitted", "decided"]),
    ("decision", ["allowed", "restricted", "exemption_possible", "exempted"]),
    ("rule_set", ["A", "B1", "B2", "C", "DA", "GL"]),
]


def _add_enum(kind: str, module_name: str, class_name: str) -> None:
    import importlib

    enum = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(enum, StrEnum)
    ENUMS.append((kind, [m.value for m in enum]))


for _kind, _mod, _cls in [
    ("cost_kind", "domain.events", "CostKind"),
    ("cost_category", "domain.events", "CostCategory"),
    ("term_end_reason", "domain.events", "TermEndReason"),
    ("offer_lapse_reason", "domain.events", "OfferLapseReason"),
    ("posting_close_reason", "domain.events", "PostingCloseReason"),
    ("duty", "domain.appointment", "DutyKind"),
]:
    _add_enum(_kind, _mod, _cls)


@pytest.mark.parametrize(("kind", "codes"), ENUMS, ids=[k for k, _ in ENUMS])
def test_every_enum_value_a_person_sees_has_a_japanese_label(kind, codes):
    missing = [c for c in codes if not i18n.has_label(kind, c)]
    assert missing == []
    for c in codes:
        assert _JA.search(i18n.label(kind, c)), (kind, c)


def test_policy_json_kinds_have_labels():
    """Duty and pledge names in the policy tables (data, not enums) are labelled too."""
    forms = json.loads((ROOT / "domain/policies/forms.json").read_text("utf-8"))
    for duty in (
        forms["special_part_time"]["allowed_duties"]
        + forms["special_part_time"]["executive_duties"]
    ):
        assert i18n.has_label("duty", duty)
    pledges = json.loads((ROOT / "domain/policies/pledges.json").read_text("utf-8"))
    for item in pledges["labels_ja"]:
        assert i18n.has_label("pledge_item", item)


def test_unknown_code_gives_the_code_itself():
    assert i18n.message("NO-SUCH-CODE") == "NO-SUCH-CODE"
    assert i18n.label("persona", "astronaut") == "astronaut"
    assert i18n.label("no_such_kind", "x") == "x"


def test_message_params_fill_the_template_and_missing_ones_are_left_out():
    assert (
        i18n.message("STATE-CAMPAIGN-ENDED", stage="任用済み")
        == "この募集はすでに終了しています（任用済み）。"
    )
    assert "{" not in i18n.message("R-SUB-7")
    assert i18n.message("R-SUB-3").endswith("。")


def test_label_accepts_enum_members():
    assert i18n.label("form", AppointmentForm.outsourcing) == "業務委託"
    assert i18n.label("persona", Persona.producer).startswith("プロデューサー")


def test_dates_are_reiwa_with_the_western_date_beside():
    assert i18n.format_date(date(2026, 11, 30)) == "令和8年11月30日（2026年11月30日）"
    assert i18n.format_date(date(2026, 11, 30), western=False) == "令和8年11月30日"
    assert i18n.format_date(date(2019, 5, 1), western=False) == "令和元年5月1日"
    assert i18n.format_date(date(2019, 4, 30), western=False) == "平成31年4月30日"


def test_times_are_shown_in_japan_time():
    instant = datetime(2026, 11, 30, 13, 15, tzinfo=UTC)
    assert i18n.format_datetime(instant) == "令和8年11月30日 22時15分"
    assert (
        i18n.format_datetime(datetime(2026, 11, 30, 15, 5, tzinfo=UTC)) == "令和8年12月1日 0時05分"
    )
    assert (
        i18n.format_deadline(datetime(2026, 12, 20, 8, 0, tzinfo=UTC))
        == "令和8年12月20日（日）17時"
    )
    other = timezone(timedelta(hours=-5))
    assert (
        i18n.format_deadline(datetime(2026, 12, 20, 3, 30, tzinfo=other))
        == "令和8年12月20日（日）17時30分"
    )


def test_money_is_yen_with_the_unit_in_japanese():
    assert i18n.format_yen(300000, "month") == "300,000円（月額）"
    assert i18n.format_yen(30000, "day") == "30,000円（日額）"
    assert i18n.format_yen(5000, "hour") == "5,000円（時間額）"
    assert i18n.format_yen(300000) == "300,000円"


def test_reiwa_fiscal_years():
    assert i18n.reiwa_year(2026) == "令和8年度"
    assert i18n.reiwa_year(2019) == "令和元年度"
    assert i18n.reiwa_year(2018) == "平成30年度"
    assert i18n.reiwa_years(2021, 2025) == "令和3年度〜令和7年度"
