"""Decide-functions of a recruitment campaign: ``decide(state, command, now) -> list[Event]``.

Pure: ``now`` (a timezone-aware instant) and every id come in as arguments. A refused
command raises :class:`RuleViolation` whose ``code`` is the rule ID of the domain brief
(``R-POST-4``, ``R-SCR-3``, ``R-PLEDGE-3``, ``R-FORM-5`` ...) or, for a pure state-machine
refusal, a ``STATE-...`` code; ``AUTH-ROLE`` when the actor's role may not issue it.
See ``domain/state.py`` for the stages.
"""

from __future__ import annotations

from datetime import datetime

from domain import appointment_lifecycle as appointment_rules
from domain.bookkeeping import decide_cost, reminder_sent
from domain.commands import (
    Actor,
    Appoint,
    ApproveOffer,
    ApproveRole,
    CancelCampaign,
    CloseCampaign,
    ClosePosting,
    Command,
    ConfirmReadinessItem,
    DefineRole,
    ExpirePledges,
    ExtendPostingDeadline,
    LapseOffer,
    MakeOffer,
    PublishPosting,
    ReceiveApplication,
    RecordCost,
    RecordInterview,
    RecordOfferAccepted,
    RecordOfferDeclined,
    RecordReminder,
    RejectApplicant,
    Repost,
    ReturnRole,
    ScheduleInterview,
    ScreenDocuments,
    ShortlistApplicant,
    SignPledge,
    SubmitRoleForApproval,
    WithdrawApplication,
)
from domain.errors import RuleViolation
from domain.events import (
    ApplicantRejected,
    ApplicantShortlisted,
    ApplicationReceived,
    ApplicationWithdrawn,
    Appointed,
    CampaignCancelled,
    CampaignClosed,
    CostCategory,
    CostKind,
    DocumentScreeningCompleted,
    DomainEvent,
    InterviewRecorded,
    InterviewScheduled,
    OfferAccepted,
    OfferApproved,
    OfferDeclined,
    OfferLapsed,
    OfferLapseReason,
    OfferMade,
    PledgeExpired,
    PledgeRequested,
    PledgeSigned,
    PostingClosed,
    PostingCloseReason,
    PostingDeadlineExtended,
    PostingPublished,
    ReadinessItemConfirmed,
    Reposted,
    RoleApproved,
    RoleDefined,
    RoleReturned,
    RoleSubmittedForApproval,
)
from domain.posting import (
    Posting,
    PostingDetails,
    check_deadline,
    lint_posting,
    validate_posting,
    validate_role,
)
from domain.screening import (
    RequirementResult,
    match_requirements,
    screening_outcome,
    validate_declaration,
    validate_interview_record,
    validate_rejection,
)
from domain.state import (
    TERMINAL_STAGES,
    ApplicationState,
    ApplicationStatus,
    OfferStatus,
    RecruitmentState,
    Stage,
)

RECRUITMENT_COST_KINDS = frozenset({CostKind.agency_fee, CostKind.advertising, CostKind.other})
PRE_APPROVAL = frozenset({Stage.new, Stage.draft, Stage.awaiting_approval})
OPEN_STAGES = frozenset(
    {Stage.posted, Stage.screening, Stage.interviewing, Stage.offering, Stage.awaiting_pledges}
)


# ---------------------------------------------------------------- guards


def _check_now(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware instant")


def _require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise RuleViolation(
            "AUTH-ROLE",
            f"this command needs the role {' or '.join(roles)}, not {actor.role}",
            "actor.role",
        )


APPLICANT_COMMANDS = (
    ReceiveApplication,
    WithdrawApplication,
    RecordOfferAccepted,
    RecordOfferDeclined,
    SignPledge,
)


def _writer(state: RecruitmentState, command: Command) -> None:
    """Auditors read, never write. Applicants may apply, withdraw, answer an offer and sign
    pledges — for themselves only (``actor.id`` is their applicant id)."""
    actor = command.actor
    if actor.role != "applicant":
        _require_role(actor, "hr_officer", "approver", "system")
        return
    if not isinstance(command, APPLICANT_COMMANDS):
        _require_role(actor, "hr_officer", "approver", "system")
    if isinstance(command, ReceiveApplication):
        subject = command.applicant_id
    else:
        app = state.applications.get(command.application_id)
        subject = app.applicant_id if app is not None else None
    if subject is not None and subject != actor.id:
        raise RuleViolation(
            "AUTH-SUBJECT", "an applicant acts only on their own application", "actor.id"
        )


def _not_ended(state: RecruitmentState) -> None:
    if state.stage in TERMINAL_STAGES:
        raise RuleViolation("STATE-CAMPAIGN-ENDED", f"the campaign is {state.stage.value}", None)


def _stage(state: RecruitmentState, allowed: frozenset[Stage] | set[Stage], what: str) -> None:
    _not_ended(state)
    if state.stage not in allowed:
        raise RuleViolation("STATE-STAGE", f"cannot {what} in stage {state.stage.value}", None)


def _app(state: RecruitmentState, application_id: str) -> ApplicationState:
    app = state.applications.get(application_id)
    if app is None:
        raise RuleViolation(
            "STATE-APPLICATION-UNKNOWN",
            f"no application {application_id!r} in this campaign",
            "application_id",
        )
    return app


def _active_app(state: RecruitmentState, application_id: str) -> ApplicationState:
    app = _app(state, application_id)
    if app.status is ApplicationStatus.rejected:
        raise RuleViolation(
            "STATE-APPLICANT-REJECTED", "the applicant was rejected", "application_id"
        )
    if app.status is ApplicationStatus.withdrawn:
        raise RuleViolation(
            "STATE-APPLICATION-WITHDRAWN", "the application was withdrawn", "application_id"
        )
    if app.status is ApplicationStatus.appointed:
        raise RuleViolation(
            "STATE-APPLICANT-APPOINTED", "the applicant is already appointed", "application_id"
        )
    return app


def _offer_status(app: ApplicationState, *allowed: OfferStatus, code: str, what: str) -> None:
    if app.offer is None or app.offer.status not in allowed:
        now = app.offer.status.value if app.offer else "none"
        raise RuleViolation(code, f"cannot {what}: the offer is {now}", "application_id")


# ---------------------------------------------------------------- decide


def decide(state: RecruitmentState, command: Command, now: datetime) -> list[DomainEvent]:  # noqa: C901
    """The events ``command`` produces in ``state`` at ``now``, or a RuleViolation."""
    _check_now(now)
    _writer(state, command)
    by = command.actor.id
    match command:
        # ------------------------------------------------ role and approval
        case DefineRole():
            if state.stage not in (Stage.new, Stage.draft):
                raise RuleViolation(
                    "STATE-ROLE-LOCKED",
                    f"the role cannot be redefined in stage {state.stage.value}",
                    "role",
                )
            if state.campaign_id not in (None, command.campaign_id):
                raise RuleViolation(
                    "STATE-CAMPAIGN-MISMATCH", "another campaign's stream", "campaign_id"
                )
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
                    advice=tuple(lint_posting(command.role)),
                )
            ]
        case SubmitRoleForApproval():
            _stage(state, {Stage.draft}, "submit the role for approval")
            return [RoleSubmittedForApproval(at=now, by=by)]
        case ReturnRole():
            _require_role(command.actor, "approver")
            _stage(state, {Stage.awaiting_approval}, "return the role")
            return [RoleReturned(at=now, by=by, reason=command.reason)]
        case ApproveRole():
            _require_role(command.actor, "approver")
            _not_ended(state)
            if state.stage in (Stage.new, Stage.draft):
                raise RuleViolation(
                    "STATE-NOT-SUBMITTED", "the role must be submitted for approval first", None
                )
            _stage(state, {Stage.awaiting_approval}, "approve the role")
            return [RoleApproved(at=now, by=by)]

        # ------------------------------------------------ posting
        case PublishPosting():
            _not_ended(state)
            if state.stage in PRE_APPROVAL:
                raise RuleViolation(
                    "STATE-ROLE-NOT-APPROVED", "the role must be approved before it is posted", None
                )
            _stage(state, {Stage.approved}, "publish the posting")
            posting = _posting(state, command.details, now)
            return [
                PostingPublished(
                    at=now, by=by, posting=posting, advice=tuple(lint_posting(posting))
                )
            ]
        case ExtendPostingDeadline():
            _not_ended(state)
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
        case ClosePosting():
            _not_ended(state)
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
        case Repost():
            _stage(state, {Stage.screening, Stage.interviewing}, "re-post")
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
        case CloseCampaign():
            _stage(state, OPEN_STAGES | {Stage.approved}, "close the campaign")
            if state.live_offer is not None:
                raise RuleViolation(
                    "STATE-OFFER-LIVE", "an offer is live: let it lapse or revoke it first", None
                )
            return [CampaignClosed(at=now, by=by, reason=command.reason)]
        case CancelCampaign():
            # the brief's lifecycle: cancellation is the approver's decision
            _require_role(command.actor, "approver")
            _not_ended(state)
            if state.stage is Stage.new:
                raise RuleViolation("STATE-STAGE", "there is no campaign to cancel", None)
            out: list[DomainEvent] = []
            if (live := state.live_offer) is not None:
                out.append(
                    OfferLapsed(at=now, by=by, application_id=live, reason=OfferLapseReason.revoked)
                )
            return [*out, CampaignCancelled(at=now, by=by, reason=command.reason)]

        # ------------------------------------------------ applications
        case ReceiveApplication():
            _not_ended(state)
            if not state.posting_open or state.deadline is None:
                raise RuleViolation(
                    "STATE-POSTING-NOT-OPEN", "the posting is not open for applications", None
                )
            if now > state.deadline:
                raise RuleViolation(
                    "R-POST-4",
                    f"the application deadline {state.deadline.isoformat()} has passed",
                    None,
                )
            if command.application_id in state.applications:
                raise RuleViolation(
                    "STATE-APPLICATION-EXISTS",
                    "an application with this id exists",
                    "application_id",
                )
            validate_declaration(command.conflict_of_interest)
            return [
                ApplicationReceived(
                    at=now,
                    by=by,
                    application_id=command.application_id,
                    applicant_id=command.applicant_id,
                    channel=command.channel,
                    name=command.name,
                    contact=command.contact,
                    career_history=command.career_history,
                    profile=command.profile,
                    conflict_of_interest=command.conflict_of_interest,
                )
            ]
        case WithdrawApplication():
            _not_ended(state)
            app = _active_app(state, command.application_id)
            out = [
                ApplicationWithdrawn(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    reason=command.reason,
                )
            ]
            if app.has_live_offer:
                out.append(
                    OfferLapsed(
                        at=now,
                        by=by,
                        application_id=app.application_id,
                        reason=OfferLapseReason.withdrawn,
                    )
                )
            return out
        case ScreenDocuments():
            _stage(state, OPEN_STAGES, "screen documents")
            app = _active_app(state, command.application_id)
            if app.status not in (ApplicationStatus.received, ApplicationStatus.screened):
                raise RuleViolation(
                    "STATE-ALREADY-PAST-SCREENING",
                    f"the application is {app.status.value}",
                    "application_id",
                )
            if app.profile is None:
                raise RuleViolation(
                    "STATE-PERSONAL-DATA-ERASED", "the application's data was erased", None
                )
            assert state.posting is not None
            results = _with_overrides(
                match_requirements(state.posting.role.requirements, app.profile), command
            )
            return [
                DocumentScreeningCompleted(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    results=tuple(results),
                    outcome=screening_outcome(results),
                )
            ]
        case ScheduleInterview():
            _stage(state, OPEN_STAGES, "schedule an interview")
            app = _active_app(state, command.application_id)
            if app.screening_outcome is None:
                raise RuleViolation(
                    "STATE-NOT-SCREENED",
                    "screen the documents (R-SCR-1) before interviewing",
                    "application_id",
                )
            if command.interview_id in app.interviews:
                raise RuleViolation(
                    "STATE-INTERVIEW-EXISTS", "this interview is already scheduled", "interview_id"
                )
            return [
                InterviewScheduled(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    interview_id=command.interview_id,
                    scheduled_at=command.scheduled_at,
                    interviewers=command.interviewers,
                )
            ]
        case RecordInterview():
            _stage(state, OPEN_STAGES, "record an interview")
            app = _active_app(state, command.application_id)
            iv = app.interviews.get(command.interview_id)
            if iv is None:
                raise RuleViolation(
                    "STATE-INTERVIEW-UNKNOWN", "no such interview scheduled", "interview_id"
                )
            if iv.recorded:
                raise RuleViolation(
                    "STATE-INTERVIEW-RECORDED", "this interview is already recorded", "interview_id"
                )
            validate_interview_record(command.record, _employers(app))
            return [
                InterviewRecorded(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    interview_id=command.interview_id,
                    record=command.record,
                )
            ]
        case ShortlistApplicant():
            _stage(state, OPEN_STAGES, "shortlist")
            app = _active_app(state, command.application_id)
            if app.status is ApplicationStatus.shortlisted:
                raise RuleViolation(
                    "STATE-ALREADY-SHORTLISTED", "already shortlisted", "application_id"
                )
            if app.screening_outcome is None:
                raise RuleViolation(
                    "STATE-NOT-SCREENED", "screen the documents first", "application_id"
                )
            if app.screening_outcome.value == "failed":
                raise RuleViolation(
                    "R-SCR-1",
                    "a required requirement is not met; record an officer's override at screening to proceed",
                    "application_id",
                )
            assert state.posting is not None
            if state.posting.details.selection.interviews and not any(
                iv.recorded for iv in app.interviews.values()
            ):
                raise RuleViolation(
                    "STATE-NO-INTERVIEW",
                    "the selection method has interviews: record one first (R-SCR-2)",
                    "application_id",
                )
            return [
                ApplicantShortlisted(
                    at=now, by=by, application_id=app.application_id, note=command.note
                )
            ]
        case RejectApplicant():
            _not_ended(state)
            app = _active_app(state, command.application_id)
            if app.has_live_offer:
                raise RuleViolation(
                    "STATE-OFFER-LIVE",
                    "the applicant holds a live offer: revoke it first",
                    "application_id",
                )
            validate_rejection(command.reason)
            return [
                ApplicantRejected(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    reason_code=command.reason_code,
                    reason=command.reason,
                )
            ]

        # ------------------------------------------------ offer, pledges, appointment
        case ApproveOffer():
            _require_role(command.actor, "approver")
            _stage(state, OPEN_STAGES, "approve an offer")
            app = _active_app(state, command.application_id)
            if app.status is not ApplicationStatus.shortlisted:
                raise RuleViolation(
                    "STATE-NOT-SHORTLISTED",
                    "only a shortlisted applicant can be offered",
                    "application_id",
                )
            if app.has_live_offer:
                raise RuleViolation(
                    "STATE-OFFER-LIVE",
                    "this applicant already holds a live offer",
                    "application_id",
                )
            assert state.municipality is not None
            warnings = appointment_rules.check_offer_terms(
                command.terms,
                municipality=state.municipality,
                appointee_for_profit=command.appointee_for_profit,
                appointee_employer=command.appointee_employer,
            )
            return [
                OfferApproved(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    terms=command.terms,
                    appointee_for_profit=command.appointee_for_profit,
                    appointee_employer=command.appointee_employer,
                    warnings=tuple(warnings),
                )
            ]
        case MakeOffer():
            _stage(state, OPEN_STAGES, "make an offer")
            app = _active_app(state, command.application_id)
            live = state.live_offer
            if live is not None:
                raise RuleViolation(
                    "STATE-OFFER-LIVE",
                    f"an offer to application {live!r} is still live",
                    "application_id",
                )
            _offer_status(
                app, OfferStatus.approved, code="STATE-OFFER-NOT-APPROVED", what="make the offer"
            )
            if command.expires_at <= now:
                raise RuleViolation(
                    "STATE-OFFER-EXPIRY-PAST", "the offer must expire in the future", "expires_at"
                )
            return [
                OfferMade(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    expires_at=command.expires_at,
                )
            ]
        case RecordOfferAccepted():
            _not_ended(state)
            app = _active_app(state, command.application_id)
            _offer_status(app, OfferStatus.made, code="STATE-NO-OFFER", what="accept")
            assert app.offer is not None and app.offer.expires_at is not None
            if now > app.offer.expires_at:
                raise RuleViolation(
                    "STATE-OFFER-EXPIRED", "the offer has expired", "application_id"
                )
            if command.pledge_deadline <= now:
                raise RuleViolation(
                    "STATE-DEADLINE-PAST",
                    "the pledge deadline must be in the future",
                    "pledge_deadline",
                )
            items = appointment_rules.pledges_for(app.offer)
            out = [OfferAccepted(at=now, by=by, application_id=app.application_id)]
            if items:
                out.append(
                    PledgeRequested(
                        at=now,
                        by=by,
                        application_id=app.application_id,
                        items=items,
                        deadline=command.pledge_deadline,
                    )
                )
            return out
        case RecordOfferDeclined():
            _not_ended(state)
            app = _active_app(state, command.application_id)
            _offer_status(
                app, OfferStatus.made, OfferStatus.accepted, code="STATE-NO-OFFER", what="decline"
            )
            return [
                OfferDeclined(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    applicant_id=app.applicant_id,
                    reason=command.reason,
                )
            ]
        case LapseOffer():
            _not_ended(state)
            app = _app(state, command.application_id)
            if command.reason == "expired":
                _offer_status(
                    app, OfferStatus.made, code="STATE-NO-OFFER", what="let the offer lapse"
                )
                assert app.offer is not None and app.offer.expires_at is not None
                if now < app.offer.expires_at:
                    raise RuleViolation(
                        "STATE-OFFER-NOT-EXPIRED", "the offer has not expired yet", None
                    )
                reason = OfferLapseReason.expired
            else:
                _offer_status(
                    app,
                    OfferStatus.made,
                    OfferStatus.accepted,
                    code="STATE-NO-OFFER",
                    what="revoke the offer",
                )
                reason = OfferLapseReason.revoked
            return [OfferLapsed(at=now, by=by, application_id=app.application_id, reason=reason)]
        case SignPledge():
            _not_ended(state)
            app = _active_app(state, command.application_id)
            _offer_status(app, OfferStatus.accepted, code="STATE-NO-OFFER", what="sign pledges")
            if app.pledges is None:
                raise RuleViolation(
                    "STATE-PLEDGE-NOT-REQUESTED", "no pledge was requested", "items"
                )
            if app.pledges.expired:
                raise RuleViolation(
                    "R-PLEDGE-3", "the pledge request expired: it must be re-issued", "items"
                )
            requested = {p.item for p in app.pledges.required}
            for i, item in enumerate(command.items):
                if item not in requested:
                    raise RuleViolation(
                        "STATE-PLEDGE-NOT-REQUESTED",
                        f"{item!r} is not a requested pledge item",
                        f"items.{i}",
                    )
            new = tuple(dict.fromkeys(i for i in command.items if i not in app.pledges.signed))
            if not new:
                return []
            return [
                PledgeSigned(
                    at=now,
                    by=by,
                    application_id=app.application_id,
                    items=new,
                    signed_on=command.signed_on,
                )
            ]
        case ExpirePledges():
            _not_ended(state)
            app = _active_app(state, command.application_id)
            _offer_status(app, OfferStatus.accepted, code="STATE-NO-OFFER", what="expire pledges")
            p = app.pledges
            if p is None or p.expired:
                raise RuleViolation("STATE-PLEDGE-NOT-REQUESTED", "no pending pledge request", None)
            if not p.unsigned:
                raise RuleViolation(
                    "STATE-PLEDGES-COMPLETE", "every required pledge is signed", None
                )
            if now < p.deadline:
                raise RuleViolation(
                    "STATE-DEADLINE-NOT-PASSED", "the pledge deadline has not passed", None
                )
            out = [
                PledgeExpired(at=now, by=by, application_id=app.application_id, items=p.unsigned)
            ]
            if command.reissue_deadline is not None:
                if command.reissue_deadline <= now:
                    raise RuleViolation(
                        "STATE-DEADLINE-PAST",
                        "the new pledge deadline must be in the future",
                        "reissue_deadline",
                    )
                out.append(
                    PledgeRequested(
                        at=now,
                        by=by,
                        application_id=app.application_id,
                        items=p.required,
                        deadline=command.reissue_deadline,
                        reissue=True,
                    )
                )
            else:
                out.append(
                    OfferLapsed(
                        at=now,
                        by=by,
                        application_id=app.application_id,
                        reason=OfferLapseReason.pledge_expired,
                        rule="R-PLEDGE-3",
                    )
                )
            return out
        case ConfirmReadinessItem():
            _not_ended(state)
            if state.stage in PRE_APPROVAL:
                raise RuleViolation(
                    "STATE-STAGE", "readiness is confirmed once the role is approved", None
                )
            if command.item == 6:
                raise RuleViolation(
                    "STATE-READINESS-ITEM",
                    "item 6 (activity review) is confirmed on the appointment, after it starts",
                    "item",
                )
            return [ReadinessItemConfirmed(at=now, by=by, item=command.item, note=command.note)]
        case Appoint():
            _require_role(command.actor, "approver")
            _not_ended(state)
            app = _active_app(state, command.application_id)
            _offer_status(
                app, OfferStatus.accepted, code="STATE-OFFER-NOT-ACCEPTED", what="appoint"
            )
            assert (
                app.offer is not None and state.municipality is not None and state.role is not None
            )
            required = appointment_rules.pledges_for(app.offer)
            signed = app.pledges.signed if app.pledges is not None else ()
            missing = [p.item for p in required if p.item not in signed]
            if missing or (app.pledges is not None and app.pledges.expired):
                raise RuleViolation(
                    "R-PLEDGE-3",
                    f"appointment cannot be made while required pledges are unsigned: {', '.join(missing) or 'request expired'}",
                    "pledges",
                )
            warnings = appointment_rules.check_before_appointment(
                app.offer,
                municipality=state.municipality,
                pledges_signed=signed,
                readiness_confirmed=tuple(sorted(state.readiness)),
            )
            return [
                Appointed(
                    at=now,
                    by=by,
                    appointment_id=command.appointment_id,
                    campaign_id=state.campaign_id or "",
                    application_id=app.application_id,
                    appointee_id=app.applicant_id,
                    appointee_name=app.name,
                    appointee_employer=app.offer.appointee_employer,
                    appointee_for_profit=app.offer.appointee_for_profit,
                    municipality=state.municipality,
                    persona=state.role.persona,
                    terms=app.offer.terms,
                    pledges_signed=tuple(signed),
                    readiness_confirmed=tuple(sorted(state.readiness)),
                    warnings=tuple(warnings),
                )
            ]

        # ------------------------------------------------ costs and reminders
        case RecordCost():
            if state.stage is Stage.new:
                raise RuleViolation("STATE-STAGE", "there is no campaign yet", None)
            return decide_cost(
                command, now=now, by=by, category=CostCategory.recruitment,
                allowed_kinds=RECRUITMENT_COST_KINDS, recorded=state.costs, elsewhere="appointment",
            )
        case RecordReminder():
            return reminder_sent(command, now=now, by=by)
    raise RuleViolation(
        "STATE-UNKNOWN-COMMAND", f"{type(command).__name__} is not a campaign command", None
    )


decide_recruitment = decide


# ---------------------------------------------------------------- helpers


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


def _with_overrides(
    results: list[RequirementResult], cmd: ScreenDocuments
) -> list[RequirementResult]:
    by_id = {r.requirement_id: r for r in results}
    for i, o in enumerate(cmd.overrides):
        if o.requirement_id not in by_id:
            raise RuleViolation(
                "R-SCR-1",
                f"no requirement {o.requirement_id!r} in the role",
                f"overrides.{i}.requirement_id",
            )
        by_id[o.requirement_id] = by_id[o.requirement_id].model_copy(
            update={"verdict": o.verdict, "reason": o.note, "overridden": True}
        )
    return [by_id[r.requirement_id] for r in results]


def _employers(app: ApplicationState) -> tuple[str, ...]:
    names = [e.company for e in app.career_history or ()]
    if app.conflict_of_interest is not None:
        c = app.conflict_of_interest
        names += [e.company for e in (*c.current_employers, *c.past_employers)]
    return tuple(dict.fromkeys(names))
