"""Screening applications — R-SCR-1..4 and the R-SKILL-4 level judgement.

- R-SCR-1 :func:`match_requirements` checks every requirement of the role against the
  application and records met / not_met / needs_interview per requirement.
- R-SCR-2 :func:`validate_interview_record`: an interview names concrete projects —
  what project, which position, what result — not only employer names and years.
- R-SCR-3 :func:`validate_rejection`: every rejection carries a reason.
- R-SCR-4 :func:`validate_declaration`: the conflict-of-interest declaration made at
  application (current employers, employers of the past 10 years with dates, side
  jobs, and their corporate groups).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import Field

from domain import i18n
from domain.errors import RuleViolation
from domain.skill_standard import (
    ExperienceCriterion,
    ExperienceKind,
    Importance,
    IpaExam,
    LevelCriterion,
    LevelVerdict,
    QualificationCriterion,
    Requirement,
    SkillFramework,
    judge_level,
)
from domain.values import Frozen

# ---------------------------------------------------------------- application content


class QualificationHeld(Frozen):
    exam: IpaExam
    passed_year: int | None = Field(default=None, ge=1969, le=2100)


class ClaimedLevel(Frozen):
    """A self-assessed ITSS/UISS level."""

    framework: SkillFramework
    field: str
    level: int = Field(ge=1, le=7)


class ExperienceClaim(Frozen):
    kind: ExperienceKind
    years: float | None = Field(default=None, ge=0, le=60)
    description: str = ""
    # ITSS/UISS fields this experience counts towards (for the level-4 judgement)
    fields: tuple[str, ...] = ()  # "uiss:business_strategist"


class Employment(Frozen):
    company: str = Field(min_length=1)
    from_date: date | None = None
    to_date: date | None = None  # None: current
    position: str = ""


class CorporateGroup(Frozen):
    """A corporate group (parent, subsidiaries, consolidated companies) — same shape as R-BID."""

    parent: str | None = None
    members: tuple[str, ...] = ()


class ConflictOfInterestDeclaration(Frozen):
    """R-SCR-4 declaration made at application (利益相反に関する申告)."""

    current_employers: tuple[Employment, ...]
    past_employers: tuple[Employment, ...]  # the past 10 years, with dates
    side_jobs: tuple[Employment, ...]  # 兼業先 (current)
    groups: tuple[CorporateGroup, ...]
    declared_on: date


class ApplicantProfile(Frozen):
    """What document screening reads (personal data: name and contact live elsewhere)."""

    qualifications: tuple[QualificationHeld, ...] = ()
    skill_levels: tuple[ClaimedLevel, ...] = ()
    experiences: tuple[ExperienceClaim, ...] = ()


# ---------------------------------------------------------------- R-SCR-4


COI_LOOKBACK_YEARS = 10


def declaration_problems(
    decl: ConflictOfInterestDeclaration, field: str = "conflict_of_interest"
) -> list[dict[str, str]]:
    """Every R-SCR-4 gap of the declaration, each ``{"field", "code", "message", "message_en"}``
    (Japanese ``message``): employers now and of the past 10 years with dates, side jobs,
    and the corporate group of every company named."""
    out: list[dict[str, str]] = []

    def gap(path: str, ja: str, en: str) -> None:
        out.append({"field": f"{field}.{path}", "code": "R-SCR-4", "message": ja, "message_en": en})

    for i, e in enumerate(decl.current_employers):
        if e.from_date is None:
            gap(
                f"current_employers.{i}.from_date",
                f"現在の勤務先{i + 1}: 開始日がありません",
                f"current employer {i + 1}: start date missing",
            )
        if e.to_date is not None and e.to_date < decl.declared_on:
            gap(
                f"current_employers.{i}.to_date",
                f"現在の勤務先{i + 1}は申告日より前に終わっています（過去の勤務先として記載してください）",
                f"current employer {i + 1} ended before the declaration: list it as a past employer",
            )
    for i, e in enumerate(decl.past_employers):
        if e.from_date is None or e.to_date is None:
            gap(
                f"past_employers.{i}",
                f"過去の勤務先{i + 1}: 過去{COI_LOOKBACK_YEARS}年の勤務先は開始日と終了日の両方が必要です",
                f"past employer {i + 1}: employments of the past {COI_LOOKBACK_YEARS} years need both dates",
            )
        elif e.to_date < e.from_date:
            gap(
                f"past_employers.{i}.to_date",
                f"過去の勤務先{i + 1}: 終了日が開始日より前です",
                f"past employer {i + 1}: ends before it starts",
            )
    for i, e in enumerate(decl.side_jobs):
        if e.from_date is None:
            gap(
                f"side_jobs.{i}.from_date",
                f"兼業先{i + 1}: 開始日がありません",
                f"side job {i + 1}: start date missing",
            )
    in_groups = {g.parent for g in decl.groups if g.parent} | {
        m for g in decl.groups for m in g.members
    }
    names_ja = {
        "current_employers": "現在の勤務先",
        "past_employers": "過去の勤務先",
        "side_jobs": "兼業先",
    }
    for name, items in (
        ("current_employers", decl.current_employers),
        ("past_employers", decl.past_employers),
        ("side_jobs", decl.side_jobs),
    ):
        for i, e in enumerate(items):
            if e.company not in in_groups:
                gap(
                    f"{name}.{i}.company",
                    f"{names_ja[name]}{i + 1}（{e.company}）の企業グループ（親会社・子会社・連結会社）が"
                    "申告されていません（グループがなければその会社だけのグループを申告してください）",
                    f"the corporate group (parent, subsidiaries, consolidated companies) of "
                    f"{name.replace('_', ' ')} {i + 1} is not declared (declare a group with the "
                    "company alone if it has none)",
                )
    return out


def validate_declaration(
    decl: ConflictOfInterestDeclaration, field: str = "conflict_of_interest"
) -> None:
    """R-SCR-4: one refusal naming every gap of the declaration at once (issue 11 point 6)."""
    problems = declaration_problems(decl, field)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RuleViolation(
            "R-SCR-4", first["message_en"] + more, first["field"], params={"errors": problems}
        )


# ---------------------------------------------------------------- R-SCR-1


class Verdict(StrEnum):
    met = "met"
    not_met = "not_met"
    needs_interview = "needs_interview"


class RequirementResult(Frozen):
    requirement_id: str
    importance: Importance
    verdict: Verdict
    reason: str
    rule: str = "R-SCR-1"
    overridden: bool = False


class ScreeningOutcome(StrEnum):
    passed = "passed"  # every required requirement met
    needs_interview = "needs_interview"  # some required requirement to confirm at interview
    failed = "failed"  # a required requirement not met


def _years_in_field(
    profile: ApplicantProfile, framework: SkillFramework, field: str
) -> float | None:
    ref = f"{framework.value}:{field}"
    years = [e.years for e in profile.experiences if ref in e.fields and e.years is not None]
    return sum(years) if years else None


def _exam(exam: IpaExam) -> str:
    return f"{i18n.label('exam', exam)}（{exam.value}）"


def _criterion_verdict(c, profile: ApplicantProfile) -> tuple[Verdict, str]:
    """The verdict of one criterion and its reason, in Japanese (issue 11 point 9)."""
    exams = {q.exam for q in profile.qualifications}
    if isinstance(c, QualificationCriterion):
        if c.exam in exams:
            return Verdict.met, f"{_exam(c.exam)}に合格"
        return Verdict.not_met, f"{_exam(c.exam)}の合格がありません"
    if isinstance(c, LevelCriterion):
        claimed = max(
            (
                lv.level
                for lv in profile.skill_levels
                if lv.framework == c.framework and lv.field == c.field
            ),
            default=None,
        )
        res = judge_level(
            c.framework,
            c.field,
            c.min_level,
            exams_passed=exams,
            experience_years_in_field=_years_in_field(profile, c.framework, c.field),
            claimed_level=claimed,
        )
        label = f"{i18n.label('framework', c.framework)} {c.field} レベル{c.min_level}以上"
        verdict = {"met": "満たす", "not_met": "満たさない", "needs_interview": "面接で確認"}
        return (
            Verdict(res.verdict.value),
            f"{label}: {verdict[res.verdict.value]}（{res.reason}）(R-SKILL-4)",
        )
    assert isinstance(c, ExperienceCriterion)
    kind = i18n.label("experience", c.experience)
    claims = [e for e in profile.experiences if e.kind == c.experience]
    if not claims:
        other = [
            e
            for e in profile.experiences
            if e.kind is ExperienceKind.other and e.description.strip()
        ]
        if other:
            return (
                Verdict.needs_interview,
                f"{kind}の申告はありません。その他の経験を面接で確認します",
            )
        return Verdict.not_met, f"{kind}の申告がありません"
    known = [e.years for e in claims if e.years is not None]
    if not known:
        return Verdict.needs_interview, f"{kind}: 年数の記載がありません（面接で確認）"
    total = sum(known)
    if total >= c.min_years:
        return Verdict.met, f"{kind}: {total:g}年"
    return Verdict.not_met, f"{kind}: {total:g}年（求める年数 {c.min_years:g}年）"


_RANK = {Verdict.met: 2, Verdict.needs_interview: 1, Verdict.not_met: 0}


def match_requirement(req: Requirement, profile: ApplicantProfile) -> RequirementResult:
    """The best verdict over the requirement's alternatives (any_of)."""
    results = [_criterion_verdict(c, profile) for c in req.any_of]
    best = max(results, key=lambda r: _RANK[r[0]])
    reason = best[1]
    if best[0] is Verdict.not_met:  # none of the alternatives: say why for every one
        reason = " / ".join(r[1] for r in results)
    return RequirementResult(
        requirement_id=req.id, importance=req.importance, verdict=best[0], reason=reason
    )


def match_requirements(
    requirements: tuple[Requirement, ...] | list[Requirement], profile: ApplicantProfile
) -> list[RequirementResult]:
    """R-SCR-1: one result per requirement, in the role's order."""
    return [match_requirement(r, profile) for r in requirements]


def unmet_requirements(
    results: list[RequirementResult] | tuple[RequirementResult, ...],
) -> list[RequirementResult]:
    """Every ``required`` requirement judged ``not_met`` (in the role's order)."""
    return [
        r for r in results if r.importance is Importance.required and r.verdict is Verdict.not_met
    ]


def screening_outcome(
    results: list[RequirementResult] | tuple[RequirementResult, ...],
) -> ScreeningOutcome:
    """Only ``required`` requirements decide; ``preferred`` ones inform (R-SKILL-3)."""
    required = [r for r in results if r.importance is Importance.required]
    if unmet_requirements(results):
        return ScreeningOutcome.failed
    if any(r.verdict is Verdict.needs_interview for r in required):
        return ScreeningOutcome.needs_interview
    return ScreeningOutcome.passed


# keep the LevelVerdict and Verdict value sets aligned
assert {v.value for v in LevelVerdict} == {v.value for v in Verdict}


# ---------------------------------------------------------------- R-SCR-2


class ProjectEvidence(Frozen):
    """One concrete project discussed at interview (R-SCR-2)."""

    project: str  # what project
    position: str  # in which position / role
    result: str  # with what result
    employer: str = ""
    years: float | None = Field(default=None, ge=0, le=60)


class InterviewRecommendation(StrEnum):
    proceed = "proceed"
    hold = "hold"
    reject = "reject"


class InterviewRecord(Frozen):
    projects: tuple[ProjectEvidence, ...]
    assessment: str = ""  # interviewers' overall assessment
    recommendation: InterviewRecommendation


_EMPTYISH = re.compile(
    r"^\s*(n/?a|none|nil|tbd|unknown|various|misc\.?|-+|—+|なし|無し|特になし|不明|色々|いろいろ|多数|様々|さまざま|\?+)\s*$",
    re.IGNORECASE,
)
_ONLY_YEARS = re.compile(
    r"^\s*(約|about|approx\.?)?\s*\d+(\.\d+)?\s*(年|年間|years?|yrs?)?\s*(以上|程度|over)?\s*$",
    re.IGNORECASE,
)


def _vague(text: str, employer: str) -> str | None:
    t = text.strip()
    if not t:
        return "is empty"
    if _EMPTYISH.match(t):
        return "is not concrete"
    if _ONLY_YEARS.match(t):
        return "states only a number of years"
    if employer.strip() and t.casefold() == employer.strip().casefold():
        return "repeats the employer name"
    return None


def interview_record_problems(
    record: InterviewRecord, employers: tuple[str, ...] = (), field: str = "record"
) -> list[dict[str, str]]:
    """Every R-SCR-2 gap of the record, each ``{"field", "code", "message"}`` (English)."""
    if not record.projects:
        return [
            {
                "field": f"{field}.projects",
                "code": "R-SCR-2",
                "message": "an interview record must name at least one concrete project "
                "(project, position, result), not only employer names and years",
            }
        ]
    names = {e.casefold() for e in employers}
    out: list[dict[str, str]] = []
    for i, p in enumerate(record.projects):
        for attr in ("project", "position", "result"):
            text = getattr(p, attr)
            why = _vague(text, p.employer)
            if why is None and attr == "project" and text.strip().casefold() in names:
                why = "names only the employer"
            if why:
                out.append(
                    {
                        "field": f"{field}.projects.{i}.{attr}",
                        "code": "R-SCR-2",
                        "message": f"project {i + 1}: the {attr} {why}; record what project, "
                        "in which position, with what result",
                    }
                )
    return out


def validate_interview_record(
    record: InterviewRecord, employers: tuple[str, ...] = (), field: str = "record"
) -> None:
    """R-SCR-2: at least one project, each naming project, position and result concretely;
    one refusal naming every vague field at once (issue 11 point 6)."""
    problems = interview_record_problems(record, employers, field)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RuleViolation(
            "R-SCR-2", first["message"] + more, first["field"], params={"errors": problems}
        )


# ---------------------------------------------------------------- R-SCR-3


class RejectionReasonCode(StrEnum):
    requirements_not_met = "requirements_not_met"
    interview_assessment = "interview_assessment"
    conflict_of_interest = "conflict_of_interest"
    another_candidate_selected = "another_candidate_selected"
    incomplete_application = "incomplete_application"
    other = "other"


def validate_rejection(reason: str | None, field: str = "reason") -> None:
    """R-SCR-3: every rejection carries a reason."""
    if reason is None or not reason.strip() or _EMPTYISH.match(reason):
        raise RuleViolation("R-SCR-3", "a rejection must state its reason", field)
