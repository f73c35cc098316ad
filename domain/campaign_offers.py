"""Deciders from the offer to the appointment: approve, make, answer and lapse an offer
(R-FORM), request, sign and expire pledges (R-PLEDGE-1..3), readiness (R-READY), appoint;
and the bookkeeping a campaign shares with the appointment (costs, reminders).
One function per command, registered in ``domain.recruitment``."""

from __future__ import annotations

from datetime import datetime

from domain import appointment_lifecycle as appointment_rules
from domain.bookkeeping import decide_cost
from domain.campaign_guards import (
    OPEN_STAGES,
    PRE_APPROVAL,
    active_application,
    in_stage,
    known_application,
    not_ended,
    offer_status,
    require_role,
)
from domain.commands import (
    Appoint,
    ApproveOffer,
    ConfirmReadinessItem,
    ExpirePledges,
    LapseOffer,
    MakeOffer,
    RecordCost,
    RecordOfferAccepted,
    RecordOfferDeclined,
    SignPledge,
)
from domain.errors import RuleViolation
from domain.events import (
    Appointed,
    CostCategory,
    DomainEvent,
    OfferAccepted,
    OfferApproved,
    OfferDeclined,
    OfferLapsed,
    OfferLapseReason,
    OfferMade,
    OfferTerms,
    PledgeExpired,
    PledgeRequested,
    PledgeSigned,
    ReadinessItemConfirmed,
)
from domain.state import (
    ApplicationStatus,
    OfferStatus,
    RecruitmentState,
    Stage,
)


def default_offer_terms(state: RecruitmentState, advises_on_procurement: bool) -> OfferTerms:
    """The offer's terms as the role (and the published posting's role) states them:
    form, term, duties, initiatives, pay (issue 11 point 5)."""
    role = state.posting.role if state.posting is not None else state.role
    assert role is not None
    return OfferTerms(form=role.form, term=role.term, duties=role.duties,
                      initiatives=role.initiatives, pay=role.pay,
                      advises_on_procurement=advises_on_procurement)


def approve_offer(
    state: RecruitmentState, command: ApproveOffer, now: datetime, by: str
) -> list[DomainEvent]:
    require_role(command.actor, "approver")
    in_stage(state, OPEN_STAGES, "approve an offer")
    app = active_application(state, command.application_id)
    if app.status is not ApplicationStatus.shortlisted:
        raise RuleViolation(
            "STATE-NOT-SHORTLISTED",
            "only a shortlisted applicant can be offered",
            "application_id",
        )
    if app.has_live_offer:
        raise RuleViolation(
            "STATE-OFFER-LIVE",
            "this applicant already holds a live offer",
            "application_id",
        )
    assert state.municipality is not None
    terms = command.terms or default_offer_terms(state, command.advises_on_procurement)
    warnings = appointment_rules.check_offer_terms(
        terms,
        municipality=state.municipality,
        appointee_for_profit=command.appointee_for_profit,
        appointee_employer=command.appointee_employer,
    )
    return [
        OfferApproved(
            at=now,
            by=by,
            application_id=app.application_id,
            applicant_id=app.applicant_id,
            terms=terms,
            appointee_for_profit=command.appointee_for_profit,
            appointee_employer=command.appointee_employer,
            warnings=tuple(warnings),
        )
    ]


def make_offer(
    state: RecruitmentState, command: MakeOffer, now: datetime, by: str
) -> list[DomainEvent]:
    in_stage(state, OPEN_STAGES, "make an offer")
    app = active_application(state, command.application_id)
    live = state.live_offer
    if live is not None:
        raise RuleViolation(
            "STATE-OFFER-LIVE",
            f"an offer to application {live!r} is still live",
            "application_id",
        )
    offer_status(app, OfferStatus.approved, code="STATE-OFFER-NOT-APPROVED", what="make the offer")
    if command.expires_at <= now:
        raise RuleViolation(
            "STATE-OFFER-EXPIRY-PAST", "the offer must expire in the future", "expires_at"
        )
    return [
        OfferMade(
            at=now,
            by=by,
            application_id=app.application_id,
            applicant_id=app.applicant_id,
            expires_at=command.expires_at,
        )
    ]


def record_offer_accepted(
    state: RecruitmentState, command: RecordOfferAccepted, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = active_application(state, command.application_id)
    offer_status(app, OfferStatus.made, code="STATE-NO-OFFER", what="accept")
    assert app.offer is not None and app.offer.expires_at is not None
    if now > app.offer.expires_at:
        raise RuleViolation("STATE-OFFER-EXPIRED", "the offer has expired", "application_id")
    if command.pledge_deadline <= now:
        raise RuleViolation(
            "STATE-DEADLINE-PAST",
            "the pledge deadline must be in the future",
            "pledge_deadline",
        )
    items = appointment_rules.pledges_for(app.offer)
    out = [OfferAccepted(at=now, by=by, application_id=app.application_id)]
    if items:
        out.append(
            PledgeRequested(
                at=now,
                by=by,
                application_id=app.application_id,
                items=items,
                deadline=command.pledge_deadline,
            )
        )
    return out


def record_offer_declined(
    state: RecruitmentState, command: RecordOfferDeclined, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = active_application(state, command.application_id)
    offer_status(app, OfferStatus.made, OfferStatus.accepted, code="STATE-NO-OFFER", what="decline")
    return [
        OfferDeclined(
            at=now,
            by=by,
            application_id=app.application_id,
            applicant_id=app.applicant_id,
            reason=command.reason,
        )
    ]


def lapse_offer(
    state: RecruitmentState, command: LapseOffer, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = known_application(state, command.application_id)
    if command.reason == "expired":
        offer_status(app, OfferStatus.made, code="STATE-NO-OFFER", what="let the offer lapse")
        assert app.offer is not None and app.offer.expires_at is not None
        if now < app.offer.expires_at:
            raise RuleViolation("STATE-OFFER-NOT-EXPIRED", "the offer has not expired yet", None)
        reason = OfferLapseReason.expired
    else:
        offer_status(
            app,
            OfferStatus.made,
            OfferStatus.accepted,
            code="STATE-NO-OFFER",
            what="revoke the offer",
        )
        reason = OfferLapseReason.revoked
    return [OfferLapsed(at=now, by=by, application_id=app.application_id, reason=reason)]


def sign_pledge(
    state: RecruitmentState, command: SignPledge, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = active_application(state, command.application_id)
    offer_status(app, OfferStatus.accepted, code="STATE-NO-OFFER", what="sign pledges")
    if app.pledges is None:
        raise RuleViolation("STATE-PLEDGE-NOT-REQUESTED", "no pledge was requested", "items")
    if app.pledges.expired:
        raise RuleViolation(
            "R-PLEDGE-3", "the pledge request expired: it must be re-issued", "items"
        )
    requested = {p.item for p in app.pledges.required}
    for i, item in enumerate(command.items):
        if item not in requested:
            raise RuleViolation(
                "STATE-PLEDGE-NOT-REQUESTED",
                f"{item!r} is not a requested pledge item",
                f"items.{i}",
            )
    new = tuple(dict.fromkeys(i for i in command.items if i not in app.pledges.signed))
    if not new:
        return []
    return [
        PledgeSigned(
            at=now,
            by=by,
            application_id=app.application_id,
            items=new,
            signed_on=command.signed_on,
        )
    ]


def expire_pledges(
    state: RecruitmentState, command: ExpirePledges, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    app = active_application(state, command.application_id)
    offer_status(app, OfferStatus.accepted, code="STATE-NO-OFFER", what="expire pledges")
    p = app.pledges
    if p is None or p.expired:
        raise RuleViolation("STATE-PLEDGE-NOT-REQUESTED", "no pending pledge request", None)
    if not p.unsigned:
        raise RuleViolation("STATE-PLEDGES-COMPLETE", "every required pledge is signed", None)
    if now < p.deadline:
        raise RuleViolation("STATE-DEADLINE-NOT-PASSED", "the pledge deadline has not passed", None)
    out = [PledgeExpired(at=now, by=by, application_id=app.application_id, items=p.unsigned)]
    if command.reissue_deadline is not None:
        if command.reissue_deadline <= now:
            raise RuleViolation(
                "STATE-DEADLINE-PAST",
                "the new pledge deadline must be in the future",
                "reissue_deadline",
            )
        out.append(
            PledgeRequested(
                at=now,
                by=by,
                application_id=app.application_id,
                items=p.required,
                deadline=command.reissue_deadline,
                reissue=True,
            )
        )
    else:
        out.append(
            OfferLapsed(
                at=now,
                by=by,
                application_id=app.application_id,
                reason=OfferLapseReason.pledge_expired,
                rule="R-PLEDGE-3",
            )
        )
    return out


def confirm_readiness_item(
    state: RecruitmentState, command: ConfirmReadinessItem, now: datetime, by: str
) -> list[DomainEvent]:
    not_ended(state)
    if state.stage in PRE_APPROVAL:
        raise RuleViolation("STATE-STAGE", "readiness is confirmed once the role is approved", None)
    if command.item == 6:
        raise RuleViolation(
            "STATE-READINESS-ITEM",
            "item 6 (activity review) is confirmed on the appointment, after it starts",
            "item",
        )
    return [ReadinessItemConfirmed(at=now, by=by, item=command.item, note=command.note)]


def appoint(state: RecruitmentState, command: Appoint, now: datetime, by: str) -> list[DomainEvent]:
    require_role(command.actor, "approver")
    not_ended(state)
    app = active_application(state, command.application_id)
    offer_status(app, OfferStatus.accepted, code="STATE-OFFER-NOT-ACCEPTED", what="appoint")
    assert app.offer is not None and state.municipality is not None and state.role is not None
    required = appointment_rules.pledges_for(app.offer)
    signed = app.pledges.signed if app.pledges is not None else ()
    missing = [p.item for p in required if p.item not in signed]
    if missing or (app.pledges is not None and app.pledges.expired):
        raise RuleViolation(
            "R-PLEDGE-3",
            f"appointment cannot be made while required pledges are unsigned: {', '.join(missing) or 'request expired'}",
            "pledges",
        )
    warnings = appointment_rules.check_before_appointment(
        app.offer,
        municipality=state.municipality,
        pledges_signed=signed,
        readiness_confirmed=tuple(sorted(state.readiness)),
    )
    return [
        Appointed(
            at=now,
            by=by,
            appointment_id=command.appointment_id,
            campaign_id=state.campaign_id or "",
            application_id=app.application_id,
            appointee_id=app.applicant_id,
            appointee_name=app.name,
            appointee_employer=app.offer.appointee_employer,
            appointee_for_profit=app.offer.appointee_for_profit,
            municipality=state.municipality,
            persona=state.role.persona,
            cio_advisor=state.role.counts_as_cio_advisor,
            terms=app.offer.terms,
            pledges_signed=tuple(signed),
            readiness_confirmed=tuple(sorted(state.readiness)),
            warnings=tuple(warnings),
        )
    ]


def record_cost(
    state: RecruitmentState, command: RecordCost, now: datetime, by: str
) -> list[DomainEvent]:
    if state.stage is Stage.new:
        raise RuleViolation("STATE-STAGE", "there is no campaign yet", None)
    return decide_cost(
        command,
        now=now,
        by=by,
        category=CostCategory.recruitment,
        recorded=state.costs,
        elsewhere="appointment",
    )
