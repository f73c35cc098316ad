"""Decide-functions of a recruitment campaign: ``decide(state, command, now) -> list[Event]``.

Pure: ``now`` (a timezone-aware instant) and every id come in as arguments. A refused
command raises :class:`RuleViolation` whose ``code`` is the rule ID of the domain brief
(``R-POST-4``, ``R-SCR-3``, ``R-PLEDGE-3``, ``R-FORM-5`` ...) or, for a pure state-machine
refusal, a ``STATE-...`` code; ``AUTH-ROLE`` when the actor's role may not issue it.
See ``domain/state.py`` for the stages.

``decide`` checks the instant and the writer (``domain.campaign_guards``), then calls the
one small function registered for the command's class in :data:`DECIDERS`:
``domain.campaign_posting`` (role, approval, posting, close/cancel),
``domain.campaign_applications`` (applications, screening, interviews) and
``domain.campaign_offers`` (offers, pledges, readiness, appointment, costs, reminders).
To add a command: write ``fn(state, command, now, by) -> list[DomainEvent]`` next to its
neighbours and register it here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain import campaign_applications as applications
from domain import campaign_offers as offers
from domain import campaign_posting as posting
from domain.bookkeeping import record_reminder
from domain.campaign_guards import (
    APPLICANT_COMMANDS,
    OPEN_STAGES,
    PRE_APPROVAL,
    check_now,
    check_writer,
)
from domain.commands import (
    Appoint,
    ApproveOffer,
    ApproveRole,
    CancelCampaign,
    CloseCampaign,
    CloseOutApplicants,
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
from domain.events import DomainEvent
from domain.guards import dispatch
from domain.state import RecruitmentState

__all__ = [
    "APPLICANT_COMMANDS",
    "DECIDERS",
    "OPEN_STAGES",
    "PRE_APPROVAL",
    "decide",
    "decide_recruitment",
]

Decider = Callable[[RecruitmentState, Any, datetime, str], list[DomainEvent]]

DECIDERS: dict[type[Command], Decider] = {
    # role and approval
    DefineRole: posting.define_role,
    SubmitRoleForApproval: posting.submit_role_for_approval,
    ReturnRole: posting.return_role,
    ApproveRole: posting.approve_role,
    # posting
    PublishPosting: posting.publish_posting,
    ExtendPostingDeadline: posting.extend_posting_deadline,
    ClosePosting: posting.close_posting,
    Repost: posting.repost,
    CloseCampaign: posting.close_campaign,
    CancelCampaign: posting.cancel_campaign,
    # applications
    ReceiveApplication: applications.receive_application,
    WithdrawApplication: applications.withdraw_application,
    ScreenDocuments: applications.screen_documents,
    ScheduleInterview: applications.schedule_interview,
    RecordInterview: applications.record_interview,
    ShortlistApplicant: applications.shortlist_applicant,
    RejectApplicant: applications.reject_applicant,
    CloseOutApplicants: applications.close_out_applicants,
    # offer, pledges, appointment
    ApproveOffer: offers.approve_offer,
    MakeOffer: offers.make_offer,
    RecordOfferAccepted: offers.record_offer_accepted,
    RecordOfferDeclined: offers.record_offer_declined,
    LapseOffer: offers.lapse_offer,
    SignPledge: offers.sign_pledge,
    ExpirePledges: offers.expire_pledges,
    ConfirmReadinessItem: offers.confirm_readiness_item,
    Appoint: offers.appoint,
    # costs and reminders
    RecordCost: offers.record_cost,
    RecordReminder: record_reminder,
}


def decide(state: RecruitmentState, command: Command, now: datetime) -> list[DomainEvent]:
    """The events ``command`` produces in ``state`` at ``now``, or a RuleViolation."""
    check_now(now)
    check_writer(state, command)
    return dispatch(DECIDERS, state, command, now, "a campaign command")


decide_recruitment = decide
