"""R-SCR: document screening, interviews, rejections, conflict-of-interest declaration."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolation
from domain.screening import (
    ApplicantProfile,
    ClaimedLevel,
    CorporateGroup,
    Employment,
    ExperienceClaim,
    InterviewRecommendation,
    InterviewRecord,
    ProjectEvidence,
    QualificationHeld,
    Verdict,
    match_requirements,
    screening_outcome,
    validate_declaration,
    validate_interview_record,
    validate_rejection,
)
from domain.skill_standard import (
    ExperienceCriterion,
    ExperienceKind,
    Importance,
    IpaExam,
    LevelCriterion,
    QualificationCriterion,
    Requirement,
)
from tests.unit.lifecycle_builders import declaration, good_record

REQS = (
    Requirement(
        id="qual", importance=Importance.required, any_of=(QualificationCriterion(exam=IpaExam.SC),)
    ),
    Requirement(
        id="level",
        importance=Importance.required,
        any_of=(LevelCriterion(framework="uiss", field="is_architect", min_level=4),),
    ),
    Requirement(
        id="exp",
        importance=Importance.preferred,
        any_of=(ExperienceCriterion(experience=ExperienceKind.local_government, min_years=2),),
    ),
)


def verdicts(profile):
    return {r.requirement_id: r.verdict for r in match_requirements(REQS, profile)}


def test_R_SCR_1_each_requirement_gets_met_not_met_or_needs_interview():
    profile = ApplicantProfile(
        qualifications=(QualificationHeld(exam=IpaExam.SC), QualificationHeld(exam=IpaExam.SA)),
        experiences=(
            ExperienceClaim(
                kind=ExperienceKind.local_government, years=1, description="市の情報政策課"
            ),
        ),
    )
    assert verdicts(profile) == {
        "qual": Verdict.met,
        "level": Verdict.needs_interview,
        "exp": Verdict.not_met,
    }
    results = match_requirements(REQS, profile)
    assert [r.requirement_id for r in results] == ["qual", "level", "exp"]
    assert all(r.rule == "R-SCR-1" and r.reason for r in results)
    assert screening_outcome(results).value == "needs_interview"


def test_R_SCR_1_level_met_with_exam_and_experience_in_the_field():
    profile = ApplicantProfile(
        qualifications=(QualificationHeld(exam=IpaExam.SC), QualificationHeld(exam=IpaExam.SA)),
        experiences=(
            ExperienceClaim(
                kind=ExperienceKind.is_planning_development, years=8, fields=("uiss:is_architect",)
            ),
        ),
    )
    assert verdicts(profile)["level"] is Verdict.met
    assert screening_outcome(match_requirements(REQS, profile)).value == "passed"


def test_R_SCR_1_experience_without_years_needs_interview():
    profile = ApplicantProfile(experiences=(ExperienceClaim(kind=ExperienceKind.local_government),))
    assert verdicts(profile)["exp"] is Verdict.needs_interview


def test_R_SCR_1_self_assessed_level_needs_interview():
    profile = ApplicantProfile(
        skill_levels=(ClaimedLevel(framework="uiss", field="is_architect", level=5),)
    )
    assert verdicts(profile)["level"] is Verdict.needs_interview
    assert verdicts(ApplicantProfile())["qual"] is Verdict.not_met


def test_R_SCR_2_a_concrete_record_passes():
    validate_interview_record(good_record(), ("Example Systems K.K.",))


@pytest.mark.parametrize(
    "project, position, result, field",
    [
        ("", "PM", "移行完了", "record.projects.0.project"),
        ("基幹系刷新", "  ", "移行完了", "record.projects.0.position"),
        ("基幹系刷新", "PM", "N/A", "record.projects.0.result"),
        ("基幹系刷新", "PM", "10年", "record.projects.0.result"),
        ("基幹系刷新", "PM", "5 years", "record.projects.0.result"),
        ("Example Systems K.K.", "SE", "移行完了", "record.projects.0.project"),
        ("色々", "PM", "移行完了", "record.projects.0.project"),
    ],
)
def test_R_SCR_2_employer_and_years_alone_are_not_a_project(project, position, result, field):
    record = InterviewRecord(
        projects=(
            ProjectEvidence(
                project=project, position=position, result=result, employer="Example Systems K.K."
            ),
        ),
        recommendation=InterviewRecommendation.hold,
    )
    with pytest.raises(RuleViolation) as err:
        validate_interview_record(record, ("Example Systems K.K.",))
    assert (err.value.code, err.value.field) == ("R-SCR-2", field)


def test_R_SCR_2_at_least_one_project():
    with pytest.raises(RuleViolation) as err:
        validate_interview_record(InterviewRecord(projects=(), recommendation="proceed"))
    assert err.value.code == "R-SCR-2"


@pytest.mark.parametrize("reason", [None, "", "   ", "-", "N/A", "特になし"])
def test_R_SCR_3_rejection_needs_a_reason(reason):
    with pytest.raises(RuleViolation) as err:
        validate_rejection(reason)
    assert err.value.code == "R-SCR-3"


def test_R_SCR_3_a_stated_reason_is_accepted():
    validate_rejection("必須要件のレベル4相当を満たさない")


def test_R_SCR_4_a_complete_declaration_passes():
    validate_declaration(declaration())


@pytest.mark.parametrize(
    "changes, field",
    [
        (
            {"past_employers": (Employment(company="Old Corp", from_date=date(2010, 4, 1)),)},
            "conflict_of_interest.past_employers.0",
        ),
        (
            {
                "past_employers": (
                    Employment(
                        company="Old Corp", from_date=date(2012, 4, 1), to_date=date(2010, 3, 31)
                    ),
                )
            },
            "conflict_of_interest.past_employers.0.to_date",
        ),
        (
            {"current_employers": (Employment(company="Example Systems K.K."),)},
            "conflict_of_interest.current_employers.0.from_date",
        ),
        (
            {"side_jobs": (Employment(company="Side LLC", from_date=date(2022, 1, 1)),)},
            "conflict_of_interest.side_jobs.0.company",
        ),
        (
            {"groups": (CorporateGroup(parent=None, members=("Old Corp",)),)},
            "conflict_of_interest.current_employers.0.company",
        ),
    ],
)
def test_R_SCR_4_declaration_gaps_are_refused(changes, field):
    with pytest.raises(RuleViolation) as err:
        validate_declaration(declaration(**changes))
    assert (err.value.code, err.value.field) == ("R-SCR-4", field)


def test_R_SCR_4_employers_older_than_ten_years_may_be_declared_too():
    # R-BID-B1 counts a 10+ year employment however long ago it ended: more is harmless
    old = Employment(company="Old Corp", from_date=date(1995, 4, 1), to_date=date(2008, 3, 31))
    validate_declaration(declaration(past_employers=(old,)))


def test_R_SCR_4_side_jobs_with_their_groups_are_accepted():
    d = declaration(
        side_jobs=(Employment(company="Side LLC", from_date=date(2022, 1, 1)),),
        groups=(
            *declaration().groups,
            CorporateGroup(parent="Side Holdings", members=("Side LLC",)),
        ),
    )
    validate_declaration(d)


def test_R_SCR_4_every_gap_of_the_declaration_in_one_refusal():
    """Issue 11 point 6: one answer lists every gap (it took six requests before)."""
    d = declaration(
        current_employers=(Employment(company="Example Systems K.K."),),
        past_employers=(Employment(company="Old Corp", from_date=date(2010, 4, 1)),),
        side_jobs=(Employment(company="Side LLC"),),
        groups=(),
    )
    with pytest.raises(RuleViolation) as err:
        validate_declaration(d)
    fields = [e["field"] for e in err.value.params["errors"]]
    assert fields == [
        "conflict_of_interest.current_employers.0.from_date",
        "conflict_of_interest.past_employers.0",
        "conflict_of_interest.side_jobs.0.from_date",
        "conflict_of_interest.current_employers.0.company",
        "conflict_of_interest.past_employers.0.company",
        "conflict_of_interest.side_jobs.0.company",
    ]
    assert all(e["code"] == "R-SCR-4" for e in err.value.params["errors"])
    assert err.value.field == fields[0]
    assert "企業グループ" in err.value.params["errors"][3]["message"]


def test_R_SCR_1_screening_reasons_list_every_unmet_requirement_and_alternative():
    from domain.screening import unmet_requirements

    reqs = (
        Requirement(
            id="exam",
            importance=Importance.required,
            any_of=(
                QualificationCriterion(exam=IpaExam.SC),
                QualificationCriterion(exam=IpaExam.ST),
            ),
        ),
        REQS[1],
        Requirement(
            id="lg",
            importance=Importance.required,
            any_of=(ExperienceCriterion(experience=ExperienceKind.local_government, min_years=2),),
        ),
    )
    results = match_requirements(reqs, ApplicantProfile())
    unmet = unmet_requirements(results)
    assert [r.requirement_id for r in unmet] == ["exam", "level", "lg"]  # not only the first
    exam = unmet[0]
    # every alternative that is not met is named, not only the first one
    assert IpaExam.SC.value in exam.reason and IpaExam.ST.value in exam.reason


def test_R_SCR_2_every_vague_field_of_the_record_in_one_refusal():
    record = InterviewRecord(
        projects=(
            ProjectEvidence(project="なし", position="不明", result="3年"),
            ProjectEvidence(project="基幹系移行", position="PMO", result="-"),
        ),
        recommendation=InterviewRecommendation.hold,
    )
    with pytest.raises(RuleViolation) as err:
        validate_interview_record(record)
    assert err.value.field == "record.projects.0.project"
    fields = [e["field"] for e in err.value.params["errors"]]
    assert fields == [
        "record.projects.0.project",
        "record.projects.0.position",
        "record.projects.0.result",
        "record.projects.1.result",
    ]


def test_R_SCR_1_screening_reasons_are_japanese():
    """Issue 11 point 9: a screening reason is read by a person: Japanese, with labels."""
    import re as _re

    profile = ApplicantProfile(
        qualifications=(QualificationHeld(exam=IpaExam.SC),),
        experiences=(ExperienceClaim(kind=ExperienceKind.local_government, years=1),),
    )
    for r in match_requirements(REQS, profile):
        assert _re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", r.reason), r.reason
    qual = match_requirements(REQS, profile)[0]
    assert qual.reason == "情報処理安全確保支援士試験（SC）に合格"
