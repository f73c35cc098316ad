"""Events: every type round-trips through event_payload/parse_event; upcasting; personal data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from domain import appointment_lifecycle
from domain.commands import (
    CancelCampaign,
    CloseCampaign,
    ConfirmReadinessItem,
    DefineRole,
    EndTerm,
    ExpirePledges,
    ExtendPostingDeadline,
    RecordCost,
    RecordOfferDeclined,
    RecordReminder,
    RejectApplicant,
    RenewTerm,
    Repost,
    ReturnRole,
    SubmitRoleForApproval,
    WithdrawApplication,
)
from domain.events import (
    ERASED,
    EVENT_TYPES,
    ApplicantRejected,
    ApplicationReceived,
    CostKind,
    DocumentIssued,
    ResumeReceived,
    SubsidyAssessed,
    SubsidyClaimApproved,
    SubsidyClaimDrafted,
    SubsidyClaimed,
    SubsidyDecided,
    TermEndReason,
    event_payload,
    parse_event,
    personal_data_registry,
    to_new_event_fields,
    upcast,
    upcasters,
)
from domain.screening import RejectionReasonCode
from domain.state import fold_appointment, fold_recruitment
from tests.unit.lifecycle_builders import (
    APPROVER,
    OFFICER,
    SAKATA,
    SYSTEM,
    T0,
    Campaign,
    details,
    full_campaign,
    role,
)


def every_kind_of_event() -> list:
    """At least one event of every type, produced by the decide functions where possible."""
    events = list(full_campaign().events)

    c = Campaign().posted()
    c.do(ExtendPostingDeadline(actor=OFFICER, new_deadline=T0 + timedelta(days=40)))
    c.with_application("a1").with_application("a2").with_application("a3").with_application("a4")
    c.do(WithdrawApplication(actor=OFFICER, application_id="a4", reason="転居のため"))
    c.do(ConfirmReadinessItem(actor=OFFICER, item=1, note="庁議で共有"))
    c.do(
        RecordCost(
            actor=OFFICER,
            cost_id="fee",
            cost_kind=CostKind.agency_fee,
            amount_yen=500_000,
            paid_on=date(2024, 3, 29),  # before the decision time: no future payments
        )
    )
    c.do(
        RecordReminder(
            actor=SYSTEM,
            reminder_kind="posting_deadline",
            subject_id="c1",
            due=T0 + timedelta(days=40),
        )
    )
    c.closed_posting()
    c.shortlisted("a1").offered("a1")
    c.do(RecordOfferDeclined(actor=OFFICER, application_id="a1", reason="条件不一致"))
    c.shortlisted("a2").accepted("a2")
    deadline = c.state.applications["a2"].pledges.deadline
    c.do(ExpirePledges(actor=SYSTEM, application_id="a2"), at=deadline)
    c.now = deadline
    c.do(
        RejectApplicant(
            actor=OFFICER,
            application_id="a3",
            reason_code=RejectionReasonCode.other,
            reason="経験不足",
        )
    )
    c.do(
        Repost(
            actor=OFFICER,
            details=details(deadline=deadline + timedelta(days=20)),
            reason="適任者なし",
        )
    )
    c.do(CancelCampaign(actor=APPROVER, reason="予算不成立"))
    events += c.events

    c3 = Campaign()
    c3.do(DefineRole(actor=OFFICER, campaign_id="c3", municipality=SAKATA, role=role()))
    c3.do(SubmitRoleForApproval(actor=OFFICER))
    c3.do(ReturnRole(actor=APPROVER, reason="業務内容をより具体的に"))
    events += c3.events

    c2 = Campaign().posted().closed_posting()
    c2.do(CloseCampaign(actor=OFFICER, reason="応募なし"))
    events += c2.events

    appointed = full_campaign().events[-1]
    s = fold_appointment([appointed])
    for cmd in (
        ConfirmReadinessItem(actor=OFFICER, item=6, note="活動内容を対話で確認"),
        RecordCost(
            actor=OFFICER,
            cost_id="pay-1",
            cost_kind=CostKind.remuneration,
            amount_yen=300_000,
            paid_on=date(2024, 6, 28),  # before the decision time: no future payments
        ),
        RenewTerm(actor=APPROVER, new_end=date(2026, 3, 31)),
        EndTerm(actor=OFFICER, ended_on=date(2026, 3, 31), reason=TermEndReason.expired),
    ):
        new = appointment_lifecycle.decide(s, cmd, T0 + timedelta(days=100))
        s = fold_appointment(new, s)
        events += new

    at = T0 + timedelta(days=400)
    events += [
        SubsidyAssessed(
            at=at,
            by="system",
            fiscal_year=2024,
            eligible=True,
            total_measure_yen=150_000,
            assessment={"fiscal_year": 2024, "eligible": True},
            rules=("R-SUB-3",),
        ),
        SubsidyClaimDrafted(
            at=at, by="officer-1", claim_id="cl1", fiscal_year=2024, amount_yen=150_000
        ),
        SubsidyClaimApproved(at=at, by="deputy-mayor", claim_id="cl1"),
        SubsidyClaimed(at=at, by="officer-1", claim_id="cl1", submitted_on=date(2025, 6, 1)),
        SubsidyDecided(
            at=at, by="officer-1", claim_id="cl1", granted_yen=150_000, decided_on=date(2026, 3, 1)
        ),
        DocumentIssued(
            at=at, by="officer-1", kind="posting", subject="recruitment:062049:c1",
            media_type="application/pdf", sha256="0" * 64,
        ),
        ResumeReceived(
            at=at, by="person-a1", application_id="a1", applicant_id="person-a1",
            filename="cv.pdf", content="JVBERi0=", size=5, sha256="1" * 64,
        ),
    ]
    return events


EVENTS = every_kind_of_event()


def test_samples_cover_every_event_type():
    assert {e.type for e in EVENTS} == set(EVENT_TYPES)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.type)
def test_every_event_round_trips_through_json(event):
    type_, version, data = event_payload(event)
    assert type_ == event.type and version == type(event).schema_version
    assert "type" not in data
    stored = json.loads(json.dumps(data, ensure_ascii=False))  # what the store keeps
    assert parse_event(type_, stored) == event
    assert to_new_event_fields(event) == (type_, version, data)


def test_parse_event_rejects_unknown_types():
    with pytest.raises(ValueError):
        parse_event("NoSuchEvent", {})


def test_upcast_applicant_rejected_v1_to_v2():
    v1 = {
        "at": "2024-05-01T00:00:00+00:00",
        "by": "officer-1",
        "application_id": "a1",
        "applicant_id": "p1",
        "reason": "経験不足",
        "rule": "R-SCR-3",
    }
    assert ApplicantRejected.schema_version == 2
    version, data = upcast("ApplicantRejected", 1, v1)
    assert version == 2 and data["reason_code"] == "other"
    assert ("ApplicantRejected", 1) in upcasters()
    e = parse_event("ApplicantRejected", v1, schema_version=1)
    assert isinstance(e, ApplicantRejected)
    assert e.reason_code is RejectionReasonCode.other and e.reason == "経験不足"
    # v2 data is left alone
    assert upcast("ApplicantRejected", 2, data) == (2, data)
    with pytest.raises(ValueError):
        parse_event("ApplicantRejected", v1)  # v1 data without the upcast is invalid
    with pytest.raises(ValueError):
        upcast("ApplicantRejected", 3, data)  # from the future


def test_personal_data_registry_names_subject_and_fields():
    reg = personal_data_registry()
    spec = reg["ApplicationReceived"]
    assert spec.subject == "applicant_id"
    assert {"name", "contact", "career_history", "conflict_of_interest"} <= set(spec.fields)
    assert reg["InterviewRecorded"].fields == ("record",)
    assert reg["Appointed"].subject == "appointee_id"
    assert "RoleDefined" not in reg and "PostingPublished" not in reg
    for type_, (subject, fields) in reg.items():
        cls = EVENT_TYPES[type_]
        assert subject in cls.model_fields and all(f in cls.model_fields for f in fields)


def test_erased_personal_fields_still_parse_and_fold():
    events = []
    for e in full_campaign().events:
        type_, _, data = event_payload(e)
        for f in type(e).personal_fields:
            data[f] = ERASED
        events.append(parse_event(type_, data))
    received = next(e for e in events if isinstance(e, ApplicationReceived))
    assert received.name is None and received.profile is None
    state = fold_recruitment(events)
    assert state.stage.value == "appointed"
    assert state.applications["a1"].name is None
