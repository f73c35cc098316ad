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
from datetime import date, datetime
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
    CostCategory,
    CostKind,
    CostRecorded,
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
    ReminderSent,
    Reposted,
    RoleApproved,
    RoleDefined,
    RoleReturned,
    RoleSubmittedForApproval,
    TermEnded,
    TermEndReason,
    TermRenewed,
)
from domain.posting import Posting, RoleDefinition
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


class CostEntry(Frozen):
    cost_id: str
    category: CostCategory
    kind: CostKind
    amount_yen: int
    paid_on: date
    fiscal_year: int


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

    @property
    def live_offer(self) -> str | None:
        """The application holding a live (made or accepted) offer, if any."""
        for app in self.applications.values():
            if app.has_live_offer:
                return app.application_id
        return None

    def application(self, application_id: str) -> ApplicationState | None:
        return self.applications.get(application_id)


def _derive_stage(s: RecruitmentState) -> Stage:
    if s.stage in _EXPLICIT:
        return s.stage
    offers = [a.offer.status for a in s.applications.values() if a.offer is not None]
    if OfferStatus.accepted in offers:
        return Stage.awaiting_pledges
    if OfferStatus.made in offers:
        return Stage.offering
    if s.posting_open:
        return Stage.posted
    if any(a.active and a.interviews for a in s.applications.values()):
        return Stage.interviewing
    return Stage.screening


def _with_app(s: RecruitmentState, app: ApplicationState) -> RecruitmentState:
    return s.model_copy(update={"applications": {**s.applications, app.application_id: app}})


def _update_app(s: RecruitmentState, application_id: str, **changes) -> RecruitmentState:
    app = s.applications.get(application_id)
    if app is None:  # an event about an unknown application: ignore (cannot happen via decide)
        return s
    return _with_app(s, app.model_copy(update=changes))


def _update_offer(s: RecruitmentState, application_id: str, **changes) -> RecruitmentState:
    app = s.applications.get(application_id)
    if app is None or app.offer is None:
        return s
    return _with_app(s, app.model_copy(update={"offer": app.offer.model_copy(update=changes)}))


def _cost(e: CostRecorded) -> CostEntry:
    return CostEntry(
        cost_id=e.cost_id,
        category=e.category,
        kind=e.kind,
        amount_yen=e.amount_yen,
        paid_on=e.paid_on,
        fiscal_year=e.fiscal_year,
    )


def apply_recruitment(s: RecruitmentState, e: DomainEvent) -> RecruitmentState:
    """One event applied to a campaign's state (pure)."""
    s = _apply(s, e).model_copy(update={"version": s.version + 1})
    stage = _derive_stage(s)
    return s if stage is s.stage else s.model_copy(update={"stage": stage})


def _apply(s: RecruitmentState, e: DomainEvent) -> RecruitmentState:  # noqa: C901 - a dispatch table
    match e:
        case RoleDefined():
            return s.model_copy(
                update={
                    "stage": Stage.draft,
                    "campaign_id": e.campaign_id,
                    "municipality": e.municipality,
                    "role": e.role,
                }
            )
        case RoleSubmittedForApproval():
            return s.model_copy(update={"stage": Stage.awaiting_approval})
        case RoleReturned():
            return s.model_copy(update={"stage": Stage.draft})
        case RoleApproved():
            return s.model_copy(update={"stage": Stage.approved, "role_approved_by": e.by})
        case PostingPublished() | Reposted():
            return s.model_copy(
                update={
                    "stage": Stage.posted,
                    "posting": e.posting,
                    "deadline": e.posting.deadline,
                    "posting_open": True,
                    "repost_count": s.repost_count + (1 if isinstance(e, Reposted) else 0),
                }
            )
        case PostingDeadlineExtended():
            return s.model_copy(update={"deadline": e.new_deadline})
        case PostingClosed():
            return s.model_copy(update={"posting_open": False})
        case CampaignClosed():
            return s.model_copy(
                update={"stage": Stage.closed, "posting_open": False, "end_reason": e.reason}
            )
        case CampaignCancelled():
            return s.model_copy(
                update={"stage": Stage.cancelled, "posting_open": False, "end_reason": e.reason}
            )
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
            return _with_app(s, app)
        case ApplicationWithdrawn():
            return _update_app(s, e.application_id, status=ApplicationStatus.withdrawn)
        case DocumentScreeningCompleted():
            app = s.applications.get(e.application_id)
            status = (
                ApplicationStatus.screened
                if app is not None and app.status is ApplicationStatus.received
                else (app.status if app else ApplicationStatus.screened)
            )
            return _update_app(
                s,
                e.application_id,
                screening_outcome=e.outcome,
                screening_results=e.results,
                status=status,
            )
        case InterviewScheduled():
            app = s.applications.get(e.application_id)
            if app is None:
                return s
            iv = InterviewState(interview_id=e.interview_id, scheduled_at=e.scheduled_at)
            status = (
                ApplicationStatus.interviewing
                if app.status in (ApplicationStatus.received, ApplicationStatus.screened)
                else app.status
            )
            return _with_app(
                s,
                app.model_copy(
                    update={"interviews": {**app.interviews, e.interview_id: iv}, "status": status}
                ),
            )
        case InterviewRecorded():
            app = s.applications.get(e.application_id)
            if app is None or e.interview_id not in app.interviews:
                return s
            iv = app.interviews[e.interview_id].model_copy(
                update={
                    "recorded": True,
                    "recommendation": e.record.recommendation if e.record else None,
                }
            )
            return _with_app(
                s, app.model_copy(update={"interviews": {**app.interviews, e.interview_id: iv}})
            )
        case ApplicantShortlisted():
            return _update_app(s, e.application_id, status=ApplicationStatus.shortlisted)
        case ApplicantRejected():
            return _update_app(
                s, e.application_id, status=ApplicationStatus.rejected, rejection_code=e.reason_code
            )
        case OfferApproved():
            offer = OfferState(
                status=OfferStatus.approved,
                terms=e.terms,
                approved_by=e.by,
                appointee_for_profit=e.appointee_for_profit,
                appointee_employer=e.appointee_employer,
            )
            return _update_app(s, e.application_id, offer=offer, pledges=None)
        case OfferMade():
            return _update_offer(
                s, e.application_id, status=OfferStatus.made, expires_at=e.expires_at
            )
        case OfferAccepted():
            return _update_offer(s, e.application_id, status=OfferStatus.accepted)
        case OfferDeclined():
            return _update_offer(s, e.application_id, status=OfferStatus.declined)
        case OfferLapsed():
            return _update_offer(
                s, e.application_id, status=OfferStatus.lapsed, lapse_reason=e.reason.value
            )
        case PledgeRequested():
            app = s.applications.get(e.application_id)
            if app is None:
                return s
            signed = app.pledges.signed if (e.reissue and app.pledges) else ()
            return _with_app(
                s,
                app.model_copy(
                    update={
                        "pledges": PledgeState(required=e.items, signed=signed, deadline=e.deadline)
                    }
                ),
            )
        case PledgeSigned():
            app = s.applications.get(e.application_id)
            if app is None or app.pledges is None:
                return s
            signed = app.pledges.signed + tuple(i for i in e.items if i not in app.pledges.signed)
            return _with_app(
                s,
                app.model_copy(
                    update={"pledges": app.pledges.model_copy(update={"signed": signed})}
                ),
            )
        case PledgeExpired():
            app = s.applications.get(e.application_id)
            if app is None or app.pledges is None:
                return s
            return _with_app(
                s,
                app.model_copy(
                    update={"pledges": app.pledges.model_copy(update={"expired": True})}
                ),
            )
        case ReadinessItemConfirmed():
            return s.model_copy(update={"readiness": {**s.readiness, e.item: e.note}})
        case Appointed():
            s = _update_app(s, e.application_id, status=ApplicationStatus.appointed)
            return s.model_copy(
                update={
                    "stage": Stage.appointed,
                    "posting_open": False,
                    "appointment_id": e.appointment_id,
                    "appointed_application_id": e.application_id,
                }
            )
        case CostRecorded():
            return s.model_copy(update={"costs": {**s.costs, e.cost_id: _cost(e)}})
        case ReminderSent():
            return s.model_copy(
                update={"reminders": {**s.reminders, f"{e.kind}:{e.subject_id}": e.at}}
            )
        case _:  # events of other streams (appointment term, subsidy) do not change a campaign
            return s


def fold_recruitment(
    events: Iterable[DomainEvent], state: RecruitmentState | None = None
) -> RecruitmentState:
    s = state if state is not None else RecruitmentState()
    for e in events:
        s = apply_recruitment(s, e)
    return s


# ============================================================== appointment


class AppointmentStatus(StrEnum):
    none = "none"  # no event yet
    active = "active"
    ended = "ended"


class AppointmentState(Frozen):
    status: AppointmentStatus = AppointmentStatus.none
    version: int = 0
    appointment_id: str | None = None
    campaign_id: str | None = None
    application_id: str | None = None
    municipality: Municipality | None = None
    appointee_id: str | None = None
    appointee_name: str | None = None
    appointee_employer: str | None = None
    appointee_for_profit: bool = False
    persona: str | None = None
    terms: OfferTerms | None = None
    term_start: date | None = None
    term_end: date | None = None  # current end, inclusive (after renewals)
    renewals: int = 0
    pledges_signed: tuple[str, ...] = ()
    readiness: dict[int, str] = {}
    activity_reviews: tuple[datetime, ...] = ()  # R-READY item 6 (recurring)
    costs: dict[str, CostEntry] = {}
    reminders: dict[str, datetime] = {}
    ended_on: date | None = None
    end_reason: TermEndReason | None = None

    def cost_by_fiscal_year(self, category: CostCategory | None = None) -> dict[int, int]:
        out: dict[int, int] = {}
        for c in self.costs.values():
            if category is None or c.category is category:
                out[c.fiscal_year] = out.get(c.fiscal_year, 0) + c.amount_yen
        return out


def apply_appointment(s: AppointmentState, e: DomainEvent) -> AppointmentState:
    s = _apply_appointment(s, e)
    return s.model_copy(update={"version": s.version + 1})


def _apply_appointment(s: AppointmentState, e: DomainEvent) -> AppointmentState:
    match e:
        case Appointed():
            return s.model_copy(
                update={
                    "status": AppointmentStatus.active,
                    "appointment_id": e.appointment_id,
                    "campaign_id": e.campaign_id,
                    "application_id": e.application_id,
                    "municipality": e.municipality,
                    "appointee_id": e.appointee_id,
                    "appointee_name": e.appointee_name,
                    "appointee_employer": e.appointee_employer,
                    "appointee_for_profit": e.appointee_for_profit,
                    "persona": e.persona,
                    "terms": e.terms,
                    "term_start": e.terms.term.start,
                    "term_end": e.terms.term.end,
                    "pledges_signed": e.pledges_signed,
                    "readiness": {
                        **s.readiness,
                        **{
                            i: "confirmed before appointment"
                            for i in e.readiness_confirmed
                            if i not in s.readiness
                        },
                    },
                }
            )
        case ReadinessItemConfirmed():
            update: dict = {"readiness": {**s.readiness, e.item: e.note}}
            if e.item == 6:
                update["activity_reviews"] = s.activity_reviews + (e.at,)
            return s.model_copy(update=update)
        case TermRenewed():
            return s.model_copy(update={"term_end": e.new_end, "renewals": s.renewals + 1})
        case TermEnded():
            return s.model_copy(
                update={
                    "status": AppointmentStatus.ended,
                    "ended_on": e.ended_on,
                    "end_reason": e.reason,
                }
            )
        case CostRecorded():
            return s.model_copy(update={"costs": {**s.costs, e.cost_id: _cost(e)}})
        case ReminderSent():
            return s.model_copy(
                update={"reminders": {**s.reminders, f"{e.kind}:{e.subject_id}": e.at}}
            )
        case _:
            return s


def fold_appointment(
    events: Iterable[DomainEvent], state: AppointmentState | None = None
) -> AppointmentState:
    s = state if state is not None else AppointmentState()
    for e in events:
        s = apply_appointment(s, e)
    return s
