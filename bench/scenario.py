"""A municipality's year as domain commands: a CIO-advisor campaign from role definition
to appointment, then monthly costs. Dates are relative to ``now`` so the rules that look at
the clock (posting deadline in the future, term start) accept them on a live server.

Used twice: locally through ``domain.recruitment.decide`` (to make a realistic campaign
stream for the read benchmark) and against the real workflows on the dev server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache

from domain import commands as c
from domain import posting as po
from domain import screening as sc
from domain import skill_standard as sk
from domain.appointment import Duty
from domain.events import ApplicantContact, CostKind, OfferTerms, PostingCloseReason
from domain.values import (
    AppointmentForm,
    Municipality,
    jis_check_digit,
    known_municipalities,
)

OFFICER = c.Actor(id="bench-officer", role="hr_officer")
APPROVER = c.Actor(id="bench-approver", role="approver")
MONTHLY_PAY = 300_000


@cache
def _real_codes() -> tuple[str, ...]:
    """Real 全国地方公共団体コード (check digit included) of municipalities, not prefectures:
    the API refuses a code that fails its check digit or names no local government."""
    return tuple(
        five + str(jis_check_digit(five))
        for five in sorted(known_municipalities())
        if not five.endswith("000")
    )


def municipality(i: int) -> Municipality:
    """The i-th synthetic municipality, under a real local government code (names are not)."""
    codes = _real_codes()
    return Municipality(name=f"ベンチ市{i}", kind="city", prefecture="ベンチ県",
                        population=50_000 + i, code=codes[i % len(codes)])


class Plan:
    """The commands of one campaign for ``muni``, around the instant ``now``."""

    def __init__(self, muni: Municipality, campaign_id: str, now: datetime | None = None):
        self.muni = muni
        self.campaign_id = campaign_id
        self.now = now or datetime.now(UTC)
        # the next whole fiscal year (April-March) at least a month away: 12 monthly payments
        soon = (self.now + timedelta(days=31)).date()
        start = date(soon.year + (1 if soon.month >= 4 else 0), 4, 1)
        self.term = po.Term(start=start, end=_fiscal_year_end(start))

    # ---- campaign set-up
    def role(self) -> po.RoleDefinition:
        return po.RoleDefinition(
            title="CIO補佐官", persona=sk.Persona.producer,
            duties=(Duty(kind="advice", text="DX推進計画の策定への助言"),),
            initiatives=(po.DxInitiative.bpr, po.DxInitiative.online_procedures),
            form=AppointmentForm.special_part_time,
            work_style=po.WorkStyle(days_per_month=4, remote_allowed=True, side_job_allowed=True),
            pay=po.Pay(amount_yen=MONTHLY_PAY, unit=po.PayUnit.month), term=self.term,
            requirements=(
                sk.Requirement(
                    id="level", importance=sk.Importance.required,
                    any_of=(sk.LevelCriterion(framework=sk.SkillFramework.uiss,
                                           field="business_strategist", min_level=4),
                            sk.QualificationCriterion(exam=sk.IpaExam.SA)),
                    text="UISS ビジネスストラテジスト レベル4相当以上 又は システムアーキテクト試験合格",
                ),
                sk.Requirement(
                    id="reform", importance=sk.Importance.preferred,
                    any_of=(sk.ExperienceCriterion(experience=sk.ExperienceKind.ict_business_reform,
                                                min_years=3),),
                    text="ICTを活用した業務改革を担った経験（3年以上）",
                ),
            ),
        )

    def define(self) -> c.DefineRole:
        return c.DefineRole(actor=OFFICER, campaign_id=self.campaign_id,
                            municipality=self.muni, role=self.role())

    def opening(self) -> list[c.Command]:
        """Submit, approve and publish (the role is defined by the start)."""
        details = po.PostingDetails(
            municipality=self.muni, deadline=self.now + timedelta(days=30),
            selection=po.SelectionMethod(document_review=True, essay=False, interviews=1),
            contact=po.Contact(department="デジタル変革戦略室", email="dx@example.lg.jp"),
            channels=(po.Channel(kind=po.ChannelKind.own_website),),
        )
        return [c.SubmitRoleForApproval(actor=OFFICER), c.ApproveRole(actor=APPROVER),
                c.PublishPosting(actor=OFFICER, details=details)]

    # ---- applications
    @staticmethod
    def application(n: int) -> c.ReceiveApplication:
        employer = sc.Employment(company="Example Systems K.K.", from_date=date(2016, 4, 1))
        return c.ReceiveApplication(
            actor=OFFICER, application_id=f"a{n}", applicant_id=f"person-a{n}",
            channel=po.ChannelKind.agency, name="山田 太郎",
            contact=ApplicantContact(email=f"applicant{n}@example.com"),
            career_history=(employer,),
            profile=sc.ApplicantProfile(
                qualifications=(sc.QualificationHeld(exam=sk.IpaExam.ST, passed_year=2015),),
                experiences=(sc.ExperienceClaim(kind=sk.ExperienceKind.ict_business_reform, years=6,
                                             description="基幹業務のBPRとRPA導入を主導",
                                             fields=("uiss:business_strategist",)),),
            ),
            conflict_of_interest=sc.ConflictOfInterestDeclaration(
                current_employers=(employer,), past_employers=(), side_jobs=(),
                groups=(sc.CorporateGroup(parent=None, members=("Example Systems K.K.",)),),
                declared_on=date(2024, 4, 2),
            ),
        )

    def selection(self, application_id: str = "a1") -> list[c.Command]:
        """Close the posting, screen, interview and shortlist one applicant."""
        iv = f"iv-{application_id}"
        return [
            c.ClosePosting(actor=OFFICER, reason=PostingCloseReason.closed_by_officer),
            c.ScreenDocuments(actor=OFFICER, application_id=application_id),
            c.ScheduleInterview(actor=OFFICER, application_id=application_id, interview_id=iv,
                                scheduled_at=self.now + timedelta(days=3)),
            c.RecordInterview(actor=OFFICER, application_id=application_id, interview_id=iv,
                              record=sc.InterviewRecord(
                                  projects=(sc.ProjectEvidence(
                                      project="県内12市町村の基幹系システム標準化移行",
                                      position="PMO責任者",
                                      result="予定より2か月早く移行完了、運用費を年15%削減",
                                      employer="Example Systems K.K.", years=3),),
                                  assessment="標準化の実務に精通",
                                  recommendation=sc.InterviewRecommendation.proceed)),
            c.ShortlistApplicant(actor=OFFICER, application_id=application_id),
        ]

    def offer(self, application_id: str = "a1") -> list[c.Command]:
        r = self.role()
        terms = OfferTerms(form=r.form, term=r.term, duties=r.duties, initiatives=r.initiatives,
                           pay=r.pay, advises_on_procurement=True)
        return [
            c.ApproveOffer(actor=APPROVER, application_id=application_id, terms=terms,
                           appointee_for_profit=True, appointee_employer="Example Systems K.K."),
            c.MakeOffer(actor=OFFICER, application_id=application_id,
                        expires_at=self.now + timedelta(days=14)),
            c.RecordOfferAccepted(actor=OFFICER, application_id=application_id,
                                  pledge_deadline=self.now + timedelta(days=10)),
        ]

    def sign(self, application_id: str, items: tuple[str, ...]) -> c.SignPledge:
        return c.SignPledge(actor=OFFICER, application_id=application_id, items=items,
                            signed_on=self.now.date())

    def appoint(self, application_id: str = "a1") -> c.Appoint:
        return c.Appoint(actor=APPROVER, application_id=application_id,
                         appointment_id=f"{self.campaign_id}-ap")

    def monthly_costs(self, months: int = 12) -> Iterator[c.RecordCost]:
        """Monthly remuneration accrued on the 15th of each month of the term's fiscal year
        (the accrual date decides the fiscal year, 地方自治法施行令143条). The term lies ahead
        and a payment dated after today is refused at the door (R-SUB-6), so the bench
        records each as paid today: the same twelve commands and the same claim."""
        for m in range(months):
            accrued = _add_months(self.term.start, m).replace(day=15)
            yield c.RecordCost(actor=OFFICER, cost_id=f"pay-{m + 1:02d}",
                               cost_kind=CostKind.remuneration, amount_yen=MONTHLY_PAY,
                               paid_on=self.now.date(), accrual_date=accrued)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def _fiscal_year_end(d: date) -> date:
    """31 March ending the fiscal year of ``d`` (April-March, R-SUB-6)."""
    return date(d.year + (1 if d.month >= 4 else 0), 3, 31)
