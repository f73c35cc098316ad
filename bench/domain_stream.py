"""Realistic streams for the read benchmarks, made by the domain's own ``decide``:

* a campaign (role, posting, applications, screening, interviews, rejections), read back
  and folded with ``fold_recruitment``;
* an appointment over five years (the appointment, then reminders, monthly activity
  reviews, costs and yearly renewals), viewed *as of* an instant with ``fold_appointment``.

Both are read with ``EventStore.read_decoded`` and the domain's ``DECODER``: domain events
validated from the stored JSON text, personal fields (names, contacts, profiles, interview
records, rejection reasons) decrypted, then the domain's real fold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from bench.scenario import APPROVER, MONTHLY_PAY, OFFICER, Plan, municipality
from domain import appointment_lifecycle, recruitment
from domain import commands as c
from domain.commands import RejectApplicant
from domain.decoding import DECODER
from domain.errors import RuleViolation
from domain.events import (
    CostKind,
    DomainEvent,
    PledgeRequested,
    event_payload,
    personal_data_registry,
    upcasters,
)
from domain.screening import RejectionReasonCode
from domain.state import (
    AppointmentState,
    RecruitmentState,
    apply_appointment,
    apply_recruitment,
    fold_appointment,
    fold_recruitment,
)

DESCRIPTION = ("domain view: EventStore.read_decoded (domain events validated from the "
               "stored JSON, personal fields decrypted) + domain.state.fold_recruitment over a "
               "campaign made by domain.recruitment.decide (applications, screening, "
               "interviews, rejections)")
AS_OF_DESCRIPTION = ("EventStore.read_decoded(as_of=instant) + domain.state.fold_appointment "
                     "over an appointment made by domain.recruitment.decide, then five years of "
                     "domain.appointment_lifecycle.decide: daily reminders, monthly activity "
                     "reviews (readiness item 6), monthly remuneration and travel costs, yearly "
                     "renewals")


def check() -> None:
    """Raise if the domain cannot produce the streams (e.g. a rule changed under us)."""
    campaign_events(20)
    appointment_events(20)


@lru_cache(maxsize=4)
def campaign_events(n: int) -> tuple:
    """The first ``n`` domain events of a large campaign (any prefix folds validly)."""
    plan = Plan(municipality(0), "bench-read", now=datetime(2026, 4, 1, tzinfo=UTC))
    state = RecruitmentState()
    events: list = []

    def do(cmd, at: datetime) -> None:
        nonlocal state
        for e in recruitment.decide(state, cmd, at):
            state = apply_recruitment(state, e)
            events.append(e)

    now = plan.now
    do(plan.define(), now)
    for cmd in plan.opening():
        do(cmd, now)
    apps = max(1, n // 5)
    for k in range(1, apps + 1):
        do(plan.application(k), now + timedelta(minutes=k))
    later = now + timedelta(days=1)
    steps = plan.selection("a1")
    do(steps[0], later)  # close the posting
    for k in range(1, apps + 1):
        for cmd in plan.selection(f"a{k}")[1:4]:  # screen, schedule and record interview
            do(cmd, later)
        if len(events) >= n:
            break
        if k > 1:
            do(RejectApplicant(actor=OFFICER, application_id=f"a{k}",
                               reason_code=RejectionReasonCode.other, reason="経験分野が異なる"),
               later)
    return tuple(events[:n])


@lru_cache(maxsize=4)
def appointment_events(n: int) -> tuple:
    """The first ``n`` events of an appointment stream covering five years (``n`` up to
    about 2,000): ``Appointed`` (from a campaign decided to the end), then one reminder a
    day, and each month an activity review, the remuneration and a travel cost, and each
    March a renewal of the term."""
    plan = Plan(municipality(1), "bench-asof", now=datetime(2026, 1, 5, tzinfo=UTC))
    campaign = RecruitmentState()

    def run(cmd, at: datetime) -> list[DomainEvent]:
        nonlocal campaign
        out = recruitment.decide(campaign, cmd, at)
        for e in out:
            campaign = apply_recruitment(campaign, e)
        return out

    now = plan.now
    run(plan.define(), now)
    for cmd in plan.opening():
        run(cmd, now)
    run(plan.application(1), now)
    later = now + timedelta(days=1)
    requested: list[DomainEvent] = []
    for cmd in [*plan.selection("a1"), *plan.offer("a1")]:
        requested += [e for e in run(cmd, later) if isinstance(e, PledgeRequested)]
    run(plan.sign("a1", tuple(i.item for i in requested[-1].items)), later)
    for item in range(1, 6):
        run(c.ConfirmReadinessItem(actor=OFFICER, item=item, note="確認済み"), later)
    appointed = run(plan.appoint("a1"), later)[-1]

    state = apply_appointment(AppointmentState(), appointed)
    events: list[DomainEvent] = [appointed]
    start = plan.term.start
    for day in range(5 * 366):
        if len(events) >= n:
            break
        d = start + timedelta(days=day)
        at = datetime(d.year, d.month, d.day, 9, tzinfo=UTC)
        cmds: list = [c.RecordReminder(actor=SYSTEM, reminder_kind=REMINDER_KINDS[day % 3],
                                       subject_id=f"{appointed.appointment_id}:{day}",
                                       due=at + timedelta(days=7), recipient_role="hr_officer")]
        if d.day == 15:
            cmds.append(c.RecordCost(actor=OFFICER, cost_id=f"pay-{d:%Y%m}",
                                     cost_kind=CostKind.remuneration, amount_yen=MONTHLY_PAY,
                                     paid_on=d))
        if d.day == 20:
            cmds.append(c.RecordCost(actor=OFFICER, cost_id=f"travel-{d:%Y%m}",
                                     cost_kind=CostKind.other, amount_yen=12_340, paid_on=d,
                                     note="活動に係る旅費（月次精算）"))
        if d.day == 25:
            cmds.append(c.ConfirmReadinessItem(actor=OFFICER, item=6,
                                               note=f"{d:%Y年%m月}の活動報告を確認した"))
        if d.month == 3 and d.day == 1 and state.term_end is not None:
            cmds.append(c.RenewTerm(actor=APPROVER,
                                    new_end=state.term_end.replace(year=state.term_end.year + 1)))
        for cmd in cmds:
            try:
                out = appointment_lifecycle.decide(state, cmd, at)
            except RuleViolation:
                if isinstance(cmd, c.RenewTerm):  # a renewal the rules refuse: the year goes on
                    continue
                raise
            for e in out:
                state = apply_appointment(state, e)
            events += out
    return tuple(events[:n])


SYSTEM = c.Actor(id="system", role="system")
REMINDER_KINDS = ("activity_report_due", "cost_entry_due", "timesheet_due")


def new_events(start: int, count: int, source=None) -> list:
    """Events ``start`` .. ``start + count`` of the campaign (or of ``source(n)``) to append."""
    from eventstore import NewEvent

    out = []
    for e in (source or campaign_events)(start + count)[start:start + count]:
        type_, schema_version, data = event_payload(e)
        out.append(NewEvent(type=type_, data=data, schema_version=schema_version,
                            metadata={"actor": e.by, "municipality": "012000"}))
    return out


def new_appointment_events(start: int, count: int) -> list:
    return new_events(start, count, appointment_events)


async def campaign_view(store, stream: str) -> int:
    """The campaign's state, read and folded; returns how many events it folded."""
    return fold_recruitment(await store.read_decoded(stream, DECODER)).version


async def appointment_view(store, stream: str, instant: datetime) -> int:
    """The appointment's state as of ``instant``; returns how many events it folded."""
    return fold_appointment(await store.read_decoded(stream, DECODER, as_of=instant)).version


def store_kwargs() -> dict:
    return {"personal": personal_data_registry(), "upcasters": upcasters()}
