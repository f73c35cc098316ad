"""Guards shared by the campaign's deciders: who may write, in which stage, about which
application and offer. Each raises ``RuleViolation`` (``AUTH-*``, ``STATE-*``) or returns."""

from __future__ import annotations

__all__ = [
    "APPLICANT_COMMANDS",
    "OPEN_STAGES",
    "PRE_APPROVAL",
    "active_application",
    "check_now",
    "check_writer",
    "in_stage",
    "known_application",
    "not_ended",
    "offer_status",
    "require_role",
]


from domain.commands import (
    Command,
    ReceiveApplication,
    RecordOfferAccepted,
    RecordOfferDeclined,
    SignPledge,
    WithdrawApplication,
)
from domain.errors import RuleViolation
from domain.guards import check_now, require_role
from domain.state import (
    TERMINAL_STAGES,
    ApplicationState,
    ApplicationStatus,
    OfferStatus,
    RecruitmentState,
    Stage,
)

PRE_APPROVAL = frozenset({Stage.new, Stage.draft, Stage.awaiting_approval})
OPEN_STAGES = frozenset(
    {Stage.posted, Stage.screening, Stage.interviewing, Stage.offering, Stage.awaiting_pledges}
)


# ---------------------------------------------------------------- guards


APPLICANT_COMMANDS = (
    ReceiveApplication,
    WithdrawApplication,
    RecordOfferAccepted,
    RecordOfferDeclined,
    SignPledge,
)


def check_writer(state: RecruitmentState, command: Command) -> None:
    """Auditors read, never write. Applicants may apply, withdraw, answer an offer and sign
    pledges — for themselves only (``actor.id`` is their applicant id)."""
    actor = command.actor
    if actor.role != "applicant":
        require_role(actor, "hr_officer", "approver", "system")
        return
    if not isinstance(command, APPLICANT_COMMANDS):
        require_role(actor, "hr_officer", "approver", "system")
    if isinstance(command, ReceiveApplication):
        subject = command.applicant_id
    else:
        app = state.applications.get(command.application_id)
        subject = app.applicant_id if app is not None else None
    if subject is not None and subject != actor.id:
        raise RuleViolation(
            "AUTH-SUBJECT", "an applicant acts only on their own application", "actor.id"
        )


def not_ended(state: RecruitmentState) -> None:
    if state.stage in TERMINAL_STAGES:
        raise RuleViolation("STATE-CAMPAIGN-ENDED", f"the campaign is {state.stage.value}", None)


def in_stage(state: RecruitmentState, allowed: frozenset[Stage] | set[Stage], what: str) -> None:
    not_ended(state)
    if state.stage not in allowed:
        raise RuleViolation("STATE-STAGE", f"cannot {what} in stage {state.stage.value}", None)


def known_application(state: RecruitmentState, application_id: str) -> ApplicationState:
    app = state.applications.get(application_id)
    if app is None:
        raise RuleViolation(
            "STATE-APPLICATION-UNKNOWN",
            f"no application {application_id!r} in this campaign",
            "application_id",
        )
    return app


def active_application(state: RecruitmentState, application_id: str) -> ApplicationState:
    app = known_application(state, application_id)
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


def offer_status(app: ApplicationState, *allowed: OfferStatus, code: str, what: str) -> None:
    if app.offer is None or app.offer.status not in allowed:
        now = app.offer.status.value if app.offer else "none"
        raise RuleViolation(code, f"cannot {what}: the offer is {now}", "application_id")
