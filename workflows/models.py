"""Messages of Ninyo's workflows: one pydantic model per workflow input, update, signal and
query result. People's commands are the domain's own command models (``domain.commands``),
so the API, the workflows and the decide functions share one vocabulary.

Personal data of applicants only travels inside these models and the domain's, which the
payload codec encrypts before Temporal sees them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# the claim's updates take the domain's commands (domain.claim), importable from here too
from domain.commands import (
    AppointmentCommand,
    ApproveClaim,  # noqa: F401
    DraftClaimNow,  # noqa: F401
    RecordDecision,  # noqa: F401
    RecordSubmission,  # noqa: F401
    RecruitmentCommand,
    RedraftClaim,  # noqa: F401
)
from domain.events import Appointed
from domain.state import AppointmentState, RecruitmentState
from domain.values import Municipality

# A campaign command / an appointment command, discriminated by its ``kind``.
CampaignCommand = Annotated[RecruitmentCommand, Field(discriminator="kind")]
TermCommand = Annotated[AppointmentCommand, Field(discriminator="kind")]


class Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contacts(Msg):
    """Where reminders go: the officers' mailboxes (never an applicant's address)."""

    hr_officer: str = "hr@localhost"
    approver: str = "approver@localhost"


class CommandResult(Msg):
    """An accepted command: the types of the events it wrote and the stage after it, and
    the advice and warnings those events carry (issue 11 point 7: not only in the log)."""

    events: list[str]
    stage: str
    version: int
    findings: list[dict] = Field(default_factory=list)


# ---------------------------------------------------------------- recruitment campaign


class CampaignSlas(Msg):
    """Reminder timing of a campaign (interpretation: the manual names no durations)."""

    posting_reminders_before: list[timedelta] = Field(
        default_factory=lambda: [timedelta(days=7), timedelta(days=1)]
    )
    screening: timedelta = timedelta(days=14)  # received -> documents screened
    interview_feedback: timedelta = timedelta(days=3)  # interview -> record entered
    pledge_reminder_before: timedelta = timedelta(days=3)
    approval: timedelta = timedelta(days=3)  # role submitted -> approved or returned


class CarriedCampaign(Msg):
    """State carried across continue-as-new."""

    state: RecruitmentState
    versions: dict[str, int]
    fired: list[str]
    screening_reminded: list[str]
    deadline_set_at: dict[str, datetime] = Field(default_factory=dict)
    open_until: datetime | None = None
    runs: int


class CampaignInput(Msg):
    """Input of RecruitmentWorkflow: the HR officer's DefineRole (the first event)."""

    define: CampaignCommand  # a DefineRole
    contacts: Contacts = Field(default_factory=Contacts)
    slas: CampaignSlas = Field(default_factory=CampaignSlas)
    appointment_review_every: timedelta = timedelta(days=90)
    continue_as_new_after: int = Field(default=4000, ge=200)  # history events
    carried: CarriedCampaign | None = None


class ApplicationQuery(Msg):
    application_id: str


class CampaignView(Msg):
    """Live status of a campaign (query ``status``); no personal data."""

    workflow_id: str
    campaign_id: str
    municipality_code: str
    stage: str
    deadline: datetime | None
    posting_open: bool
    repost_count: int
    applications: int
    applications_by_status: dict[str, int]
    live_offer: str | None
    appointment_id: str | None
    appointment_workflow_id: str | None
    version: int
    reminders: list[str]
    runs: int
    # R-SKILL-5 advice and definition warnings of the role / posting (issue 11 point 7)
    advice: list[dict] = Field(default_factory=list)
    # the Japanese label of each code a person reads (issue 11 point 9): "stage",
    # "applications_by_status.<status>"
    labels: dict[str, str] = Field(default_factory=dict)


class CampaignReply(Msg):
    """Answer of the update ``command_view`` (the same command as ``command``): the accepted
    command and the campaign's status right after it, so the API needs no second round
    trip (a ``status`` query) after the update."""

    accepted: CommandResult
    status: CampaignView


# ---------------------------------------------------------------- appointment


class AppointmentSlas(Msg):
    review_every: timedelta = timedelta(days=90)  # R-READY 6 activity review (interpretation)
    readiness_before: timedelta = timedelta(days=14)  # reminder before the start date
    term_end_reminders_before: list[timedelta] = Field(
        default_factory=lambda: [timedelta(days=90), timedelta(days=30)]
    )
    # the claim's settle period (issue 11 point 3): after a fiscal year ends, the claim
    # drafts once no appointment of the municipality has reported for this long (the others
    # close their year on the same night); the officer may ask it to draft now
    claim_settle: timedelta = timedelta(days=1)


class CarriedAppointment(Msg):
    state: AppointmentState
    versions: dict[str, int]
    fired: list[str]
    claims: list[int]
    runs: int


class AppointmentInput(Msg):
    """Input of AppointmentWorkflow: the Appointed event (first event of its stream)."""

    appointed: Appointed
    campaign_workflow_id: str | None = None
    contacts: Contacts = Field(default_factory=Contacts)
    slas: AppointmentSlas = Field(default_factory=AppointmentSlas)
    fiscal_year: int  # the fiscal year this run covers (continue-as-new at its end)
    carried: CarriedAppointment | None = None


class AppointmentView(Msg):
    workflow_id: str
    appointment_id: str
    municipality_code: str
    status: str
    form: str
    term_start: date | None
    term_end: date | None
    fiscal_year: int
    readiness_confirmed: list[int]
    costs_by_fiscal_year: dict[int, int]
    claims: list[int]
    version: int
    reminders: list[str]
    runs: int
    # R-READY items not yet confirmed, as warnings (issue 11 point 7): in the status view,
    # not only in the log
    readiness_warnings: list[dict] = Field(default_factory=list)
    # the Japanese label of each code a person reads (issue 11 point 9): "status", "form"
    labels: dict[str, str] = Field(default_factory=dict)


class AppointmentReply(Msg):
    """Answer of the appointment's update ``command_view``: see ``CampaignReply``."""

    accepted: CommandResult
    status: AppointmentView


# ---------------------------------------------------------------- subsidy claim


class ClaimInput(Msg):
    """Input of SubsidyClaimWorkflow (one per municipality and fiscal year)."""

    municipality: Municipality
    fiscal_year: int
    contacts: Contacts = Field(default_factory=Contacts)
    # settle period (issue 11 point 3, AppointmentSlas.claim_settle): draft once no
    # appointment has reported for this long; ``draft_now`` ends it early
    settle: timedelta = timedelta(days=1)


class AppointmentYearClosed(Msg):
    """Signal ``appointment_year_closed``: an appointment closed the claim's fiscal year."""

    appointment_id: str


class ClaimAppointmentInput(Msg):
    """Activity ``ensure_claim``: signal-with-start of the claim from an appointment."""

    claim: ClaimInput
    appointment_id: str


class ClaimStarted(Msg):
    workflow_id: str
    already_closed: bool = False


class ClaimView(Msg):
    workflow_id: str
    municipality_code: str
    fiscal_year: int
    stage: str  # collecting | drafted | approved | submitted | decided
    assessment: dict | None
    amount_yen: int | None
    granted_yen: int | None
    appointments: list[str]
    version: int
    # what the claim waits for, and when it drafts by itself (issue 11 point 3)
    waits_for: str = ""
    drafts_at: datetime | None = None
    # the Japanese label of each code a person reads (issue 11 point 9): "stage"
    labels: dict[str, str] = Field(default_factory=dict)
