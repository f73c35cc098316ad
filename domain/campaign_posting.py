"""Deciders of a campaign's role, approval and posting: define, submit, return and approve
the role (R-POST-1/2), publish, extend, close and re-post the posting (R-POST-4), close or
cancel the campaign. One function per command, registered in ``domain.recruitment``."""

from __future__ import annotations

from datetime import datetime

from domain.campaign_guards import (
    OPEN_STAGES,
    PRE_APPROVAL,
    in_stage,
    not_ended,
    require_role,
)
from domain.commands import (
    ApproveRole,
    CancelCampaign,
    CloseCampaign,
    ClosePosting,
    DefineRole,
    ExtendPostingDeadline,
    PublishPosting,
    Repost,
    ReturnRole,
    SubmitRoleForApproval,
)
from domain.errors import RuleViolation
from domain.events import (
    CampaignCancelled,
    CampaignClosed,
    DomainEvent,
    OfferLapsed,
    OfferLapseReason,
    PostingClosed,
    PostingCloseReason,
    PostingDeadlineExtended,
    PostingPublished,
    Reposted,
    RoleApproved,
    RoleDefined,
    RoleReturned,
    RoleSubmittedForApproval,
)
from domain.fiscal import japan_date
from domain.posting import (
    Posting,
    PostingDetails,
    check_deadline,
    definition_warnings,
    lint_posting,
    no_requirement_warning,
    validate_posting,
    validate_role,
)
from domain.state import (
    RecruitmentState,
    Stage,
)


def define_role(
    state: RecruitmentState, command: DefineRole, now: datetime, by: str
) -> list[DomainEvent]:
    if state.stage not in (Stage.new, Stage.draft):
        raise RuleViolation(
            "STATE-ROLE-LOCKED",
            f"the role cannot be redefined in stage {state.stage.value}",
            "role",
        )
    if state.campaign_id not in (None, command.campaign_id):
        raise RuleViolation("STATE-CAMPAIGN-MISMATCH", "another campaign's stream", "campaign_id")
    if command.municipality.code is None:
        raise RuleViolation(
            "R-POST-2", "the municipality code (団体コード) is needed", "municipality.code"
        )
    validate_role(command.role)
    return [
        RoleDefined(
            at=now,
            by=by,
            campaign_id=command.campaign_id,
            municipality=command.municipality,
            role=command.role,
            advice=tuple(lint_posting(command.role))
            + tuple(definition_warnings(command.role, japan_date(now))),
        )
    ]


def submit_role_for_approval(
    state: RecruitmentState, command: SubmitRoleForApproval, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, {Stage.draft}, "submit the role for approval")
    advice = tuple(no_requirement_warning(state.role)) if state.role is not None else ()
    return [RoleSubmittedForApproval(at=now, by=by, advice=advice)]


def return_role(
    state: RecruitmentState, command: ReturnRole, now: datetime, by: str
) -> list[DomainEvent]:
    require_role(command.actor, "approver")
    in_stage(state, {Stage.awaiting_approval}, "return the role")
    return [RoleReturned(at=now, by=by, reason=command.reason)]


def approve_role(
    state: RecruitmentState, command: ApproveRole, now: datetime, by: str
) -> list[DomainEvent]:
    require_role(command.actor, "approver")
    not_ended(state)
    if state.stage in (Stage.new, Stage.draft):
        raise RuleViolation(
            "STATE-NOT-SUBMITTED", "the role must be submitted for approval first", None
        )
    in_stage(state, {Stage.awaiting_approval}, "approve the role")
    return [RoleApproved(at=now, by=by)]


def publish_posting(
    state: RecruitmentState, command: PublishPosting, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    if state.stage in PRE_APPROVAL:
        raise RuleViolation(
            "STATE-ROLE-NOT-APPROVED", "the role must be approved before it is posted", None
        )
    in_stage(state, {Stage.approved}, "publish the posting")
    posting = _posting(state, command.details, now)
    advice = tuple(lint_posting(posting)) + tuple(
        definition_warnings(posting.role, japan_date(now), "posting.role")
    )
    return [PostingPublished(at=now, by=by, posting=posting, advice=advice)]


def extend_posting_deadline(
    state: RecruitmentState, command: ExtendPostingDeadline, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    if not state.posting_open or state.deadline is None:
        raise RuleViolation("STATE-POSTING-NOT-OPEN", "no open posting to extend", None)
    if command.new_deadline <= state.deadline:
        raise RuleViolation(
            "STATE-DEADLINE-NOT-LATER",
            "the new deadline must be later than the current one",
            "new_deadline",
        )
    check_deadline(command.new_deadline, now, "new_deadline")
    return [
        PostingDeadlineExtended(
            at=now,
            by=by,
            previous_deadline=state.deadline,
            new_deadline=command.new_deadline,
        )
    ]


def close_posting(
    state: RecruitmentState, command: ClosePosting, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    if not state.posting_open or state.deadline is None:
        raise RuleViolation("STATE-POSTING-NOT-OPEN", "the posting is not open", None)
    if command.reason is PostingCloseReason.deadline_passed:
        if now < state.deadline:
            raise RuleViolation(
                "STATE-DEADLINE-NOT-PASSED",
                f"the deadline {state.deadline.isoformat()} has not passed",
                "reason",
            )
        return [PostingClosed(at=now, by=by, reason=command.reason, rule="R-POST-4")]
    return [PostingClosed(at=now, by=by, reason=command.reason)]


def repost(state: RecruitmentState, command: Repost, now: datetime, by: str) -> list[DomainEvent]:
    in_stage(state, {Stage.screening, Stage.interviewing}, "re-post")
    if state.live_offer is not None:
        raise RuleViolation("STATE-OFFER-LIVE", "an offer is live", None)
    posting = _posting(state, command.details, now)
    return [
        Reposted(
            at=now,
            by=by,
            posting=posting,
            reason=command.reason,
            advice=tuple(lint_posting(posting)),
        )
    ]


def close_campaign(
    state: RecruitmentState, command: CloseCampaign, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, OPEN_STAGES | {Stage.approved}, "close the campaign")
    if state.live_offer is not None:
        raise RuleViolation(
            "STATE-OFFER-LIVE", "an offer is live: let it lapse or revoke it first", None
        )
    return [CampaignClosed(at=now, by=by, reason=command.reason)]


def cancel_campaign(
    state: RecruitmentState, command: CancelCampaign, now: datetime, by: str
) -> list[DomainEvent]:
    # the brief's lifecycle: cancellation is the approver's decision
    require_role(command.actor, "approver")
    not_ended(state)
    if state.stage is Stage.new:
        raise RuleViolation("STATE-STAGE", "there is no campaign to cancel", None)
    out: list[DomainEvent] = []
    if (live := state.live_offer) is not None:
        out.append(OfferLapsed(at=now, by=by, application_id=live, reason=OfferLapseReason.revoked))
    return [*out, CampaignCancelled(at=now, by=by, reason=command.reason)]


def _posting(state: RecruitmentState, details: PostingDetails, now: datetime) -> Posting:
    assert state.role is not None and state.municipality is not None
    if details.municipality.code != state.municipality.code:
        raise RuleViolation(
            "STATE-MUNICIPALITY-MISMATCH",
            "the posting's municipality differs from the campaign's",
            "details.municipality.code",
        )
    posting = Posting(role=state.role, details=details)
    validate_posting(posting, now)
    return posting
