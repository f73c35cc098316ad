"""A realistic campaign stream for the read benchmarks: a campaign driven through the
domain's own ``decide`` (role, posting, applications, screening, interviews, rejections),
its events written to one stream and read back with ``parse_event`` + ``fold_recruitment``.

The events carry the domain's personal fields (names, contacts, profiles, interview
records), so reading them decrypts what the domain declares personal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from bench.scenario import OFFICER, Plan, municipality
from domain import recruitment
from domain.commands import RejectApplicant
from domain.events import event_payload, parse_event, personal_data_registry, upcasters
from domain.screening import RejectionReasonCode
from domain.state import RecruitmentState, apply_recruitment, fold_recruitment

DESCRIPTION = ("domain fold: domain.events.parse_event + domain.state.fold_recruitment over a "
               "campaign made by domain.recruitment.decide (applications, screening, "
               "interviews, rejections; personal fields encrypted)")


def check() -> None:
    """Raise if the domain cannot produce the stream (e.g. a rule changed under us)."""
    campaign_events(20)


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


def new_events(start: int, count: int) -> list:
    from eventstore import NewEvent

    out = []
    for e in campaign_events(start + count)[start:start + count]:
        type_, schema_version, data = event_payload(e)
        out.append(NewEvent(type=type_, data=data, schema_version=schema_version,
                            metadata={"actor": e.by, "municipality": "012000"}))
    return out


def fold(recorded) -> RecruitmentState:
    return fold_recruitment(parse_event(e.type, e.data) for e in recorded)


def store_kwargs() -> dict:
    return {"personal": personal_data_registry(), "upcasters": upcasters()}
