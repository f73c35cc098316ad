"""Deciders of applications: receive (R-POST-4, R-SCR-4), withdraw, screen documents
(R-SCR-1), schedule and record interviews (R-SCR-2), shortlist and reject (R-SCR-3).
One function per command, registered in ``domain.recruitment``."""

from __future__ import annotations

from datetime import datetime

from domain import i18n
from domain.campaign_guards import (
    OPEN_STAGES,
    active_application,
    in_stage,
    not_ended,
)
from domain.commands import (
    CloseOutApplicants,
    ReceiveApplication,
    RecordInterview,
    RejectApplicant,
    ScheduleInterview,
    ScreenDocuments,
    ShortlistApplicant,
    WithdrawApplication,
)
from domain.errors import RuleViolation
from domain.events import (
    ApplicantContact,
    ApplicantRejected,
    ApplicantShortlisted,
    ApplicationReceived,
    ApplicationWithdrawn,
    DocumentScreeningCompleted,
    DomainEvent,
    InterviewRecorded,
    InterviewScheduled,
    OfferLapsed,
    OfferLapseReason,
)
from domain.screening import (
    RequirementResult,
    match_requirements,
    screening_outcome,
    unmet_requirements,
    validate_declaration,
    validate_interview_record,
    validate_rejection,
)
from domain.state import (
    INACTIVE_APPLICATION,
    TERMINAL_STAGES,
    ApplicationState,
    ApplicationStatus,
    RecruitmentState,
)

# an application in one of these needs nothing more (rejected, withdrawn, appointed)
CLOSED_APPLICATION = INACTIVE_APPLICATION | {ApplicationStatus.appointed}


def receive_application(
    state: RecruitmentState, command: ReceiveApplication, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
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
            contact=ApplicantContact(**command.contact.model_dump()),  # the recorded shape
            career_history=command.career_history,
            profile=command.profile,
            conflict_of_interest=command.conflict_of_interest,
        )
    ]


def withdraw_application(
    state: RecruitmentState, command: WithdrawApplication, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = active_application(state, command.application_id)
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


def screen_documents(
    state: RecruitmentState, command: ScreenDocuments, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, OPEN_STAGES, "screen documents")
    app = active_application(state, command.application_id)
    if app.status not in (ApplicationStatus.received, ApplicationStatus.screened):
        raise RuleViolation(
            "STATE-ALREADY-PAST-SCREENING",
            f"the application is {app.status.value}",
            "application_id",
        )
    if app.profile is None:
        raise RuleViolation("STATE-PERSONAL-DATA-ERASED", "the application's data was erased", None)
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


def schedule_interview(
    state: RecruitmentState, command: ScheduleInterview, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, OPEN_STAGES, "schedule an interview")
    app = active_application(state, command.application_id)
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


def record_interview(
    state: RecruitmentState, command: RecordInterview, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, OPEN_STAGES, "record an interview")
    app = active_application(state, command.application_id)
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


def shortlist_applicant(
    state: RecruitmentState, command: ShortlistApplicant, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, OPEN_STAGES, "shortlist")
    app = active_application(state, command.application_id)
    if app.status is ApplicationStatus.shortlisted:
        raise RuleViolation("STATE-ALREADY-SHORTLISTED", "already shortlisted", "application_id")
    if app.screening_outcome is None:
        raise RuleViolation("STATE-NOT-SCREENED", "screen the documents first", "application_id")
    if app.screening_outcome.value == "failed":
        unmet = unmet_requirements(app.screening_results or ())
        raise RuleViolation(
            "R-SCR-1",
            "required requirements not met: "
            + ("; ".join(f"{r.requirement_id} ({r.reason})" for r in unmet) or "(erased)")
            + "; record an officer's override at screening to proceed",
            "application_id",
            params={
                "errors": [
                    {
                        "field": "application_id",
                        "code": "R-SCR-1",
                        "requirement_id": r.requirement_id,
                        "message": r.reason,
                    }
                    for r in unmet
                ]
            },
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
        ApplicantShortlisted(at=now, by=by, application_id=app.application_id, note=command.note)
    ]


def reject_applicant(
    state: RecruitmentState, command: RejectApplicant, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = active_application(state, command.application_id)
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


def close_out_applicants(
    state: RecruitmentState, command: CloseOutApplicants, now: datetime, by: str
) -> list[DomainEvent]:
    """Every application still open after the campaign ended (appointed, closed, cancelled):
    not selected, one ``ApplicantRejected`` each (issue 11 point 1) — a campaign never
    ends with an application in a non-terminal stage."""
    if state.stage not in TERMINAL_STAGES:
        raise RuleViolation(
            "STATE-STAGE",
            f"close out the applicants once the campaign has ended, not in stage "
            f"{state.stage.value}: reject them one by one until then",
            None,
            params={"stage": i18n.label("stage", state.stage)},
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
        for app in state.applications.values()
        if app.status not in CLOSED_APPLICATION
    ]


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
