"""Domain events of the whole lifecycle: recruitment campaign, applications, appointment
term, subsidy claim. Past tense, frozen, versioned.

Every event class has
- ``type: Literal["..."]`` (the stored type name) and ``schema_version: ClassVar[int]``;
- ``stream: ClassVar[str]`` — the stream kind it is written to (see docs/interfaces.md):
  ``recruitment`` (campaign), ``application`` (one applicant), ``appointment``, ``subsidy``;
  ``Appointed`` is written to the campaign stream and copied as the first event of the
  new appointment stream; ``ReadinessItemConfirmed``, ``CostRecorded`` and ``ReminderSent``
  may go to a campaign or an appointment stream;
- ``personal_fields`` / ``person_field``: top-level fields holding an applicant's or
  appointee's personal data, and the field naming that person (the crypto-shredding
  subject). After ``forget`` the store returns ``"[erased]"`` for them; :func:`parse_event`
  turns that into ``None``, so every personal field is typed ``X | None``;
- ``at`` (when it happened: the ``now`` given to the decide function) and ``by`` (the
  actor id, ``"system"`` for timers).

Events that carry a rule decision record the rule code (``rule`` / ``rules``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, Union

from pydantic import AwareDatetime, Field, TypeAdapter

from domain.costs import CostCategory, CostKind
from domain.findings import Finding
from domain.posting import (
    Advice,
    ChannelKind,
    Duty,
    DxInitiative,
    Pay,
    Posting,
    RoleDefinition,
    Term,
    is_cio_advisor,
)
from domain.screening import (
    ApplicantProfile,
    ConflictOfInterestDeclaration,
    Employment,
    InterviewRecord,
    RejectionReasonCode,
    RequirementResult,
    ScreeningOutcome,
)
from domain.skill_standard import Persona
from domain.values import AppointmentForm, Frozen, Municipality, Yen

ERASED = "[erased]"  # what the event store returns for a forgotten person's fields


class DomainEvent(Frozen):
    schema_version: ClassVar[int] = 1
    stream: ClassVar[str] = "recruitment"
    personal_fields: ClassVar[tuple[str, ...]] = ()
    person_field: ClassVar[str | None] = None

    at: AwareDatetime
    by: str = Field(min_length=1)


class OfferTerms(Frozen):
    """The conditions of an offer (and of the appointment that follows)."""

    form: AppointmentForm
    term: Term
    duties: tuple[Duty, ...]
    initiatives: tuple[DxInitiative, ...]
    pay: Pay
    advises_on_procurement: bool = False  # 新たなシステム調達への助言 (R-PLEDGE-2)


class ApplicantContact(Frozen):
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class PledgeRequirement(Frozen):
    item: str  # pledge item code (domain.pledges.PledgeItem value)
    rule: str  # R-PLEDGE-1 or R-PLEDGE-2


# ============================================================== campaign (recruitment stream)


class RoleDefined(DomainEvent):
    """A role was defined (or redefined while still a draft) — R-POST-1 checked."""

    type: Literal["RoleDefined"] = "RoleDefined"
    campaign_id: str
    municipality: Municipality
    role: RoleDefinition
    advice: tuple[Advice, ...] = ()  # R-SKILL-5 lint at definition time


class RoleSubmittedForApproval(DomainEvent):
    type: Literal["RoleSubmittedForApproval"] = "RoleSubmittedForApproval"
    # R-SKILL-3: a role with no skill requirement is warned again at submission (issue 11
    # point 7); the campaign's ``advice`` already holds it from the definition
    advice: tuple[Advice, ...] = ()


class RoleReturned(DomainEvent):
    """The approver sent the role back to draft."""

    type: Literal["RoleReturned"] = "RoleReturned"
    reason: str


class RoleApproved(DomainEvent):
    type: Literal["RoleApproved"] = "RoleApproved"


class PostingPublished(DomainEvent):
    type: Literal["PostingPublished"] = "PostingPublished"
    posting: Posting
    advice: tuple[Advice, ...] = ()  # R-SKILL-5
    rule: str = "R-POST-4"  # deadline checked to be in the future


class PostingDeadlineExtended(DomainEvent):
    type: Literal["PostingDeadlineExtended"] = "PostingDeadlineExtended"
    previous_deadline: AwareDatetime
    new_deadline: AwareDatetime
    rule: str = "R-POST-4"


class PostingCloseReason(StrEnum):
    deadline_passed = "deadline_passed"  # automatic, R-POST-4
    closed_by_officer = "closed_by_officer"


class PostingClosed(DomainEvent):
    type: Literal["PostingClosed"] = "PostingClosed"
    reason: PostingCloseReason
    rule: str | None = None


class Reposted(DomainEvent):
    """Published again (e.g. no suitable applicant); earlier applications stay on file."""

    type: Literal["Reposted"] = "Reposted"
    posting: Posting
    reason: str
    advice: tuple[Advice, ...] = ()
    rule: str = "R-POST-4"


class CampaignClosed(DomainEvent):
    """Ended without an appointment (no suitable applicant and no re-posting)."""

    type: Literal["CampaignClosed"] = "CampaignClosed"
    reason: str


class CampaignCancelled(DomainEvent):
    type: Literal["CampaignCancelled"] = "CampaignCancelled"
    reason: str


class OfferApproved(DomainEvent):
    """The approver approved offering ``terms`` to one shortlisted applicant (R-FORM checked)."""

    type: Literal["OfferApproved"] = "OfferApproved"
    personal_fields: ClassVar[tuple[str, ...]] = ("appointee_employer",)
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    terms: OfferTerms
    appointee_for_profit: bool  # works / long worked for a for-profit company (R-PLEDGE-2)
    appointee_employer: str | None
    warnings: tuple[Finding, ...] = ()
    rules: tuple[str, ...] = ("R-FORM",)


class OfferMade(DomainEvent):
    type: Literal["OfferMade"] = "OfferMade"
    application_id: str
    applicant_id: str
    expires_at: AwareDatetime


class OfferAccepted(DomainEvent):
    type: Literal["OfferAccepted"] = "OfferAccepted"
    application_id: str


class OfferDeclined(DomainEvent):
    type: Literal["OfferDeclined"] = "OfferDeclined"
    personal_fields: ClassVar[tuple[str, ...]] = ("reason",)
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    reason: str | None


class OfferLapseReason(StrEnum):
    expired = "expired"  # not answered by expires_at
    pledge_expired = "pledge_expired"  # R-PLEDGE-3
    withdrawn = "withdrawn"  # the applicant withdrew
    revoked = "revoked"  # the municipality revoked it


class OfferLapsed(DomainEvent):
    type: Literal["OfferLapsed"] = "OfferLapsed"
    application_id: str
    reason: OfferLapseReason
    rule: str | None = None


class PledgeRequested(DomainEvent):
    """Pledges the appointee must sign before appointment (R-PLEDGE-1/2), with a deadline."""

    type: Literal["PledgeRequested"] = "PledgeRequested"
    application_id: str
    items: tuple[PledgeRequirement, ...]
    deadline: AwareDatetime
    reissue: bool = False


class PledgeSigned(DomainEvent):
    type: Literal["PledgeSigned"] = "PledgeSigned"
    application_id: str
    items: tuple[str, ...] = Field(min_length=1)
    signed_on: date


class PledgeExpired(DomainEvent):
    """Required pledges were not signed by the deadline (R-PLEDGE-3)."""

    type: Literal["PledgeExpired"] = "PledgeExpired"
    application_id: str
    items: tuple[str, ...]
    rule: str = "R-PLEDGE-3"


class ReadinessItemConfirmed(DomainEvent):
    """One of the six acceptance-readiness checks (R-READY), confirmed with a note."""

    type: Literal["ReadinessItemConfirmed"] = "ReadinessItemConfirmed"
    item: int = Field(ge=1, le=6)
    note: str = Field(min_length=1)
    rule: str = "R-READY"


class Appointed(DomainEvent):
    """The appointment was made (R-PLEDGE-3 and R-FORM checked). First event of the
    appointment stream too."""

    type: Literal["Appointed"] = "Appointed"
    personal_fields: ClassVar[tuple[str, ...]] = ("appointee_name", "appointee_employer")
    person_field: ClassVar[str | None] = "appointee_id"
    appointment_id: str
    campaign_id: str
    application_id: str
    appointee_id: str
    appointee_name: str | None
    appointee_employer: str | None
    appointee_for_profit: bool
    municipality: Municipality
    persona: Persona
    terms: OfferTerms
    pledges_signed: tuple[str, ...]
    readiness_confirmed: tuple[int, ...]
    warnings: tuple[Finding, ...] = ()
    rules: tuple[str, ...] = ("R-PLEDGE-3", "R-FORM")
    # R-SUB-11: the role's CIO補佐官等 mark carried to the appointment (None in events
    # recorded before it: the persona's default, see ``counts_as_cio_advisor``)
    cio_advisor: bool | None = None

    @property
    def counts_as_cio_advisor(self) -> bool:
        return is_cio_advisor(self.cio_advisor, self.persona)


class CostRecorded(DomainEvent):
    type: Literal["CostRecorded"] = "CostRecorded"
    cost_id: str
    category: CostCategory
    kind: CostKind
    amount_yen: Yen = Field(ge=0)
    paid_on: date
    fiscal_year: int  # R-SUB-6: fiscal year of the accrual date when given, else the payment date
    note: str = ""
    rule: str = "R-SUB-6"
    accrual_date: date | None = None  # 地方自治法施行令143条 (turn 2)


class ReminderSent(DomainEvent):
    type: Literal["ReminderSent"] = "ReminderSent"
    kind: str  # e.g. posting_deadline, offer_expiry, pledge_deadline, activity_review
    subject_id: str  # what it is about (campaign, application or appointment id)
    due: AwareDatetime | None = None
    rule: str | None = None
    # who was reminded: the role whose mailbox received it (hr_officer, approver); the
    # address itself stays in the notification outbox. None on events recorded before it.
    recipient_role: str | None = None


# ============================================================== applications (application stream)


class ApplicationReceived(DomainEvent):
    type: Literal["ApplicationReceived"] = "ApplicationReceived"
    stream: ClassVar[str] = "application"
    personal_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "contact",
        "career_history",
        "profile",
        "conflict_of_interest",
    )
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    channel: ChannelKind
    name: str | None
    contact: ApplicantContact | None
    career_history: tuple[Employment, ...] | None
    profile: ApplicantProfile | None
    conflict_of_interest: ConflictOfInterestDeclaration | None
    rule: str = "R-SCR-4"  # declaration checked complete


class ApplicationWithdrawn(DomainEvent):
    type: Literal["ApplicationWithdrawn"] = "ApplicationWithdrawn"
    stream: ClassVar[str] = "application"
    personal_fields: ClassVar[tuple[str, ...]] = ("reason",)
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    reason: str | None


class DocumentScreeningCompleted(DomainEvent):
    """R-SCR-1: per requirement met / not_met / needs_interview."""

    type: Literal["DocumentScreeningCompleted"] = "DocumentScreeningCompleted"
    stream: ClassVar[str] = "application"
    personal_fields: ClassVar[tuple[str, ...]] = ("results",)
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    results: tuple[RequirementResult, ...] | None
    outcome: ScreeningOutcome
    rule: str = "R-SCR-1"


class InterviewScheduled(DomainEvent):
    type: Literal["InterviewScheduled"] = "InterviewScheduled"
    stream: ClassVar[str] = "application"
    application_id: str
    interview_id: str
    scheduled_at: AwareDatetime
    interviewers: tuple[str, ...] = ()


class InterviewRecorded(DomainEvent):
    """R-SCR-2: the record names concrete projects, positions and results."""

    type: Literal["InterviewRecorded"] = "InterviewRecorded"
    stream: ClassVar[str] = "application"
    personal_fields: ClassVar[tuple[str, ...]] = ("record",)
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    interview_id: str
    record: InterviewRecord | None
    rule: str = "R-SCR-2"


class ApplicantShortlisted(DomainEvent):
    type: Literal["ApplicantShortlisted"] = "ApplicantShortlisted"
    stream: ClassVar[str] = "application"
    application_id: str
    note: str = ""


class ApplicantRejected(DomainEvent):
    """R-SCR-3: every rejection carries a reason.

    v1 had only ``reason``; v2 adds ``reason_code`` (upcast: v1 rejections get ``other``).
    """

    schema_version: ClassVar[int] = 2
    type: Literal["ApplicantRejected"] = "ApplicantRejected"
    stream: ClassVar[str] = "application"
    personal_fields: ClassVar[tuple[str, ...]] = ("reason",)
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    reason_code: RejectionReasonCode
    reason: str | None
    rule: str = "R-SCR-3"


# ============================================================== appointment stream


class TermRenewed(DomainEvent):
    type: Literal["TermRenewed"] = "TermRenewed"
    stream: ClassVar[str] = "appointment"
    appointment_id: str
    previous_end: date
    new_end: date
    warnings: tuple[Finding, ...] = ()
    rules: tuple[str, ...] = ("R-FORM",)


class TermEndReason(StrEnum):
    expired = "expired"  # 任期満了
    resigned = "resigned"  # 辞職
    dismissed = "dismissed"  # 解職
    contract_ended = "contract_ended"


class TermEnded(DomainEvent):
    type: Literal["TermEnded"] = "TermEnded"
    stream: ClassVar[str] = "appointment"
    appointment_id: str
    ended_on: date
    reason: TermEndReason
    note: str = ""


# ============================================================== subsidy claim stream


class SubsidyAssessed(DomainEvent):
    """The R-SUB assessment of one fiscal year (the assessment contract's output)."""

    type: Literal["SubsidyAssessed"] = "SubsidyAssessed"
    stream: ClassVar[str] = "subsidy"
    fiscal_year: int
    eligible: bool
    total_measure_yen: Yen
    assessment: dict[str, Any]
    rules: tuple[str, ...] = ()


class SubsidyClaimDrafted(DomainEvent):
    type: Literal["SubsidyClaimDrafted"] = "SubsidyClaimDrafted"
    stream: ClassVar[str] = "subsidy"
    claim_id: str
    fiscal_year: int
    amount_yen: Yen = Field(ge=0)


class SubsidyClaimApproved(DomainEvent):
    type: Literal["SubsidyClaimApproved"] = "SubsidyClaimApproved"
    stream: ClassVar[str] = "subsidy"
    claim_id: str


class SubsidyClaimed(DomainEvent):
    type: Literal["SubsidyClaimed"] = "SubsidyClaimed"
    stream: ClassVar[str] = "subsidy"
    claim_id: str
    submitted_on: date


class SubsidyDecided(DomainEvent):
    type: Literal["SubsidyDecided"] = "SubsidyDecided"
    stream: ClassVar[str] = "subsidy"
    claim_id: str
    granted_yen: Yen = Field(ge=0)
    decided_on: date


# ============================================================== issued documents (document stream)


class DocumentIssued(DomainEvent):
    """A document (募集要項, 誓約書, letters, 辞令, 算定資料, 監査記録) was issued: its SHA-256,
    so an auditor can prove the PDF or HTML in hand is the one issued. Written by the
    documents service to ``document:{code}:{kind}:{subject}`` (no personal data: the
    document itself is not stored, only its hash)."""

    type: Literal["DocumentIssued"] = "DocumentIssued"
    stream: ClassVar[str] = "document"
    kind: str  # posting, pledge, offer, rejection, appointment_notice, subsidy, audit
    subject: str  # the stream the document was rendered from
    media_type: str  # application/pdf or text/html
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    source_position: int | None = None  # the last log position the document reflects
    title: str = ""


class ResumeReceived(DomainEvent):
    """A résumé (PDF) an applicant uploaded on the public application page, kept with the
    applicant's data key (``content`` is personal data: ``forget`` erases it with the rest).
    Written by the public page to ``document:{code}:resume:{campaign}:{application}``."""

    type: Literal["ResumeReceived"] = "ResumeReceived"
    stream: ClassVar[str] = "document"
    personal_fields: ClassVar[tuple[str, ...]] = ("content", "filename")
    person_field: ClassVar[str | None] = "applicant_id"
    application_id: str
    applicant_id: str
    filename: str | None
    content: str | None  # base64 of the PDF
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


# ============================================================== registry

EVENT_CLASSES: tuple[type[DomainEvent], ...] = (
    RoleDefined,
    RoleSubmittedForApproval,
    RoleReturned,
    RoleApproved,
    PostingPublished,
    PostingDeadlineExtended,
    PostingClosed,
    Reposted,
    CampaignClosed,
    CampaignCancelled,
    OfferApproved,
    OfferMade,
    OfferAccepted,
    OfferDeclined,
    OfferLapsed,
    PledgeRequested,
    PledgeSigned,
    PledgeExpired,
    ReadinessItemConfirmed,
    Appointed,
    CostRecorded,
    ReminderSent,
    ApplicationReceived,
    ApplicationWithdrawn,
    DocumentScreeningCompleted,
    InterviewScheduled,
    InterviewRecorded,
    ApplicantShortlisted,
    ApplicantRejected,
    TermRenewed,
    TermEnded,
    SubsidyAssessed,
    SubsidyClaimDrafted,
    SubsidyClaimApproved,
    SubsidyClaimed,
    SubsidyDecided,
    DocumentIssued,
    ResumeReceived,
)

# The one list above is the catalogue: the discriminated union and the type map follow from it.
Event = Annotated[Union[EVENT_CLASSES], Field(discriminator="type")]  # noqa: UP007

EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.model_fields["type"].default: cls for cls in EVENT_CLASSES
}
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def event_type(cls: type[DomainEvent]) -> str:
    return cls.model_fields["type"].default


# ---------------------------------------------------------------- upcasting

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _applicant_rejected_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v1 rejections had a free-text reason only; their code becomes ``other``."""
    return {**data, "reason_code": data.get("reason_code", RejectionReasonCode.other.value)}


_UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ApplicantRejected", 1): _applicant_rejected_v1_to_v2,
}


def upcasters() -> dict[tuple[str, int], Upcaster]:
    """``{(type, from_version): fn(data) -> data at from_version + 1}``."""
    return dict(_UPCASTERS)


def upcast(type_: str, schema_version: int, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Apply upcasters until the data is at the class's current schema version."""
    cls = EVENT_TYPES.get(type_)
    if cls is None:
        raise ValueError(f"unknown event type {type_!r}")
    version = schema_version
    while version < cls.schema_version:
        fn = _UPCASTERS.get((type_, version))
        if fn is None:
            raise ValueError(f"no upcaster for {type_} v{version}")
        data = fn(data)
        version += 1
    if version > cls.schema_version:
        raise ValueError(f"{type_} v{version} is newer than this code (v{cls.schema_version})")
    return version, data


# ---------------------------------------------------------------- (de)serialisation


def event_payload(event: DomainEvent) -> tuple[str, int, dict[str, Any]]:
    """``(type, schema_version, data)`` for ``eventstore.NewEvent`` (data is JSON-ready)."""
    data = event.model_dump(mode="json", exclude={"type"})
    return event.type, type(event).schema_version, data  # type: ignore[attr-defined]


to_new_event_fields = event_payload  # the name used in docs/interfaces.md


def parse_event(type_: str, data: dict[str, Any], schema_version: int | None = None) -> DomainEvent:
    """Rebuild an event from stored data (upcast first when ``schema_version`` is older).

    Erased personal fields (``"[erased]"``) come back as ``None``.
    """
    cls = EVENT_TYPES.get(type_)
    if cls is None:
        raise ValueError(f"unknown event type {type_!r}")
    if schema_version is not None:
        _, data = upcast(type_, schema_version, data)
    clean = {k: v for k, v in data.items() if k != "type"}
    for f in cls.personal_fields:
        if clean.get(f) == ERASED:
            clean[f] = None
    return cls.model_validate({**clean, "type": type_})


class PersonalSpec(NamedTuple):
    """Same shape as ``eventstore.PersonalFields`` (subject field, personal fields)."""

    subject: str
    fields: tuple[str, ...]


def personal_data_registry() -> dict[str, PersonalSpec]:
    """Event types carrying personal data: ``{type: PersonalSpec(subject, fields)}``."""
    out: dict[str, PersonalSpec] = {}
    for cls in EVENT_CLASSES:
        if cls.personal_fields:
            assert cls.person_field is not None, cls
            out[event_type(cls)] = PersonalSpec(cls.person_field, cls.personal_fields)
    return out
