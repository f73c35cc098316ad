"""The external-talent skill standard (外部人材スキル標準) and skill levels — R-SKILL.

Sources: 参考4.4-③ (IPA exams, ITSS/UISS, level judgement), 参考4.4-⑤ (the four
personas 人材像 and the producer's skill items), 参考4.4-⑯ (posting advice). The table
itself is data: ``domain/policies/skill_standard.json``, validated here at load.

R-SKILL-3: the standard is reference material, never a hard filter. A municipality
writes its own :class:`Requirement` list, each ``required`` or ``preferred``; the
standard only offers :func:`suggested_requirements` as a starting point.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from domain.values import Frozen

STANDARD_PATH = Path(__file__).parent / "policies" / "skill_standard.json"


class Persona(StrEnum):
    """The four personas of 参考4.4-⑤ (R-SKILL-1)."""

    producer = "producer"  # プロデューサー (CIO補佐官等)
    project_manager = "project_manager"  # プロジェクトマネージャー
    service_designer = "service_designer"  # サービスデザイナー
    engineer = "engineer"  # エンジニア


class IpaExam(StrEnum):
    """IPA national IT exams (情報処理技術者試験, 参考4.4-③)."""

    IP = "IP"  # ITパスポート
    SG = "SG"  # 情報セキュリティマネジメント
    FE = "FE"  # 基本情報技術者
    AP = "AP"  # 応用情報技術者
    ST = "ST"  # ITストラテジスト
    SA = "SA"  # システムアーキテクト
    PM = "PM"  # プロジェクトマネージャ
    NW = "NW"  # ネットワークスペシャリスト
    DB = "DB"  # データベーススペシャリスト
    ES = "ES"  # エンベデッドシステムスペシャリスト
    SM = "SM"  # ITサービスマネージャ
    AU = "AU"  # システム監査技術者
    SC = "SC"  # 情報処理安全確保支援士


class SkillFramework(StrEnum):
    itss = "itss"  # ITスキル標準
    uiss = "uiss"  # 情報システムユーザースキル標準


class ExperienceKind(StrEnum):
    led_digital_strategy_team = "led_digital_strategy_team"
    digital_department_manager = "digital_department_manager"
    local_government = "local_government"
    ict_business_reform = "ict_business_reform"  # ICTを活用した業務改革を担った経験 (R-SKILL-5)
    cio_advisor = "cio_advisor"
    municipal_vendor = "municipal_vendor"
    is_planning_development = "is_planning_development"
    information_security = "information_security"
    is_work = "is_work"  # 情報システム分野における業務経験 — vague (R-SKILL-5)
    other = "other"


class Importance(StrEnum):
    """R-SKILL-3: every requirement is one or the other."""

    required = "required"  # 必須
    preferred = "preferred"  # 歓迎


# ---------------------------------------------------------------- requirements


class QualificationCriterion(Frozen):
    kind: Literal["qualification"] = "qualification"
    exam: IpaExam


class LevelCriterion(Frozen):
    """A level in an ITSS/UISS field, e.g. UISS business_strategist level 4 or above."""

    kind: Literal["level"] = "level"
    framework: SkillFramework
    field: str
    min_level: int = Field(ge=1, le=7)

    @model_validator(mode="after")
    def _known_field(self) -> LevelCriterion:
        std = skill_standard()
        if self.field not in std.field_codes(self.framework):
            raise ValueError(f"unknown {self.framework.value} field {self.field!r}")
        low, high = std.level_range(self.framework, self.field)
        if not low <= self.min_level <= high:
            raise ValueError(
                f"{self.framework.value}:{self.field} has levels {low}-{high}, not {self.min_level}"
            )
        return self


class ExperienceCriterion(Frozen):
    kind: Literal["experience"] = "experience"
    experience: ExperienceKind
    min_years: float = Field(default=0, ge=0)
    text: str = ""  # the wording used in the posting


Criterion = Annotated[
    QualificationCriterion | LevelCriterion | ExperienceCriterion, Field(discriminator="kind")
]


class Requirement(Frozen):
    """One requirement of a role: met when ANY of its criteria is met (R-SKILL-3)."""

    id: str = Field(min_length=1, max_length=64)
    importance: Importance
    any_of: tuple[Criterion, ...] = Field(min_length=1)
    text: str = ""  # wording shown in the posting (Japanese or English)


# ---------------------------------------------------------------- the standard (data)


class SkillItem(Frozen):
    category: Literal["digital", "human"]
    code: str
    name_ja: str
    description_ja: str


class DesiredLevel(Frozen):
    framework: SkillFramework
    field: str
    min_level: int = Field(ge=1, le=7)


class DesiredExperience(Frozen):
    kind: ExperienceKind
    min_years: float = Field(ge=0)


class PersonaSpec(Frozen):
    code: Persona
    name_ja: str
    role_ja: str
    main_skills_ja: tuple[str, ...]
    skills: tuple[SkillItem, ...]
    desired_levels: tuple[DesiredLevel, ...]
    desired_levels_note: str = ""
    desired_qualifications: tuple[IpaExam, ...]
    desired_experience: tuple[DesiredExperience, ...]


class ExamSpec(Frozen):
    code: IpaExam
    name_ja: str
    name_en: str
    level: int = Field(ge=1, le=4)
    fields: tuple[str, ...]  # "framework:field" the exam evidences at level 4


class FieldSpec(Frozen):
    code: str
    name_ja: str
    level_range: tuple[int, int] = (1, 7)


class FrameworkSpec(Frozen):
    code: SkillFramework
    name_ja: str
    fields: tuple[FieldSpec, ...]


class LevelJudgement(Frozen):
    max_level_by_exam: int
    exam_plus_experience_level: int
    level4_min_experience_years: float
    level4_min_experience_years_note: str = ""
    national_cio_advisor_min_level: int


class ExperienceKindSpec(Frozen):
    code: ExperienceKind
    name_ja: str


class LintSpec(Frozen):
    vague_experience_kinds: tuple[ExperienceKind, ...]
    vague_experience_patterns: tuple[str, ...]
    preferred_wording_ja: str
    preferred_wording_en: str
    scarce_required_exams: tuple[IpaExam, ...]
    scarce_exam_patterns: tuple[str, ...]


class SkillStandard(Frozen):
    version: int
    source: str
    note: str
    personas: tuple[PersonaSpec, ...]
    exams: tuple[ExamSpec, ...]
    frameworks: tuple[FrameworkSpec, ...]
    level_judgement: LevelJudgement
    experience_kinds: tuple[ExperienceKindSpec, ...]
    lint: LintSpec

    @model_validator(mode="after")
    def _complete(self) -> SkillStandard:
        if {p.code for p in self.personas} != set(Persona):
            raise ValueError("every persona of R-SKILL-1 needs an entry")
        if {e.code for e in self.exams} != set(IpaExam):
            raise ValueError("every IPA exam needs an entry")
        if {k.code for k in self.experience_kinds} != set(ExperienceKind):
            raise ValueError("every experience kind needs an entry")
        known = {f"{fw.code.value}:{f.code}" for fw in self.frameworks for f in fw.fields}
        for exam in self.exams:
            for ref in exam.fields:
                if ref not in known:
                    raise ValueError(f"exam {exam.code}: unknown field {ref!r}")
        for p in self.personas:
            for lv in p.desired_levels:
                if f"{lv.framework.value}:{lv.field}" not in known:
                    raise ValueError(f"persona {p.code}: unknown field {lv.field!r}")
        return self

    def persona(self, code: Persona | str) -> PersonaSpec:
        return next(p for p in self.personas if p.code == code)

    def exam(self, code: IpaExam | str) -> ExamSpec:
        return next(e for e in self.exams if e.code == code)

    def field_codes(self, framework: SkillFramework | str) -> frozenset[str]:
        fw = next(f for f in self.frameworks if f.code == framework)
        return frozenset(f.code for f in fw.fields)

    def field_name_ja(self, framework: SkillFramework | str, field: str) -> str:
        fw = next(f for f in self.frameworks if f.code == framework)
        return next(f.name_ja for f in fw.fields if f.code == field)

    def level_range(self, framework: SkillFramework | str, field: str) -> tuple[int, int]:
        fw = next(f for f in self.frameworks if f.code == framework)
        return next(f.level_range for f in fw.fields if f.code == field)

    def exams_for_field(self, framework: SkillFramework | str, field: str) -> frozenset[IpaExam]:
        ref = f"{SkillFramework(framework).value}:{field}"
        return frozenset(e.code for e in self.exams if ref in e.fields)


@cache
def skill_standard() -> SkillStandard:
    """The skill standard table, loaded and validated once (package data, not I/O at runtime)."""
    return SkillStandard.model_validate(json.loads(STANDARD_PATH.read_text(encoding="utf-8")))


PERSONA_NAMES_JA: dict[Persona, str] = {
    Persona.producer: "プロデューサー（CIO補佐官等）",
    Persona.project_manager: "プロジェクトマネージャー",
    Persona.service_designer: "サービスデザイナー",
    Persona.engineer: "エンジニア",
}


def suggested_requirements(persona: Persona) -> tuple[Requirement, ...]:
    """Requirements the standard suggests for ``persona`` — all ``preferred`` (R-SKILL-3).

    The municipality may promote any of them to ``required``; the posting linter
    (R-SKILL-5) then warns about the ones the job market cannot supply.
    """
    spec = skill_standard().persona(persona)
    out: list[Requirement] = []
    if spec.desired_levels or spec.desired_qualifications:
        criteria: list = [
            LevelCriterion(framework=lv.framework, field=lv.field, min_level=lv.min_level)
            for lv in spec.desired_levels
        ]
        criteria += [QualificationCriterion(exam=e) for e in spec.desired_qualifications]
        out.append(
            Requirement(
                id="skill_level",
                importance=Importance.preferred,
                any_of=tuple(criteria),
                text="望ましいスキルレベル・資格（参考4.4-⑤）",
            )
        )
    if spec.desired_experience:
        out.append(
            Requirement(
                id="experience",
                importance=Importance.preferred,
                any_of=tuple(
                    ExperienceCriterion(experience=e.kind, min_years=e.min_years)
                    for e in spec.desired_experience
                ),
                text="望ましい経験（参考4.4-⑤）",
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- R-SKILL-4 level judgement


class LevelVerdict(StrEnum):
    met = "met"
    not_met = "not_met"
    needs_interview = "needs_interview"


class LevelJudgementResult(Frozen):
    verdict: LevelVerdict
    reason: str
    rule: str = "R-SKILL-4"


def exam_level(exam: IpaExam) -> int:
    """Level an exam pass evidences on the common career-skill framework (1-4)."""
    return skill_standard().exam(exam).level


def judge_level(
    framework: SkillFramework,
    field: str,
    min_level: int,
    *,
    exams_passed: frozenset[IpaExam] | set[IpaExam],
    experience_years_in_field: float | None,
    claimed_level: int | None,
) -> LevelJudgementResult:
    """R-SKILL-4: levels 1-3 by exam pass; level 4 by an exam of the field plus experience.

    Levels 5-7 cannot be shown on paper: a claim is checked at interview.
    ``experience_years_in_field`` is the applicant's declared experience relevant to the
    field (None when not declared); ``claimed_level`` the self-assessed level, if any.
    """
    rules = skill_standard().level_judgement
    by_exam = max((exam_level(e) for e in exams_passed), default=0)
    if min_level <= rules.max_level_by_exam:
        if by_exam >= min_level:
            return LevelJudgementResult(
                verdict=LevelVerdict.met, reason=f"試験合格によりレベル{by_exam}相当"
            )
        if claimed_level is not None and claimed_level >= min_level:
            return LevelJudgementResult(
                verdict=LevelVerdict.needs_interview,
                reason=f"レベル{claimed_level}の自己申告（裏付けとなる試験合格なし）：面接で確認",
            )
        return LevelJudgementResult(
            verdict=LevelVerdict.not_met, reason=f"レベル{min_level}以上に当たる試験合格がありません"
        )
    field_exams = skill_standard().exams_for_field(framework, field)
    has_field_exam = bool(field_exams & set(exams_passed))
    enough_experience = (
        experience_years_in_field is not None
        and experience_years_in_field >= rules.level4_min_experience_years
    )
    if min_level == rules.exam_plus_experience_level:
        if has_field_exam and enough_experience:
            return LevelJudgementResult(
                verdict=LevelVerdict.met,
                reason=f"分野の試験に合格し、業務経験{experience_years_in_field:g}年",
            )
        if has_field_exam or (claimed_level is not None and claimed_level >= min_level):
            return LevelJudgementResult(
                verdict=LevelVerdict.needs_interview,
                reason="レベル4は分野の試験合格と業務経験で判断します：面接で確認",
            )
        if experience_years_in_field:
            # turn 2 (R-SKILL-3/4): 「レベル4相当以上の専門知識、経験・実績」 — experience and
            # achievements judged equivalent stand in for the exam: never not_met on paper
            return LevelJudgementResult(
                verdict=LevelVerdict.needs_interview,
                reason=f"分野の試験合格はありませんが、分野の経験{experience_years_in_field:g}年："
                       "レベル4相当の経験・実績か面接で判断",
            )
        return LevelJudgementResult(
            verdict=LevelVerdict.not_met,
            reason=f"分野の試験（{'、'.join(sorted(field_exams)) or 'なし'}）の合格、分野の経験、"
                   "レベルの申告のいずれもありません",
        )
    # levels 5-7: experience and achievements only
    if (claimed_level is not None and claimed_level >= min_level) or (
        has_field_exam and enough_experience
    ):
        return LevelJudgementResult(
            verdict=LevelVerdict.needs_interview,
            reason=f"レベル{min_level}は実績で判断します：面接で確認",
        )
    return LevelJudgementResult(
        verdict=LevelVerdict.not_met, reason=f"レベル{min_level}の裏付けがありません"
    )
