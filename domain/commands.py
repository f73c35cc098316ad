"""Commands: what officers, approvers, applicants (through an officer) and timers ask for.

Frozen, ``extra="forbid"`` pydantic models; every command names its ``actor``. The
decide functions (``domain.recruitment.decide``, ``domain.appointment_lifecycle.decide``)
turn a command into events or refuse it with a ``RuleViolation``. Ids (campaign,
application, appointment, interview, cost, claim) are chosen by the caller and passed in.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from domain.events import ApplicantContact, CostKind, OfferTerms, PostingCloseReason, TermEndReason
from domain.posting import ChannelKind, PostingDetails, RoleDefinition
from domain.screening import (
    ApplicantProfile,
    ConflictOfInterestDeclaration,
    Employment,
    InterviewRecord,
    RejectionReasonCode,
    Verdict,
)
from domain.values import (
    Email,
    Frozen,
    Ident,
    Money,
    Municipality,
    PersonName,
    RequiredText,
    SaneDate,
    SaneDateTime,
    ShortText,
    Text,
    input_problems,
)

ActorRole = Literal["hr_officer", "approver", "auditor", "applicant", "system"]


class Actor(Frozen):
    """Who issues a command: a user id (never a name) and the role it acts in."""

    id: ShortText = Field(min_length=1)
    role: ActorRole


SYSTEM = Actor(id="system", role="system")


class ContactInput(ApplicantContact):
    """An applicant's contact as an officer enters it: a valid e-mail, bounded text."""

    email: Email | None = None
    phone: ShortText | None = None
    address: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_contact(cls, v: object) -> object:
        return v.model_dump() if isinstance(v, ApplicantContact) else v


class Command(Frozen):
    """Every command: its own fields bounded by their types (``domain.values``), and every
    string, number and date of its nested parts inside the input bounds (issue 10)."""

    actor: Actor

    @model_validator(mode="after")
    def _inside_input_bounds(self) -> Command:
        problems = input_problems(self)
        if problems:
            raise PydanticCustomError(
                "VAL-INPUT", "入力に使えない値があります: {fields}",
                {"fields": ", ".join(p.field for p in problems),
                 "problems": [p.as_dict() for p in problems]},
            )
        return self


# ============================================================== campaign


class DefineRole(Command):
    """HR officer: define (or, while still a draft, redefine) the role of a campaign."""

    kind: Literal["DefineRole"] = "DefineRole"
    campaign_id: Ident
    municipality: Municipality
    role: RoleDefinition


class SubmitRoleForApproval(Command):
    kind: Literal["SubmitRoleForApproval"] = "SubmitRoleForApproval"


class ReturnRole(Command):
    """Approver: send the role back to draft with a reason."""

    kind: Literal["ReturnRole"] = "ReturnRole"
    reason: RequiredText


class ApproveRole(Command):
    """Approver (CIO / mayor)."""

    kind: Literal["ApproveRole"] = "ApproveRole"


class PublishPosting(Command):
    kind: Literal["PublishPosting"] = "PublishPosting"
    details: PostingDetails


class ExtendPostingDeadline(Command):
    kind: Literal["ExtendPostingDeadline"] = "ExtendPostingDeadline"
    new_deadline: SaneDateTime


class ClosePosting(Command):
    """Timer (``deadline_passed``, R-POST-4) or HR officer (``closed_by_officer``)."""

    kind: Literal["ClosePosting"] = "ClosePosting"
    reason: PostingCloseReason


class Repost(Command):
    """Publish again after the posting closed without a suitable applicant."""

    kind: Literal["Repost"] = "Repost"
    details: PostingDetails
    reason: RequiredText


class CloseCampaign(Command):
    kind: Literal["CloseCampaign"] = "CloseCampaign"
    reason: RequiredText


class CancelCampaign(Command):
    kind: Literal["CancelCampaign"] = "CancelCampaign"
    reason: RequiredText


# ============================================================== applications


class ReceiveApplication(Command):
    """HR officer (or the application form, as the applicant) records an application."""

    kind: Literal["ReceiveApplication"] = "ReceiveApplication"
    application_id: Ident
    applicant_id: Ident
    channel: ChannelKind
    name: PersonName
    contact: ContactInput
    career_history: tuple[Employment, ...] = ()
    profile: ApplicantProfile
    conflict_of_interest: ConflictOfInterestDeclaration


class WithdrawApplication(Command):
    kind: Literal["WithdrawApplication"] = "WithdrawApplication"
    application_id: Ident
    reason: Text = ""


class RequirementOverride(Frozen):
    """An officer's judgement replacing the automatic verdict for one requirement."""

    requirement_id: Ident
    verdict: Verdict
    note: RequiredText


class ScreenDocuments(Command):
    """R-SCR-1: match the application against the role's requirements."""

    kind: Literal["ScreenDocuments"] = "ScreenDocuments"
    application_id: Ident
    overrides: tuple[RequirementOverride, ...] = ()


class ScheduleInterview(Command):
    kind: Literal["ScheduleInterview"] = "ScheduleInterview"
    application_id: Ident
    interview_id: Ident
    scheduled_at: SaneDateTime
    interviewers: tuple[ShortText, ...] = Field(default=(), max_length=20)


class RecordInterview(Command):
    """R-SCR-2: record concrete projects, positions and results."""

    kind: Literal["RecordInterview"] = "RecordInterview"
    application_id: Ident
    interview_id: Ident
    record: InterviewRecord


class ShortlistApplicant(Command):
    kind: Literal["ShortlistApplicant"] = "ShortlistApplicant"
    application_id: Ident
    note: Text = ""


class RejectApplicant(Command):
    """R-SCR-3: the reason is checked by the decide function (so the refusal names the rule)."""

    kind: Literal["RejectApplicant"] = "RejectApplicant"
    application_id: Ident
    reason_code: RejectionReasonCode
    reason: Text = ""


class CloseOutApplicants(Command):
    """Issue 11 point 1: once the campaign has appointed (or closed, or been cancelled),
    every application still open is not selected — one ``ApplicantRejected`` each, with the
    reason code and the notice text recorded per applicant (R-SCR-3)."""

    kind: Literal["CloseOutApplicants"] = "CloseOutApplicants"
    reason_code: RejectionReasonCode = RejectionReasonCode.another_candidate_selected
    reason: Text = "慎重に選考した結果、他の候補者を選定しました。今回は採用を見送らせていただきます。"


# ============================================================== offer, pledges, appointment


class ApproveOffer(Command):
    """Approver: approve offering ``terms`` to a shortlisted applicant (R-FORM checked)."""

    kind: Literal["ApproveOffer"] = "ApproveOffer"
    application_id: Ident
    # None (issue 11 point 5): the role's and posting's form, term, duties, initiatives and
    # pay — not typed a third time; ``advises_on_procurement`` then says the one thing the
    # role does not
    terms: OfferTerms | None = None
    appointee_for_profit: bool  # works / long worked for a for-profit company
    appointee_employer: ShortText | None = None
    advises_on_procurement: bool = False


class MakeOffer(Command):
    kind: Literal["MakeOffer"] = "MakeOffer"
    application_id: Ident
    expires_at: SaneDateTime


class RecordOfferAccepted(Command):
    """The applicant accepted; pledges are requested with ``pledge_deadline`` (R-PLEDGE-1/2)."""

    kind: Literal["RecordOfferAccepted"] = "RecordOfferAccepted"
    application_id: Ident
    pledge_deadline: SaneDateTime


class RecordOfferDeclined(Command):
    kind: Literal["RecordOfferDeclined"] = "RecordOfferDeclined"
    application_id: Ident
    reason: Text = ""


class LapseOffer(Command):
    """Timer at ``expires_at`` (``expired``), or the officer revoking (``revoked``)."""

    kind: Literal["LapseOffer"] = "LapseOffer"
    application_id: Ident
    reason: Literal["expired", "revoked"] = "expired"


class SignPledge(Command):
    kind: Literal["SignPledge"] = "SignPledge"
    application_id: Ident
    items: tuple[ShortText, ...] = Field(min_length=1, max_length=50)
    signed_on: SaneDate


class ExpirePledges(Command):
    """Timer at the pledge deadline (R-PLEDGE-3): the offer lapses, or — when
    ``reissue_deadline`` is given — the pledges are re-issued with a new deadline."""

    kind: Literal["ExpirePledges"] = "ExpirePledges"
    application_id: Ident
    reissue_deadline: SaneDateTime | None = None


class ConfirmReadinessItem(Command):
    """R-READY: confirm one of the six readiness checks with a note."""

    kind: Literal["ConfirmReadinessItem"] = "ConfirmReadinessItem"
    item: int = Field(ge=1, le=6)
    note: RequiredText


class Appoint(Command):
    """Approver: make the appointment (R-PLEDGE-3, R-FORM)."""

    kind: Literal["Appoint"] = "Appoint"
    application_id: Ident
    appointment_id: Ident


class RecordCost(Command):
    """A payment: recruitment costs on the campaign, appointment costs on the appointment."""

    kind: Literal["RecordCost"] = "RecordCost"
    cost_id: Ident
    cost_kind: CostKind
    amount_yen: Money
    paid_on: SaneDate
    note: Text = ""
    # the day the obligation arose (地方自治法施行令143条): decides the fiscal year (R-SUB-6)
    accrual_date: SaneDate | None = None


class RecordReminder(Command):
    kind: Literal["RecordReminder"] = "RecordReminder"
    reminder_kind: ShortText
    subject_id: ShortText  # system-made, may be composite ("a2/iv-a2"): not a user id
    due: SaneDateTime | None = None
    rule: ShortText | None = None
    recipient_role: ShortText | None = None


# ============================================================== appointment term


class RenewTerm(Command):
    """Approver: extend the term to ``new_end`` (inclusive) within the R-FORM limits."""

    kind: Literal["RenewTerm"] = "RenewTerm"
    new_end: SaneDate


class EndTerm(Command):
    kind: Literal["EndTerm"] = "EndTerm"
    ended_on: SaneDate
    reason: TermEndReason
    note: Text = ""


# ============================================================== subsidy claim (domain.claim)


class DraftClaim(Command):
    """Draft (or draft again) the year's claim from its assessment: the system once the
    appointments have reported, or an HR officer's redraft. ``assessment`` is the R-SUB
    assessment of the year's costs (the assessment contract's output, contracts.md)."""

    kind: Literal["DraftClaim"] = "DraftClaim"
    assessment: dict[str, Any]


class ApproveClaim(Command):
    """Approver: approve the drafted claim."""

    kind: Literal["ApproveClaim"] = "ApproveClaim"


class RedraftClaim(Command):
    """Re-gather the year's costs (e.g. a late payment) before approval."""

    kind: Literal["RedraftClaim"] = "RedraftClaim"


class DraftClaimNow(Command):
    """The HR officer asks a collecting claim to draft now, without waiting out its settle
    period (issue 11 point 3)."""

    kind: Literal["DraftClaimNow"] = "DraftClaimNow"


class RecordSubmission(Command):
    kind: Literal["RecordSubmission"] = "RecordSubmission"
    submitted_on: SaneDate


class RecordDecision(Command):
    kind: Literal["RecordDecision"] = "RecordDecision"
    decided_on: SaneDate
    granted_yen: Money


ClaimCommand = (
    DraftClaim | ApproveClaim | RedraftClaim | DraftClaimNow | RecordSubmission | RecordDecision
)

RecruitmentCommand = (
    DefineRole
    | SubmitRoleForApproval
    | ReturnRole
    | ApproveRole
    | PublishPosting
    | ExtendPostingDeadline
    | ClosePosting
    | Repost
    | CloseCampaign
    | CancelCampaign
    | ReceiveApplication
    | WithdrawApplication
    | ScreenDocuments
    | ScheduleInterview
    | RecordInterview
    | ShortlistApplicant
    | RejectApplicant
    | CloseOutApplicants
    | ApproveOffer
    | MakeOffer
    | RecordOfferAccepted
    | RecordOfferDeclined
    | LapseOffer
    | SignPledge
    | ExpirePledges
    | ConfirmReadinessItem
    | Appoint
    | RecordCost
    | RecordReminder
)

AppointmentCommand = ConfirmReadinessItem | RenewTerm | EndTerm | RecordCost | RecordReminder
