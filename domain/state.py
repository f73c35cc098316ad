"""Fold events to state: a recruitment campaign with its applications, and an appointment.

``apply_recruitment(state, event)`` / ``apply_appointment(state, event)`` are pure and
incremental, so ``fold(events)`` gives the same state however the events are batched:
``fold(b, fold(a)) == fold(a + b)``. A campaign's events come from two kinds of streams
(the campaign stream and one stream per application) merged in global position order.

Campaign stages (``Stage``):

    new -> draft <-> awaiting_approval -> approved -> posted -> screening -> interviewing
        -> offering -> awaiting_pledges -> appointed
    any stage before appointed -> cancelled;  posted..awaiting_pledges -> closed
    (closed without appointment); screening/interviewing -> posted again by Reposted.

From ``posted`` on, the stage is derived from the applications: an accepted offer gives
``awaiting_pledges``; an offer made ``offering``; an open posting ``posted``; an interview
scheduled for an active application ``interviewing``; otherwise ``screening``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from domain.events import (
    ApplicantContact,
    ApplicantRejected,
    ApplicantShortlisted,
    ApplicationReceived,
    ApplicationWithdrawn,
    Appointed,
    CampaignCancelled,
    CampaignClosed,
    DocumentScreeningCompleted,
    DomainEvent,
    InterviewRecorded,
    InterviewScheduled,
    OfferAccepted,
    OfferApproved,
    OfferDeclined,
    OfferLapsed,
    OfferMade,
    OfferTerms,
    PledgeExpired,
    PledgeRequested,
    PledgeRequirement,
    PledgeSigned,
    PostingClosed,
    PostingDeadlineExtended,
    PostingPublished,
    ReadinessItemConfirmed,
    Reposted,
    RoleApproved,
    RoleDefined,
    RoleReturned,
    RoleSubmittedForApproval,
)
from domain.folding import CostEntry, apply_bookkeeping, draft_fold, freeze, own
from domain.posting import Advice, Posting, RoleDefinition
from domain.screening import (
    ApplicantProfile,
    ConflictOfInterestDeclaration,
    Employment,
    InterviewRecommendation,
    RejectionReasonCode,
    RequirementResult,
    ScreeningOutcome,
)
from domain.values import Frozen, Municipality


class Stage(StrEnum):
    new = "new"  # no event yet
    draft = "draft"  # role defined
    awaiting_approval = "awaiting_approval"
    approved = "approved"  # role approved, not yet posted
    posted = "posted"  # posting open for applications
    screening = "screening"  # posting closed, document screening
    interviewing = "interviewing"
    offering = "offering"  # an offer made, not yet answered
    awaiting_pledges = "awaiting_pledges"  # offer accepted, pledges / appointment pending
    appointed = "appointed"  # terminal: the appointment stream takes over
    closed = "closed"  # terminal: ended without appointment
    cancelled = "cancelled"  # terminal


TERMINAL_STAGES = frozenset({Stage.appointed, Stage.closed, Stage.cancelled})
_EXPLICIT = frozenset(
    {Stage.new, Stage.draft, Stage.awaiting_approval, Stage.approved} | TERMINAL_STAGES
)


class ApplicationStatus(StrEnum):
    received = "received"
    screened = "screened"
    interviewing = "interviewing"
    shortlisted = "shortlisted"
    rejected = "rejected"
    withdrawn = "withdrawn"
    appointed = "appointed"


INACTIVE_APPLICATION = frozenset({ApplicationStatus.rejected, ApplicationStatus.withdrawn})


class OfferStatus(StrEnum):
    approved = "approved"  # approved by the approver, not yet made
    made = "made"
    accepted = "accepted"
    declined = "declined"
    lapsed = "lapsed"


LIVE_OFFER = frozenset({OfferStatus.made, OfferStatus.accepted})


class InterviewState(Frozen):
    interview_id: str
    scheduled_at: datetime
    recorded: bool = False
    recommendation: InterviewRecommendation | None = None


class OfferState(Frozen):
    status: OfferStatus
    terms: OfferTerms
    approved_by: str
    appointee_for_profit: bool
    appointee_employer: str | None = None
    expires_at: datetime | None = None
    lapse_reason: str | None = None


class PledgeState(Frozen):
    required: tuple[PledgeRequirement, ...]
    signed: tuple[str, ...] = ()
    deadline: datetime
    expired: bool = False

    @property
    def unsigned(self) -> tuple[str, ...]:
        return tuple(p.item for p in self.required if p.item not in self.signed)


class ApplicationState(Frozen):
    application_id: str
    applicant_id: str
    received_at: datetime
    status: ApplicationStatus = ApplicationStatus.received
    # personal data (None once erased)
    name: str | None = None
    contact: ApplicantContact | None = None
    career_history: tuple[Employment, ...] | None = None
    profile: ApplicantProfile | None = None
    conflict_of_interest: ConflictOfInterestDeclaration | None = None
    # screening
    screening_outcome: ScreeningOutcome | None = None
    screening_results: tuple[RequirementResult, ...] | None = None
    interviews: dict[str, InterviewState] = {}
    rejection_code: RejectionReasonCode | None = None
    offer: OfferState | None = None
    pledges: PledgeState | None = None

    @property
    def active(self) -> bool:
        return self.status not in INACTIVE_APPLICATION

    @property
    def has_live_offer(self) -> bool:
        return self.offer is not None and self.offer.status in LIVE_OFFER


class RecruitmentState(Frozen):
    stage: Stage = Stage.new
    version: int = 0  # number of events folded
    campaign_id: str | None = None
    municipality: Municipality | None = None
    role: RoleDefinition | None = None
    role_approved_by: str | None = None
    posting: Posting | None = None
    deadline: datetime | None = None
    posting_open: bool = False
    repost_count: int = 0
    applications: dict[str, ApplicationState] = {}
    readiness: dict[int, str] = {}
    costs: dict[str, CostEntry] = {}
    reminders: dict[str, datetime] = {}
    appointment_id: str | None = None
    appointed_application_id: str | None = None
    end_reason: str | None = None
    # R-SKILL-5 advice and definition warnings (issue 11 point 7) of the latest role
    # definition, then of the published posting: shown in the status view
    advice: tuple[Advice, ...] = ()

    @property
    def live_offer(self) -> str | None:
        """The application holding a live (made or accepted) offer, if any."""
        for app in self.applications.values():
            if app.has_live_offer:
                return app.application_id
        return None

    def application(self, application_id: str) -> ApplicationState | None:
        return self.applications.get(application_id)


def _derive_stage(
    stage: Stage, applications: dict[str, ApplicationState], posting_open: bool
) -> Stage:
    if stage in _EXPLICIT:
        return stage
    offers = [a.offer.status for a in applications.values() if a.offer is not None]
    if OfferStatus.accepted in offers:
        return Stage.awaiting_pledges
    if OfferStatus.made in offers:
        return Stage.offering
    if posting_open:
        return Stage.posted
    if any(a.active and a.interviews for a in applications.values()):
        return Stage.interviewing
    return Stage.screening


def _set_app(f: dict, owned: set[str], app: ApplicationState) -> None:
    own(f, owned, "applications")[app.application_id] = app


def _update_app(f: dict, owned: set[str], application_id: str, **changes) -> None:
    app = f["applications"].get(application_id)
    if app is None:  # an event about an unknown application: ignore (cannot happen via decide)
        return
    _set_app(f, owned, app.model_copy(update=changes))


def _update_offer(f: dict, owned: set[str], application_id: str, **changes) -> None:
    app = f["applications"].get(application_id)
    if app is None or app.offer is None:
        return
    _set_app(f, owned, app.model_copy(update={"offer": app.offer.model_copy(update=changes)}))


def apply_recruitment(s: RecruitmentState, e: DomainEvent) -> RecruitmentState:
    """One event applied to a campaign's state (pure)."""
    return fold_recruitment((e,), s)


def _apply(f: dict, owned: set[str], e: DomainEvent) -> None:  # noqa: C901 - a dispatch table
    """Apply ``e`` to the draft ``f`` (see "folding" above)."""
    match e:
        case RoleDefined():
            f["stage"] = Stage.draft
            f["campaign_id"] = e.campaign_id
            f["municipality"] = e.municipality
            f["role"] = e.role
            f["advice"] = e.advice
        case RoleSubmittedForApproval():
            f["stage"] = Stage.awaiting_approval
        case RoleReturned():
            f["stage"] = Stage.draft
        case RoleApproved():
            f["stage"] = Stage.approved
            f["role_approved_by"] = e.by
        case PostingPublished() | Reposted():
            f["stage"] = Stage.posted
            f["posting"] = e.posting
            f["deadline"] = e.posting.deadline
            f["posting_open"] = True
            f["advice"] = e.advice
            if isinstance(e, Reposted):
                f["repost_count"] += 1
        case PostingDeadlineExtended():
            f["deadline"] = e.new_deadline
        case PostingClosed():
            f["posting_open"] = False
        case CampaignClosed():
            f["stage"] = Stage.closed
            f["posting_open"] = False
            f["end_reason"] = e.reason
        case CampaignCancelled():
            f["stage"] = Stage.cancelled
            f["posting_open"] = False
            f["end_reason"] = e.reason
        case ApplicationReceived():
            app = ApplicationState(
                application_id=e.application_id,
                applicant_id=e.applicant_id,
                received_at=e.at,
                name=e.name,
                contact=e.contact,
                career_history=e.career_history,
                profile=e.profile,
                conflict_of_interest=e.conflict_of_interest,
            )
            _set_app(f, owned, app)
        case ApplicationWithdrawn():
            _update_app(f, owned, e.application_id, status=ApplicationStatus.withdrawn)
        case DocumentScreeningCompleted():
            app = f["applications"].get(e.application_id)
            status = (
                ApplicationStatus.screened
                if app is not None and app.status is ApplicationStatus.received
                else (app.status if app else ApplicationStatus.screened)
            )
            _update_app(
                f,
                owned,
                e.application_id,
                screening_outcome=e.outcome,
                screening_results=e.results,
                status=status,
            )
        case InterviewScheduled():
            app = f["applications"].get(e.application_id)
            if app is None:
                return
            iv = InterviewState(interview_id=e.interview_id, scheduled_at=e.scheduled_at)
            status = (
                ApplicationStatus.interviewing
                if app.status in (ApplicationStatus.received, ApplicationStatus.screened)
                else app.status
            )
            _set_app(
                f,
                owned,
                app.model_copy(
                    update={"interviews": {**app.interviews, e.interview_id: iv}, "status": status}
                ),
            )
        case InterviewRecorded():
            app = f["applications"].get(e.application_id)
            if app is None or e.interview_id not in app.interviews:
                return
            iv = app.interviews[e.interview_id].model_copy(
                update={
                    "recorded": True,
                    "recommendation": e.record.recommendation if e.record else None,
                }
            )
            _set_app(
                f,
                owned,
                app.model_copy(update={"interviews": {**app.interviews, e.interview_id: iv}}),
            )
        case ApplicantShortlisted():
            _update_app(f, owned, e.application_id, status=ApplicationStatus.shortlisted)
        case ApplicantRejected():
            _update_app(
                f,
                owned,
                e.application_id,
                status=ApplicationStatus.rejected,
                rejection_code=e.reason_code,
            )
        case OfferApproved():
            offer = OfferState(
                status=OfferStatus.approved,
                terms=e.terms,
                approved_by=e.by,
                appointee_for_profit=e.appointee_for_profit,
                appointee_employer=e.appointee_employer,
            )
            _update_app(f, owned, e.application_id, offer=offer, pledges=None)
        case OfferMade():
            _update_offer(
                f, owned, e.application_id, status=OfferStatus.made, expires_at=e.expires_at
            )
        case OfferAccepted():
            _update_offer(f, owned, e.application_id, status=OfferStatus.accepted)
        case OfferDeclined():
            _update_offer(f, owned, e.application_id, status=OfferStatus.declined)
        case OfferLapsed():
            _update_offer(
                f, owned, e.application_id, status=OfferStatus.lapsed, lapse_reason=e.reason.value
            )
        case PledgeRequested():
            app = f["applications"].get(e.application_id)
            if app is None:
                return
            signed = app.pledges.signed if (e.reissue and app.pledges) else ()
            _set_app(
                f,
                owned,
                app.model_copy(
                    update={
                        "pledges": PledgeState(required=e.items, signed=signed, deadline=e.deadline)
                    }
                ),
            )
        case PledgeSigned():
            app = f["applications"].get(e.application_id)
            if app is None or app.pledges is None:
                return
            signed = app.pledges.signed + tuple(i for i in e.items if i not in app.pledges.signed)
            _set_app(
                f,
                owned,
                app.model_copy(
                    update={"pledges": app.pledges.model_copy(update={"signed": signed})}
                ),
            )
        case PledgeExpired():
            app = f["applications"].get(e.application_id)
            if app is None or app.pledges is None:
                return
            _set_app(
                f,
                owned,
                app.model_copy(
                    update={"pledges": app.pledges.model_copy(update={"expired": True})}
                ),
            )
        case ReadinessItemConfirmed():
            own(f, owned, "readiness")[e.item] = e.note
        case Appointed():
            _update_app(f, owned, e.application_id, status=ApplicationStatus.appointed)
            f["stage"] = Stage.appointed
            f["posting_open"] = False
            f["appointment_id"] = e.appointment_id
            f["appointed_application_id"] = e.application_id
        case _:  # costs, reminders; events of other streams (appointment term, subsidy) do not change a campaign
            apply_bookkeeping(f, owned, e)


# The stage is derived once, after the last event (``domain.folding`` has the draft
# mechanics): no event reads the stage, and deriving keeps an explicit stage (new, draft,
# ..., terminal) and maps every other one to a derived one, so deriving after every event
# or once after the last gives the same stage.
def fold_recruitment(
    events: Iterable[DomainEvent], state: RecruitmentState | None = None
) -> RecruitmentState:
    s = state if state is not None else RecruitmentState()
    f, n = draft_fold(s, events, _apply)
    if not n:
        return s
    f["stage"] = _derive_stage(f["stage"], f["applications"], f["posting_open"])
    return freeze(s, f, n)


# The appointment's state lives in domain.appointment_state; these names stay importable
# from here for the callers that fold both.
from domain.appointment_state import (  # noqa: E402
    AppointmentState,
    AppointmentStatus,
    apply_appointment,
    fold_appointment,
)

__all__ = [
    "TERMINAL_STAGES",
    "ApplicationState",
    "ApplicationStatus",
    "AppointmentState",
    "AppointmentStatus",
    "CostEntry",
    "InterviewState",
    "OfferState",
    "OfferStatus",
    "PledgeState",
    "RecruitmentState",
    "Stage",
    "apply_appointment",
    "apply_recruitment",
    "fold_appointment",
    "fold_recruitment",
]
