"""Acceptance readiness checklist (外部人材の受入れ準備チェックリスト) — R-READY, 4.4(7).

Six checks before the appointee starts, each confirmed with a note. A missing check is a
warning, not a violation: the appointment may go ahead, but the officer is reminded.
Item 5 applies only to an expert who belongs to a company; item 6 (activity review)
recurs after appointment as a periodic reminder.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.findings import Finding
from domain.values import Frozen


class ReadinessCheck(Frozen):
    number: int
    text_ja: str
    note_ja: str
    summary: str
    company_only: bool = False
    recurring: bool = False


READINESS_CHECKS: tuple[ReadinessCheck, ...] = (
    ReadinessCheck(
        number=1,
        text_ja="首長や職員が、外部人材の受入れ意義や狙い、外部人材に期待する役割や業務について、十分整理・共有できているか。",
        note_ja="一部の職員だけでなく、広く共有されていることが必要。",
        summary="mayor and staff share why the expert comes and what is expected",
    ),
    ReadinessCheck(
        number=2,
        text_ja="職員の主体性はあるか。外部人材に丸投げしない。",
        note_ja="外部人材の力を借りて主体性を持って DX を推進することが必要。",
        summary="staff own the work; nothing is simply handed over (丸投げしない)",
    ),
    ReadinessCheck(
        number=3,
        text_ja="外部人材に過剰な期待をしない。",
        note_ja="デジタル人材には、それぞれ専門や得意とする分野がある。",
        summary="no excessive expectations; the expert has a speciality",
    ),
    ReadinessCheck(
        number=4,
        text_ja="外部人材のサポート体制を構築できているか。",
        note_ja="受入れ部門や人事・研修担当部門のサポート、意思決定の仕組みや予算立案・執行のルールやスケジュールの説明が重要。",
        summary="a support structure exists (host department, HR/training; decisions, budget rules and calendar explained)",
    ),
    ReadinessCheck(
        number=5,
        text_ja="企業に属する外部人材を受け入れる場合、十分に企業と調整できているか。",
        note_ja="任用形態、勤務条件などについて、十分に調整しておくことが必要。",
        summary="for an expert from a company: employment form and conditions agreed with it",
        company_only=True,
    ),
    ReadinessCheck(
        number=6,
        text_ja="外部人材の活動内容は、当初の想定どおりとなっているか。",
        note_ja="外部人材との間で十分に対話を行うことが重要。",
        summary="activity review: actual activities match the plan, reviewed by dialogue",
        recurring=True,
    ),
)

ITEM_NUMBERS = tuple(c.number for c in READINESS_CHECKS)


def readiness_check(number: int) -> ReadinessCheck:
    for c in READINESS_CHECKS:
        if c.number == number:
            return c
    raise KeyError(number)


def applicable_items(from_company: bool) -> list[int]:
    """The R-READY items that apply: item 5 only for an expert who belongs to a company."""
    return [c.number for c in READINESS_CHECKS if from_company or not c.company_only]


def readiness_warnings(confirmed: Iterable[int], *, from_company: bool) -> list[Finding]:
    """One ``R-READY`` warning per applicable item not yet confirmed, in item order."""
    done = set(confirmed)
    out: list[Finding] = []
    for number in applicable_items(from_company):
        if number in done:
            continue
        c = readiness_check(number)
        when = ("review it periodically after the appointment" if c.recurring
                else "confirm it before the start date")
        out.append(Finding(
            code="R-READY",
            message=f"readiness item {number} not confirmed: {c.text_ja} ({c.summary}); {when}",
        ))
    return out
