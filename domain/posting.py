"""Role definition and posting in the standard recruitment format — R-POST, R-SKILL-5.

A :class:`RoleDefinition` (what the approver approves: persona, duties, DX initiatives,
form, conditions, requirements) plus :class:`PostingDetails` (where, until when, how to
apply) make a :class:`Posting` in the fields of the standard recruitment format
(標準募集様式, 参考4.4-⑮). Models check shape; the rules (R-POST-1/2/4) are checked by
:func:`validate_role` / :func:`validate_posting` so a refusal carries its rule code.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, Field

from domain import i18n
from domain.appointment import Duty, DutyKind  # noqa: F401 - re-exported for callers
from domain.errors import RuleViolation
from domain.policy import Policy, default_policy
from domain.skill_standard import (
    PERSONA_NAMES_JA,
    ExperienceCriterion,
    Importance,
    Persona,
    QualificationCriterion,
    Requirement,
    skill_standard,
)
from domain.values import AppointmentForm, Frozen, Municipality, Yen


class DxInitiative(StrEnum):
    """DX initiatives of 参考3.3-② (DX推進計画) a role can work on (R-POST-1)."""

    system_standardization = "system_standardization"  # 自治体情報システムの標準化・共通化
    my_number_card = "my_number_card"  # マイナンバーカードの普及促進
    online_procedures = "online_procedures"  # 行政手続のオンライン化
    ai_rpa = "ai_rpa"  # AI・RPAの利用推進
    telework = "telework"  # テレワークの推進
    security = "security"  # セキュリティ対策の徹底
    regional_digitalization = (
        "regional_digitalization"  # 地域社会のデジタル化 (デジタル田園都市国家構想)
    )
    digital_divide = "digital_divide"  # デジタルデバイド対策
    regulation_review = "regulation_review"  # デジタル原則に基づく条例等の規制の点検・見直し
    bpr = "bpr"  # BPRの取組の徹底
    open_data = "open_data"  # オープンデータの推進・官民データ活用の推進


INITIATIVE_NAMES_JA: dict[DxInitiative, str] = {
    DxInitiative.system_standardization: "自治体情報システムの標準化・共通化",
    DxInitiative.my_number_card: "マイナンバーカードの普及促進",
    DxInitiative.online_procedures: "自治体の行政手続のオンライン化",
    DxInitiative.ai_rpa: "自治体のAI・RPAの利用推進",
    DxInitiative.telework: "テレワークの推進",
    DxInitiative.security: "セキュリティ対策の徹底",
    DxInitiative.regional_digitalization: "地域社会のデジタル化",
    DxInitiative.digital_divide: "デジタルデバイド対策",
    DxInitiative.regulation_review: "デジタル原則に基づく条例等の規制の点検・見直し",
    DxInitiative.bpr: "BPRの取組の徹底",
    DxInitiative.open_data: "オープンデータの推進・官民データ活用の推進",
}


class PayUnit(StrEnum):
    month = "month"  # 月額
    day = "day"  # 日額
    hour = "hour"  # 時間額
    year = "year"  # 年額
    per_case = "per_case"  # 個別に決定


class Pay(Frozen):
    amount_yen: Yen = Field(ge=0)
    unit: PayUnit
    note: str = ""  # e.g. 期末手当あり, 旅費別途


class WorkStyle(Frozen):
    days_per_month: int | None = Field(default=None, ge=1, le=31)
    hours_per_month: int | None = Field(default=None, ge=1, le=744)
    on_site_days_per_month: int | None = Field(default=None, ge=0, le=31)
    remote_allowed: bool
    side_job_allowed: bool  # 副業・兼業可


class Term(Frozen):
    start: date
    end: date  # last day, inclusive
    renewable: bool = False


class SelectionMethod(Frozen):
    document_review: bool = True  # 書類選考
    essay: bool = False  # 論文
    interviews: int = Field(default=1, ge=0)  # 面接の回数
    other: str = ""


class ChannelKind(StrEnum):
    """R-POST-3 recruitment channels."""

    own_website = "own_website"  # 自団体のHP
    mic_publication = "mic_publication"  # 都道府県を通じた総務省HPでの公表 (標準募集様式)
    agency = "agency"  # 民間人材紹介会社 (fee-based: a recruitment cost, R-SUB-4)
    referral = "referral"  # 紹介・伝手
    ict_partnership = "ict_partnership"  # ICT企業等との連携協定 (派遣)


class Channel(Frozen):
    kind: ChannelKind
    name: str = ""  # agency or partner company name
    expected_fee_yen: Yen | None = Field(default=None, ge=0)

    @property
    def is_recruitment_cost(self) -> bool:
        """Agency fees are recruitment costs under the special allocation tax (R-POST-3, R-SUB-4)."""
        return self.kind is ChannelKind.agency


class Contact(Frozen):
    department: str = Field(min_length=1)
    email: str | None = None
    phone: str | None = None


def is_cio_advisor(marked: bool | None, persona: Persona | str) -> bool:
    """R-SUB-11: the role's mark, or by default whether the persona is the producer."""
    return marked if marked is not None else Persona(persona) is Persona.producer


class RoleDefinition(Frozen):
    """What the municipality wants the advisor for (R-POST-1), as approved by the CIO."""

    title: str = Field(max_length=200)  # e.g. CIO補佐官
    persona: Persona
    duties: tuple[Duty, ...]
    initiatives: tuple[DxInitiative, ...]
    form: AppointmentForm
    work_style: WorkStyle
    pay: Pay
    term: Term
    requirements: tuple[Requirement, ...] = ()
    # R-SUB-11 (turn 2): a CIO補佐官等 — assists the CIO in managing DX with expert knowledge
    # (※1 of §4.4(5)); only such roles enter the special allocation tax claim. None: the
    # default of the persona (the producer is the CIO advisor, the others are not).
    cio_advisor: bool | None = None

    @property
    def counts_as_cio_advisor(self) -> bool:
        return is_cio_advisor(self.cio_advisor, self.persona)


class PostingDetails(Frozen):
    """What the HR officer adds when publishing an approved role."""

    municipality: Municipality
    deadline: AwareDatetime  # application deadline (instant)
    selection: SelectionMethod
    contact: Contact
    channels: tuple[Channel, ...] = Field(min_length=1)
    notes: str = ""


class Posting(Frozen):
    """A published posting: an approved role in the standard recruitment format (R-POST-2)."""

    role: RoleDefinition
    details: PostingDetails

    @property
    def deadline(self) -> datetime:
        return self.details.deadline

    def standard_format(self) -> dict[str, object]:
        """The 標準募集様式 fields, labelled in Japanese, in the order of the format."""
        r, d = self.role, self.details
        m = d.municipality
        ws = r.work_style

        def reqs(imp: Importance) -> list[str]:
            return [q.text or q.id for q in r.requirements if q.importance is imp]

        return {
            "団体名": m.name,
            "団体コード": m.code,
            "都道府県": m.prefecture,
            "人口": m.population,
            "職名": r.title,
            "人材像": PERSONA_NAMES_JA[r.persona],
            "業務内容": [duty.text for duty in r.duties],
            "関与する取組": [INITIATIVE_NAMES_JA[i] for i in r.initiatives],
            "任用形態": i18n.label("form", r.form),
            "勤務日数(月)": ws.days_per_month,
            "勤務時間(月)": ws.hours_per_month,
            "リモート勤務": "可" if ws.remote_allowed else "不可",
            "副業・兼業": "可" if ws.side_job_allowed else "不可",
            "報酬": _pay_ja(r.pay),
            "任期": f"{i18n.format_date(r.term.start)}〜{i18n.format_date(r.term.end)}",
            "必須要件": reqs(Importance.required),
            "歓迎要件": reqs(Importance.preferred),
            "選考方法": _selection_ja(d.selection),
            "応募締切": i18n.format_deadline(d.deadline),
            "問合せ先": {
                "担当": d.contact.department,
                "メール": d.contact.email,
                "電話": d.contact.phone,
            },
        }


def _pay_ja(pay: Pay) -> str:
    """``300,000円（月額）``; a case-by-case pay names no unit (個別に決定)."""
    if pay.unit is PayUnit.per_case:
        text = f"{i18n.format_yen(pay.amount_yen)}（{i18n.label('pay_unit', pay.unit)}）"
    else:
        text = i18n.format_yen(pay.amount_yen, pay.unit.value)
    return text + (f"（{pay.note}）" if pay.note else "")


def _selection_ja(s: SelectionMethod) -> list[str]:
    steps = []
    if s.document_review:
        steps.append("書類選考")
    if s.essay:
        steps.append("論文")
    if s.interviews:
        steps.append(f"面接（{s.interviews}回）")
    if s.other:
        steps.append(s.other)
    return steps


# ---------------------------------------------------------------- rules


def validate_role(role: RoleDefinition, field: str = "role") -> None:
    """R-POST-1: persona, concrete duties, at least one DX initiative; a sane term."""
    if not role.title.strip():
        raise RuleViolation("R-POST-1", "the role needs a title (職名)", f"{field}.title")
    if not role.duties or not all(d.text.strip() for d in role.duties):
        raise RuleViolation(
            "R-POST-1", "the role must state its concrete duties (具体的な業務)", f"{field}.duties"
        )
    if not role.initiatives:
        raise RuleViolation(
            "R-POST-1",
            "the role must name at least one DX initiative (参考3.3-②) the advisor will work on",
            f"{field}.initiatives",
        )
    if len(set(role.initiatives)) != len(role.initiatives):
        raise RuleViolation("R-POST-1", "an initiative is listed twice", f"{field}.initiatives")
    if role.term.end < role.term.start:
        raise RuleViolation("R-POST-2", "the term ends before it starts", f"{field}.term.end")
    ids = [q.id for q in role.requirements]
    if len(set(ids)) != len(ids):
        raise RuleViolation("R-SKILL-3", "requirement ids must be unique", f"{field}.requirements")


def validate_posting(posting: Posting, now: datetime) -> None:
    """R-POST-2 (standard format complete) and R-POST-4 (deadline in the future)."""
    validate_role(posting.role, "posting.role")
    d = posting.details
    if d.municipality.code is None:
        raise RuleViolation(
            "R-POST-2",
            "the standard recruitment format needs the municipality code (団体コード)",
            "posting.details.municipality.code",
        )
    if not (d.contact.email or d.contact.phone):
        raise RuleViolation(
            "R-POST-2", "the posting needs a contact email or phone", "posting.details.contact"
        )
    s = d.selection
    if not (s.document_review or s.essay or s.interviews or s.other.strip()):
        raise RuleViolation(
            "R-POST-2", "the posting must state the selection method", "posting.details.selection"
        )
    ws = posting.role.work_style
    if ws.days_per_month is None and ws.hours_per_month is None:
        raise RuleViolation(
            "R-POST-2",
            "the posting must state the working days or hours per month",
            "posting.role.work_style",
        )
    for i, ch in enumerate(d.channels):
        if ch.kind in (ChannelKind.agency, ChannelKind.ict_partnership) and not ch.name.strip():
            raise RuleViolation(
                "R-POST-3",
                f"channel {ch.kind.value} must name the agency or partner",
                f"posting.details.channels.{i}.name",
            )
    check_deadline(d.deadline, now, "posting.details.deadline")


def check_deadline(deadline: datetime, now: datetime, field: str) -> None:
    """R-POST-4: a posting can only be published (or extended) with a future deadline."""
    if deadline <= now:
        raise RuleViolation(
            "R-POST-4",
            f"the application deadline {deadline.isoformat()} is not in the future",
            field,
        )


# ---------------------------------------------------------------- R-SKILL-5 linter


class Advice(Frozen):
    """A recommendation about a posting; advice never blocks publication."""

    code: str
    message: str
    field: str | None = None


def lint_posting(posting: Posting | RoleDefinition) -> list[Advice]:
    """R-SKILL-5 advice of 参考4.4-⑯ on a role or posting.

    - do not make the IT Strategist pass a *required* condition (few holders on the market);
    - ask for "ICTを活用した業務改革を担った経験" instead of bare "情報システム分野における
      業務経験" (Japanese and English wording both checked).
    """
    role = posting.role if isinstance(posting, Posting) else posting
    prefix = "posting.role" if isinstance(posting, Posting) else "role"
    lint = skill_standard().lint
    vague = [re.compile(p, re.IGNORECASE) for p in lint.vague_experience_patterns]
    scarce = [re.compile(p, re.IGNORECASE) for p in lint.scarce_exam_patterns]
    out: list[Advice] = []
    for i, req in enumerate(role.requirements):
        field = f"{prefix}.requirements.{i}"
        if req.importance is Importance.required:
            exams = {c.exam for c in req.any_of if isinstance(c, QualificationCriterion)} & set(
                lint.scarce_required_exams
            )
            # only the scarce exam(s) satisfy it, or the wording demands it
            only_scarce = bool(exams) and all(
                isinstance(c, QualificationCriterion) and c.exam in exams for c in req.any_of
            )
            if only_scarce or (any(p.search(req.text) for p in scarce) and len(req.any_of) == 1):
                out.append(
                    Advice(
                        code="R-SKILL-5",
                        message=(
                            "ITストラテジスト試験の合格者は転職市場に多くないため、必須条件にせず"
                            "歓迎要件とするか他の資格・経験と選択可能にしてください "
                            "(do not require the IT Strategist pass)"
                        ),
                        field=field,
                    )
                )
        texts = [req.text] + [c.text for c in req.any_of if isinstance(c, ExperienceCriterion)]
        vague_kind = any(
            isinstance(c, ExperienceCriterion) and c.experience in lint.vague_experience_kinds
            for c in req.any_of
        )
        if vague_kind or any(p.search(t) for p in vague for t in texts if t):
            out.append(
                Advice(
                    code="R-SKILL-5",
                    message=(
                        f"「情報システム分野における業務経験」ではなく「{lint.preferred_wording_ja}」"
                        f"としてください ({lint.preferred_wording_en} rather than bare IS work experience)"
                    ),
                    field=field,
                )
            )
    for i, duty in enumerate(role.duties):
        if any(p.search(duty.text) for p in vague):
            out.append(
                Advice(
                    code="R-SKILL-5",
                    message=f"業務内容は具体的に: 「{lint.preferred_wording_ja}」など",
                    field=f"{prefix}.duties.{i}",
                )
            )
    return out


def no_requirement_warning(role: RoleDefinition, prefix: str = "role") -> list[Advice]:
    """R-SKILL-3: a role with no skill requirement at all is warned (at definition,
    submission for approval and publication); it never blocks."""
    if role.requirements:
        return []
    return [Advice(
        code="R-SKILL-3",
        message="スキル・経験の要件が一つもありません。参考4.4-⑤のスキル標準を参考に、"
                "必須・歓迎の要件を定めてください (the role states no skill requirement)",
        field=f"{prefix}.requirements",
    )]


def definition_warnings(
    role: RoleDefinition, today: date, prefix: str = "role", policy: Policy | None = None
) -> list[Advice]:
    """Warnings at definition and publication (issue 11 points 4 and 7); they never block.

    - R-SKILL-3: a role with no skill requirement at all (the standard is reference
      material, but a posting says what it asks for);
    - R-FORM: a term that is already over (an existing advisor being recorded is fine;
      a new posting for a past term is a mistake);
    - R-SUB-7: a CIO advisor role (R-SUB-11) of a form the measure covers (R-SUB-2) whose
      term runs in fiscal years outside the measure period, naming the Reiwa years — said
      now instead of at claim time.
    """
    from domain.fiscal import FiscalYear

    out: list[Advice] = no_requirement_warning(role, prefix)
    if role.term.end < today:
        out.append(Advice(
            code="R-FORM",
            message=f"任期（{i18n.format_date(role.term.start, western=False)}〜"
                    f"{i18n.format_date(role.term.end, western=False)}）はすでに終わっています "
                    f"(the term ended {role.term.end.isoformat()}, before today "
                    f"{today.isoformat()})",
            field=f"{prefix}.term.end",
        ))
    measure = (policy or default_policy()).measures.appointment
    if role.counts_as_cio_advisor and role.form in measure.eligible_payments:
        years = range(FiscalYear.of(role.term.start).year, FiscalYear.of(role.term.end).year + 1)
        outside = [y for y in years if measure.term_for(y) is None]
        if outside:
            period = "、".join(i18n.reiwa_years(t.from_fiscal_year, t.to_fiscal_year)
                              for t in measure.terms)
            spans = _spans(outside)
            out.append(Advice(
                code="R-SUB-7",
                message=f"任期のうち{'、'.join(i18n.reiwa_years(a, b) for a, b in spans)}は"
                        f"特別交付税措置の対象期間（{period}）外です "
                        f"(FY{'/'.join(str(y) for y in outside)} outside the measure period)",
                field=f"{prefix}.term",
            ))
    return out


def _spans(years: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for y in years:
        if out and out[-1][1] == y - 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out
