"""The subsidy claim (特別交付税の申請) of one municipality for one fiscal year, as an
aggregate like the campaign and the appointment: state, fold and ``decide``.

Stream ``subsidy:{municipality_code}:{fiscal_year}`` (``domain.streams.claim``). Stages:

    collecting -> drafted -> approved -> submitted -> decided
    drafted -> drafted (drafted again: a late appointment, or an HR officer's redraft)

``decide(state, command, now) -> list[DomainEvent]`` is pure, a table of one function per
command like ``domain.recruitment.decide``. Refusals: ``AUTH-ROLE`` when the actor's role
may not take the step, ``STATE-CLAIM-STAGE`` when the claim is not in the stage the step
starts from. :func:`check` is the same guard alone — what a workflow validates an
officer's ``RedraftClaim`` with before it gathers the year's costs; the redraft itself is
then a ``DraftClaim`` by that officer, carrying the new assessment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from domain import i18n, streams
from domain.commands import (
    ApproveClaim,
    Command,
    DraftClaim,
    DraftClaimNow,
    RecordDecision,
    RecordSubmission,
    RedraftClaim,
)
from domain.errors import RuleViolation
from domain.events import (
    DomainEvent,
    SubsidyAssessed,
    SubsidyClaimApproved,
    SubsidyClaimDrafted,
    SubsidyClaimed,
    SubsidyDecided,
)
from domain.guards import check_now, dispatch
from domain.values import Frozen


class ClaimStage(StrEnum):
    collecting = "collecting"  # no draft yet: appointments still reporting their year
    drafted = "drafted"
    approved = "approved"
    submitted = "submitted"
    decided = "decided"  # terminal


class ClaimState(Frozen):
    claim_id: str
    fiscal_year: int
    stage: ClaimStage = ClaimStage.collecting
    version: int = 0  # number of events folded
    assessment: dict[str, Any] | None = None  # the latest draft's assessment (contracts.md)
    amount_yen: int | None = None  # the latest draft's amount
    granted_yen: int | None = None


def new_claim(municipality_code: str, fiscal_year: int) -> ClaimState:
    """The state of a claim before its first event."""
    return ClaimState(
        claim_id=streams.claim(municipality_code, fiscal_year), fiscal_year=fiscal_year
    )


# ---------------------------------------------------------------- fold


def apply_claim(state: ClaimState, e: DomainEvent) -> ClaimState:
    """One event applied to a claim's state (pure)."""
    match e:
        case SubsidyAssessed():
            changes: dict[str, Any] = {"assessment": e.assessment}
        case SubsidyClaimDrafted():
            changes = {"stage": ClaimStage.drafted, "amount_yen": e.amount_yen}
        case SubsidyClaimApproved():
            changes = {"stage": ClaimStage.approved}
        case SubsidyClaimed():
            changes = {"stage": ClaimStage.submitted}
        case SubsidyDecided():
            changes = {"stage": ClaimStage.decided, "granted_yen": e.granted_yen}
        case _:
            changes = {}
    return state.model_copy(update={**changes, "version": state.version + 1})


def fold_claim(events: Iterable[DomainEvent], state: ClaimState) -> ClaimState:
    for e in events:
        state = apply_claim(state, e)
    return state


# ---------------------------------------------------------------- guards


class Step(NamedTuple):
    """Who may take a step (``role``) from which stages; ``what`` names it in refusals."""

    what: str
    role: str
    stages: frozenset[ClaimStage]


_DRAFTED = frozenset({ClaimStage.drafted})
STEPS: dict[type[Command], Step] = {
    DraftClaimNow: Step("draft now", "hr_officer", frozenset({ClaimStage.collecting})),
    ApproveClaim: Step("approve", "approver", _DRAFTED),
    RedraftClaim: Step("redraft", "hr_officer", _DRAFTED),
    RecordSubmission: Step("submit", "hr_officer", frozenset({ClaimStage.approved})),
    RecordDecision: Step("decide", "hr_officer", frozenset({ClaimStage.submitted})),
}
# the system drafts once the appointments have reported, and again for a late one
SYSTEM_DRAFT = Step("draft", "system", frozenset({ClaimStage.collecting, ClaimStage.drafted}))


# what a claim in each stage waits for (issue 11 point 3): English, Japanese
WAITS_FOR: dict[ClaimStage, tuple[str, str]] = {
    ClaimStage.collecting: (
        "the settle period after the appointments' fiscal-year reports (or an HR officer's "
        "'draft now')",
        "各任用の年度末の報告後の精算期間の経過（または担当者による「今すぐ作成」）",
    ),
    ClaimStage.drafted: (
        "the approver's approval (or an HR officer's redraft)",
        "承認者による申請案の承認（または担当者による再作成）",
    ),
    ClaimStage.approved: ("the HR officer recording the submission", "担当者による申請（提出）の記録"),
    ClaimStage.submitted: ("the HR officer recording MIC's decision", "担当者による交付決定の記録"),
    ClaimStage.decided: ("nothing: the claim is decided", "なし（決定済み）"),
}


def waits_for(stage: ClaimStage) -> str:
    """What a claim in ``stage`` waits for, in Japanese (the claim view)."""
    return WAITS_FOR[stage][1]


def _step(command: Command) -> Step:
    if isinstance(command, DraftClaim):
        # an officer's draft is a redraft: the same rule as RedraftClaim
        return SYSTEM_DRAFT if command.actor.role == "system" else STEPS[RedraftClaim]
    step = STEPS.get(type(command))
    if step is None:
        raise RuleViolation(
            "STATE-UNKNOWN-COMMAND", f"{type(command).__name__} is not a claim command", None
        )
    return step


def check(state: ClaimState, command: Command) -> None:
    """Refuse ``command`` when its actor's role may not take its step, or the claim is not in
    a stage the step starts from."""
    step = _step(command)
    actor = command.actor
    if actor.role != step.role:
        raise RuleViolation(
            "AUTH-ROLE", f"this step needs the role {step.role}, not {actor.role}", "actor.role"
        )
    if state.stage not in step.stages:
        en, ja = WAITS_FOR[state.stage]
        raise RuleViolation(
            "STATE-CLAIM-STAGE",
            f"cannot {step.what} a claim that is {state.stage.value}: it waits for {en}",
            None,
            params={"stage": i18n.label("claim_stage", state.stage),
                    "needs": f"この申請は{ja}を待っています。"},
        )


# ---------------------------------------------------------------- deciders


def draft(state: ClaimState, command: DraftClaim, now: datetime, by: str) -> list[DomainEvent]:
    """The assessment (with the rule codes of its reasons) and the claim drafted for its
    total measure."""
    a = command.assessment
    return [
        SubsidyAssessed(
            at=now,
            by=by,
            fiscal_year=state.fiscal_year,
            eligible=a["eligible"],
            total_measure_yen=a["total_measure_yen"],
            assessment=a,
            rules=tuple(dict.fromkeys(r["code"] for r in a.get("reasons", []))),
        ),
        SubsidyClaimDrafted(
            at=now,
            by=by,
            claim_id=state.claim_id,
            fiscal_year=state.fiscal_year,
            amount_yen=a["total_measure_yen"],
        ),
    ]


def approve(state: ClaimState, command: ApproveClaim, now: datetime, by: str) -> list[DomainEvent]:
    return [SubsidyClaimApproved(at=now, by=by, claim_id=state.claim_id)]


def record_submission(
    state: ClaimState, command: RecordSubmission, now: datetime, by: str
) -> list[DomainEvent]:
    return [
        SubsidyClaimed(at=now, by=by, claim_id=state.claim_id, submitted_on=command.submitted_on)
    ]


def record_decision(
    state: ClaimState, command: RecordDecision, now: datetime, by: str
) -> list[DomainEvent]:
    return [
        SubsidyDecided(
            at=now,
            by=by,
            claim_id=state.claim_id,
            granted_yen=command.granted_yen,
            decided_on=command.decided_on,
        )
    ]


Decider = Callable[[ClaimState, Any, datetime, str], list[DomainEvent]]

# RedraftClaim and DraftClaimNow have no decider: they ask for a new DraftClaim (see the
# module docstring; DraftClaimNow ends the settle period of a collecting claim)
DECIDERS: dict[type[Command], Decider] = {
    DraftClaim: draft,
    ApproveClaim: approve,
    RecordSubmission: record_submission,
    RecordDecision: record_decision,
}


def decide(state: ClaimState, command: Command, now: datetime) -> list[DomainEvent]:
    """The events ``command`` produces in ``state`` at ``now``, or a RuleViolation."""
    check_now(now)
    check(state, command)
    return dispatch(
        DECIDERS, state, command, now, "decided alone: a redraft is decided as a DraftClaim"
    )


decide_claim = decide
