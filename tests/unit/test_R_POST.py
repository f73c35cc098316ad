"""R-POST: role definition and posting in the standard recruitment format."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.appointment import Duty
from domain.errors import RuleViolation
from domain.posting import (
    INITIATIVE_NAMES_JA,
    Channel,
    ChannelKind,
    Contact,
    DxInitiative,
    Posting,
    Term,
    WorkStyle,
    validate_posting,
    validate_role,
)
from domain.values import Municipality
from tests.unit.lifecycle_builders import SAKATA, T0, details, role


def violation(fn, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as err:
        fn(*args)
    return err.value


def test_R_POST_1_a_role_without_a_dx_initiative_is_invalid():
    err = violation(validate_role, role(initiatives=()))
    assert (err.code, err.field) == ("R-POST-1", "role.initiatives")


def test_R_POST_1_a_role_must_state_concrete_duties():
    assert violation(validate_role, role(duties=())).code == "R-POST-1"
    assert (
        violation(validate_role, role(duties=(Duty(kind="advice", text="  "),))).field
        == "role.duties"
    )


def test_R_POST_1_initiatives_are_those_of_the_dx_plan():
    names = set(INITIATIVE_NAMES_JA.values())
    assert set(INITIATIVE_NAMES_JA) == set(DxInitiative)
    for expected in (
        "自治体情報システムの標準化・共通化",
        "マイナンバーカードの普及促進",
        "自治体の行政手続のオンライン化",
        "自治体のAI・RPAの利用推進",
        "テレワークの推進",
        "セキュリティ対策の徹底",
        "BPRの取組の徹底",
        "デジタルデバイド対策",
        "地域社会のデジタル化",
    ):
        assert expected in names
    assert DxInitiative("bpr") and DxInitiative(
        "online_procedures"
    )  # the assessment contract's codes
    assert (
        violation(validate_role, role(initiatives=(DxInitiative.bpr, DxInitiative.bpr))).code
        == "R-POST-1"
    )


def test_R_POST_2_the_posting_renders_every_standard_format_field():
    fmt = Posting(role=role(), details=details()).standard_format()
    for key in (
        "団体名",
        "団体コード",
        "都道府県",
        "人口",
        "職名",
        "人材像",
        "業務内容",
        "関与する取組",
        "任用形態",
        "勤務日数(月)",
        "リモート勤務",
        "副業・兼業",
        "報酬",
        "任期",
        "必須要件",
        "歓迎要件",
        "選考方法",
        "応募締切",
        "問合せ先",
    ):
        assert key in fmt, key
    assert fmt["団体名"] == "酒田市" and fmt["人口"] == 100000
    assert fmt["関与する取組"] == ["BPRの取組の徹底", "自治体の行政手続のオンライン化"]
    assert fmt["副業・兼業"] == "可" and fmt["報酬"].startswith("300,000円（月額）")
    # issue 11 point 9: Japanese labels, 令和 dates with the Western date, JST deadline
    assert fmt["任用形態"] == "特別職非常勤職員"
    assert fmt["任期"].startswith("令和") and "日）〜令和" in fmt["任期"]
    assert fmt["応募締切"].startswith("令和") and "時" in fmt["応募締切"]
    assert fmt["必須要件"] and fmt["歓迎要件"]
    assert fmt["選考方法"] == ["書類選考", "面接（1回）"]


@pytest.mark.parametrize(
    "bad, field",
    [
        (
            lambda: Posting(role=role(), details=details(contact=Contact(department="DX室"))),
            "posting.details.contact",
        ),
        (
            lambda: Posting(
                role=role(),
                details=details(
                    municipality=Municipality(
                        name="X町", kind="town", prefecture="Y県", population=1
                    )
                ),
            ),
            "posting.details.municipality.code",
        ),
        (
            lambda: Posting(
                role=role(work_style=WorkStyle(remote_allowed=True, side_job_allowed=False)),
                details=details(),
            ),
            "posting.role.work_style",
        ),
    ],
)
def test_R_POST_2_an_incomplete_standard_format_is_refused(bad, field):
    err = violation(validate_posting, bad(), T0)
    assert (err.code, err.field) == ("R-POST-2", field)


def test_R_POST_2_term_must_not_end_before_it_starts():
    err = violation(validate_role, role(term=Term(start=date(2025, 4, 1), end=date(2025, 3, 31))))
    assert err.code == "R-POST-2"


def test_R_POST_3_channels_and_agency_fees_as_recruitment_costs():
    assert {c.value for c in ChannelKind} == {
        "own_website",
        "mic_publication",
        "agency",
        "referral",
        "ict_partnership",
    }
    assert Channel(kind=ChannelKind.agency, name="A社").is_recruitment_cost
    assert not Channel(kind=ChannelKind.own_website).is_recruitment_cost
    unnamed = Posting(role=role(), details=details(channels=(Channel(kind=ChannelKind.agency),)))
    err = violation(validate_posting, unnamed, T0)
    assert (err.code, err.field) == ("R-POST-3", "posting.details.channels.0.name")


def test_R_POST_4_deadline_must_be_in_the_future_when_published():
    posting = Posting(role=role(), details=details(deadline=T0 + timedelta(hours=1)))
    validate_posting(posting, T0)
    err = violation(validate_posting, posting, T0 + timedelta(hours=1))
    assert (err.code, err.field) == ("R-POST-4", "posting.details.deadline")
    assert SAKATA.code == posting.details.municipality.code


# ---------------------------------------------------------------- issue 11 points 4 and 7


def test_R_SKILL_3_a_role_with_no_skill_requirement_gets_a_warning():
    from domain.posting import definition_warnings
    from tests.unit import lifecycle_builders as lb

    today = date(2024, 4, 1)
    assert [a.code for a in definition_warnings(lb.role(), today)] == []
    [w] = definition_warnings(lb.role(requirements=()), today)
    assert (w.code, w.field) == ("R-SKILL-3", "role.requirements")


def test_R_FORM_a_term_already_over_is_warned_at_definition():
    from domain.posting import Term, definition_warnings
    from tests.unit import lifecycle_builders as lb

    role = lb.role(term=Term(start=date(2023, 4, 1), end=date(2024, 3, 31)))
    [w] = definition_warnings(role, date(2024, 4, 1))
    assert (w.code, w.field) == ("R-FORM", "role.term.end") and "令和" in w.message
    assert definition_warnings(role, date(2024, 3, 31)) == []


def test_R_SUB_7_a_term_outside_the_measure_period_is_warned_at_definition_naming_reiwa_years():
    from domain.posting import Term, definition_warnings
    from domain.skill_standard import Persona
    from tests.unit import lifecycle_builders as lb

    role = lb.role(term=Term(start=date(2025, 4, 1), end=date(2028, 3, 31)))
    [w] = definition_warnings(role, date(2025, 1, 1))
    assert (w.code, w.field) == ("R-SUB-7", "role.term")
    assert "令和8年度〜令和9年度" in w.message and "令和3年度〜令和7年度" in w.message
    # not a CIO advisor (R-SUB-11): nothing to claim, nothing to warn
    assert definition_warnings(role.model_copy(update={"persona": Persona.engineer}),
                               date(2025, 1, 1)) == []


def test_R_SUB_7_definition_warnings_come_back_in_the_role_defined_event():
    from domain.posting import Term
    from tests.unit import lifecycle_builders as lb

    c = lb.Campaign()
    role = lb.role(requirements=(), term=Term(start=date(2026, 4, 1), end=date(2027, 3, 31)))
    (e,) = c.do(lb.DefineRole(actor=lb.OFFICER, campaign_id="c1", municipality=lb.SAKATA,
                              role=role))
    assert {a.code for a in e.advice} >= {"R-SKILL-3", "R-SUB-7"}


def test_R_SKILL_3_a_role_with_no_skill_requirement_is_warned_at_submission():
    """Issue 11 point 7: warned when submitted for approval, not only at definition."""
    from tests.unit import lifecycle_builders as lb

    c = lb.Campaign()
    c.do(lb.DefineRole(actor=lb.OFFICER, campaign_id="c1", municipality=lb.SAKATA,
                       role=lb.role(requirements=())))
    (e,) = c.do(lb.SubmitRoleForApproval(actor=lb.OFFICER))
    assert [(a.code, a.field) for a in e.advice] == [("R-SKILL-3", "role.requirements")]
    assert [a.code for a in c.state.advice].count("R-SKILL-3") == 1  # not twice in the view
    c2 = lb.Campaign()
    c2.do(lb.DefineRole(actor=lb.OFFICER, campaign_id="c1", municipality=lb.SAKATA,
                        role=lb.role()))
    (e2,) = c2.do(lb.SubmitRoleForApproval(actor=lb.OFFICER))
    assert e2.advice == ()
