"""Commands for workflow tests, relative to the Temporal server's clock (the time-skipping
server starts at the real 'now'). Reuses the domain engineer's lifecycle builders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from domain.commands import (
    Appoint,
    ApproveOffer,
    ApproveRole,
    DefineRole,
    MakeOffer,
    PublishPosting,
    RecordInterview,
    RecordOfferAccepted,
    ScheduleInterview,
    ScreenDocuments,
    ShortlistApplicant,
    SignPledge,
    SubmitRoleForApproval,
)
from domain.fiscal import JST
from domain.posting import Term
from domain.values import Municipality
from tests.unit import lifecycle_builders as lb

OFFICER, APPROVER = lb.OFFICER, lb.APPROVER
NAME = lb.receive().name  # the applicant name the builders use (must never leak)

BANDAI = Municipality(
    name="磐梯町", kind="town", prefecture="福島県", population=3300, code="074055"
)


def municipality(code: str, prefecture: str = "福島県") -> Municipality:
    """A distinct municipality per test (claims are per municipality and fiscal year)."""
    return BANDAI.model_copy(update={"code": code, "prefecture": prefecture})


def jst_day(instant: datetime) -> date:
    return instant.astimezone(JST).date()


def term_from(now: datetime, days_ahead: int = 60, months: int = 18) -> Term:
    start = jst_day(now) + timedelta(days=days_ahead)
    end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1) - timedelta(days=1)
    return Term(start=start, end=end)


class Scenario:
    """One campaign's commands, with dates relative to ``now`` (the server's clock)."""

    def __init__(self, now: datetime, campaign_id: str = "c1", municipality: Municipality = BANDAI):
        self.now = now
        self.campaign_id = campaign_id
        self.municipality = municipality
        self.term = term_from(now)
        self.role = lb.role(term=self.term)

    def define(self) -> DefineRole:
        return DefineRole(
            actor=OFFICER, campaign_id=self.campaign_id, municipality=self.municipality,
            role=self.role,
        )

    def submit(self) -> SubmitRoleForApproval:
        return SubmitRoleForApproval(actor=OFFICER)

    def approve(self) -> ApproveRole:
        return ApproveRole(actor=APPROVER)

    def publish(self, deadline: datetime) -> PublishPosting:
        return PublishPosting(
            actor=OFFICER, details=lb.details(deadline=deadline, municipality=self.municipality)
        )

    def receive(self, application_id: str, **changes):
        return lb.receive(application_id, **changes)

    def screen(self, application_id: str) -> ScreenDocuments:
        return ScreenDocuments(actor=OFFICER, application_id=application_id)

    def schedule(self, application_id: str, at: datetime) -> ScheduleInterview:
        return ScheduleInterview(
            actor=OFFICER, application_id=application_id, interview_id=f"iv-{application_id}",
            scheduled_at=at,
        )

    def record(self, application_id: str) -> RecordInterview:
        return RecordInterview(
            actor=OFFICER, application_id=application_id, interview_id=f"iv-{application_id}",
            record=lb.good_record(),
        )

    def shortlist(self, application_id: str) -> ShortlistApplicant:
        return ShortlistApplicant(actor=OFFICER, application_id=application_id)

    def approve_offer(self, application_id: str) -> ApproveOffer:
        return ApproveOffer(
            actor=APPROVER, application_id=application_id, terms=lb.terms(term=self.term),
            appointee_for_profit=True, appointee_employer="Example Systems K.K.",
        )

    def make_offer(self, application_id: str, expires_at: datetime) -> MakeOffer:
        return MakeOffer(actor=OFFICER, application_id=application_id, expires_at=expires_at)

    def accept(self, application_id: str, pledge_deadline: datetime) -> RecordOfferAccepted:
        return RecordOfferAccepted(
            actor=OFFICER, application_id=application_id, pledge_deadline=pledge_deadline
        )

    def sign(self, application_id: str, items: list[str], on: date) -> SignPledge:
        # a pledge is signed on or before today (issue 11 point 4): the test server's clock
        # never runs behind the real one, so today's real JST date is never in its future
        today = datetime.now(UTC).astimezone(timezone(timedelta(hours=9))).date()
        return SignPledge(actor=OFFICER, application_id=application_id, items=tuple(items),
                          signed_on=min(on, today))

    def appoint(self, application_id: str, appointment_id: str = "ap1") -> Appoint:
        return Appoint(actor=APPROVER, application_id=application_id, appointment_id=appointment_id)


def notification(**changes):
    """A reminder notification to the HR officer (what the campaign workflow sends)."""
    import uuid

    from activities.models import Notification

    base = Notification(
        notification_id=uuid.uuid4(), to="hr@town.example.lg.jp",
        subject="【募集締切】7日後に応募締切です",
        body="CIO補佐官の応募締切は 令和8年12月10日（木）17時 です。",
        kind="reminder:posting_deadline_7d", municipality="074055",
        workflow_id="recruitment:074055:c1",
    )
    return base.model_copy(update=changes)
