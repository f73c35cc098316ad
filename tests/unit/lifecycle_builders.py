"""Builders for lifecycle tests: commands with sensible defaults and a campaign driven
through ``domain.recruitment.decide`` (events are produced by the rules, never hand-made)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain import recruitment
from domain.appointment import Duty
from domain.commands import (
    Actor,
    Appoint,
    ApproveOffer,
    ApproveRole,
    ClosePosting,
    DefineRole,
    MakeOffer,
    PublishPosting,
    ReceiveApplication,
    RecordInterview,
    RecordOfferAccepted,
    ScheduleInterview,
    ScreenDocuments,
    ShortlistApplicant,
    SignPledge,
    SubmitRoleForApproval,
)
from domain.events import ApplicantContact, OfferTerms, PostingCloseReason
from domain.posting import (
    Channel,
    ChannelKind,
    Contact,
    DxInitiative,
    Pay,
    PayUnit,
    PostingDetails,
    RoleDefinition,
    SelectionMethod,
    Term,
    WorkStyle,
)
from domain.screening import (
    ApplicantProfile,
    ConflictOfInterestDeclaration,
    CorporateGroup,
    Employment,
    ExperienceClaim,
    InterviewRecommendation,
    InterviewRecord,
    ProjectEvidence,
    QualificationHeld,
)
from domain.skill_standard import (
    ExperienceCriterion,
    ExperienceKind,
    Importance,
    IpaExam,
    LevelCriterion,
    Persona,
    QualificationCriterion,
    Requirement,
    SkillFramework,
)
from domain.state import RecruitmentState, apply_recruitment
from domain.values import AppointmentForm, Municipality

T0 = datetime(2024, 4, 1, 0, 0, tzinfo=UTC)
OFFICER = Actor(id="officer-1", role="hr_officer")
APPROVER = Actor(id="deputy-mayor", role="approver")
AUDITOR = Actor(id="auditor-1", role="auditor")
SYSTEM = Actor(id="system", role="system")

SAKATA = Municipality(
    name="酒田市", kind="city", prefecture="山形県", population=100000, code="062049"
)


def requirements() -> tuple[Requirement, ...]:
    return (
        Requirement(
            id="level",
            importance=Importance.required,
            any_of=(
                LevelCriterion(
                    framework=SkillFramework.uiss, field="business_strategist", min_level=4
                ),
                QualificationCriterion(exam=IpaExam.SA),
            ),
            text="UISS ビジネスストラテジスト レベル4相当以上 又は システムアーキテクト試験合格",
        ),
        Requirement(
            id="reform",
            importance=Importance.preferred,
            any_of=(
                ExperienceCriterion(experience=ExperienceKind.ict_business_reform, min_years=3),
            ),
            text="ICTを活用した業務改革を担った経験（3年以上）",
        ),
    )


def role(**changes) -> RoleDefinition:
    base = RoleDefinition(
        title="CIO補佐官",
        persona=Persona.producer,
        duties=(Duty(kind="advice", text="DX推進計画の策定への助言"),),
        initiatives=(DxInitiative.bpr, DxInitiative.online_procedures),
        form=AppointmentForm.special_part_time,
        work_style=WorkStyle(days_per_month=4, remote_allowed=True, side_job_allowed=True),
        pay=Pay(amount_yen=300_000, unit=PayUnit.month),
        term=Term(start=date(2024, 7, 1), end=date(2025, 3, 31)),
        requirements=requirements(),
    )
    return base.model_copy(update=changes)


def details(deadline: datetime | None = None, **changes) -> PostingDetails:
    base = PostingDetails(
        municipality=SAKATA,
        deadline=deadline or T0 + timedelta(days=30),
        selection=SelectionMethod(document_review=True, essay=False, interviews=1),
        contact=Contact(department="デジタル変革戦略室", email="dx@example.lg.jp"),
        channels=(
            Channel(kind=ChannelKind.own_website),
            Channel(kind=ChannelKind.agency, name="Example Agency"),
        ),
    )
    return base.model_copy(update=changes)


def declaration(**changes) -> ConflictOfInterestDeclaration:
    base = ConflictOfInterestDeclaration(
        current_employers=(Employment(company="Example Systems K.K.", from_date=date(2016, 4, 1)),),
        past_employers=(
            Employment(company="Old Corp", from_date=date(2010, 4, 1), to_date=date(2016, 3, 31)),
        ),
        side_jobs=(),
        groups=(
            CorporateGroup(parent="Example Holdings", members=("Example Systems K.K.",)),
            CorporateGroup(parent=None, members=("Old Corp",)),
        ),
        declared_on=date(2024, 4, 2),
    )
    return base.model_copy(update=changes)


def strong_profile() -> ApplicantProfile:
    return ApplicantProfile(
        qualifications=(QualificationHeld(exam=IpaExam.ST, passed_year=2015),),
        experiences=(
            ExperienceClaim(
                kind=ExperienceKind.ict_business_reform,
                years=6,
                description="基幹業務のBPRとRPA導入を主導",
                fields=("uiss:business_strategist",),
            ),
        ),
    )


def receive(
    application_id: str = "a1", profile: ApplicantProfile | None = None, **changes
) -> ReceiveApplication:
    base = ReceiveApplication(
        actor=OFFICER,
        application_id=application_id,
        applicant_id=f"person-{application_id}",
        channel=ChannelKind.agency,
        name="山田 太郎",
        contact=ApplicantContact(email="taro@example.com"),
        career_history=(Employment(company="Example Systems K.K.", from_date=date(2016, 4, 1)),),
        profile=profile or strong_profile(),
        conflict_of_interest=declaration(),
    )
    return base.model_copy(update=changes)


def good_record() -> InterviewRecord:
    return InterviewRecord(
        projects=(
            ProjectEvidence(
                project="県内12市町村の基幹系システム標準化移行",
                position="PMO責任者",
                result="予定より2か月早く移行完了、運用費を年15%削減",
                employer="Example Systems K.K.",
                years=3,
            ),
        ),
        assessment="標準化の実務に精通",
        recommendation=InterviewRecommendation.proceed,
    )


def terms(**changes) -> OfferTerms:
    r = role()
    base = OfferTerms(
        form=r.form,
        term=r.term,
        duties=r.duties,
        initiatives=r.initiatives,
        pay=r.pay,
        advises_on_procurement=True,
    )
    return base.model_copy(update=changes)


class Campaign:
    """Drives a campaign through decide(), keeping the events and the folded state."""

    def __init__(self) -> None:
        self.state = RecruitmentState()
        self.events: list = []
        self.now = T0

    def do(self, command, at: datetime | None = None) -> list:
        now = at or self.now
        new = recruitment.decide(self.state, command, now)
        for e in new:
            self.state = apply_recruitment(self.state, e)
        self.events += new
        return new

    # ---- steps
    def approved(self, r: RoleDefinition | None = None) -> Campaign:
        self.do(DefineRole(actor=OFFICER, campaign_id="c1", municipality=SAKATA, role=r or role()))
        self.do(SubmitRoleForApproval(actor=OFFICER))
        self.do(ApproveRole(actor=APPROVER))
        return self

    def posted(self) -> Campaign:
        self.approved()
        self.do(PublishPosting(actor=OFFICER, details=details()))
        return self

    def with_application(self, application_id: str = "a1") -> Campaign:
        self.do(receive(application_id), at=T0 + timedelta(days=1))
        return self

    def closed_posting(self) -> Campaign:
        deadline = self.state.deadline
        assert deadline is not None
        self.do(ClosePosting(actor=SYSTEM, reason=PostingCloseReason.deadline_passed), at=deadline)
        self.now = deadline + timedelta(days=1)
        return self

    def interviewed(self, application_id: str = "a1") -> Campaign:
        self.do(ScreenDocuments(actor=OFFICER, application_id=application_id))
        self.do(
            ScheduleInterview(
                actor=OFFICER,
                application_id=application_id,
                interview_id=f"iv-{application_id}",
                scheduled_at=self.now + timedelta(days=3),
            )
        )
        self.do(
            RecordInterview(
                actor=OFFICER,
                application_id=application_id,
                interview_id=f"iv-{application_id}",
                record=good_record(),
            )
        )
        return self

    def shortlisted(self, application_id: str = "a1") -> Campaign:
        self.interviewed(application_id)
        self.do(ShortlistApplicant(actor=OFFICER, application_id=application_id))
        return self

    def offer_approved(self, application_id: str = "a1", **term_changes) -> Campaign:
        self.do(
            ApproveOffer(
                actor=APPROVER,
                application_id=application_id,
                terms=terms(**term_changes),
                appointee_for_profit=True,
                appointee_employer="Example Systems K.K.",
            )
        )
        return self

    def offered(self, application_id: str = "a1") -> Campaign:
        self.offer_approved(application_id)
        self.do(
            MakeOffer(
                actor=OFFICER,
                application_id=application_id,
                expires_at=self.now + timedelta(days=14),
            )
        )
        return self

    def accepted(self, application_id: str = "a1") -> Campaign:
        self.offered(application_id)
        self.do(
            RecordOfferAccepted(
                actor=OFFICER,
                application_id=application_id,
                pledge_deadline=self.now + timedelta(days=10),
            )
        )
        return self

    def all_pledges_signed(self, application_id: str = "a1") -> Campaign:
        app = self.state.applications[application_id]
        assert app.pledges is not None
        self.do(
            SignPledge(
                actor=OFFICER,
                application_id=application_id,
                items=tuple(p.item for p in app.pledges.required),
                signed_on=date(2024, 5, 10),
            )
        )
        return self

    def appointed(self, application_id: str = "a1") -> Campaign:
        self.accepted(application_id)
        self.all_pledges_signed(application_id)
        self.do(Appoint(actor=APPROVER, application_id=application_id, appointment_id="ap1"))
        return self


def full_campaign() -> Campaign:
    """A campaign from role definition to appointment, with a second (rejected) applicant."""
    c = Campaign().posted()
    c.with_application("a1").with_application("a2")
    c.closed_posting()
    c.shortlisted("a1")
    return c.appointed("a1")
