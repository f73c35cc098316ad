"""What every Ninyo workflow shares: appending decided events through the event store
activity, refusing commands with the rule code, sending reminders, the reschedulable
timer loop, search attributes.

Only deterministic code here: time is ``workflow.now()``, ids are ``workflow.uuid4()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributePair
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.event_store import EventStoreActivities
    from activities.models import (
        Appended,
        AppendEvents,
        EventMetadata,
        EventToAppend,
        Notification,
    )
    from activities.notifications import NotificationActivities
    from domain.commands import Actor
    from domain.errors import RuleViolation
    from domain.events import DomainEvent, event_payload
    from domain.fiscal import JST

S = TypeVar("S")

# ---------------------------------------------------------------- activity options

# Appends are idempotent (event ids from workflow.uuid4()): retry transient failures for a
# long time; a second writer (ConcurrencyError) or a refused rule is not retried.
STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=["ConcurrencyError", "RuleViolation", "UnstorableEvent"],
)
# What one command may append (all its events' JSON): far below Temporal's 2 MB payload
# limit, so the append's input, its marker and the update's answer always fit.
MAX_APPEND_BYTES = 256 * 1024
STORE_TIMEOUT = timedelta(seconds=10)  # a dead worker's append is retried after this
# Appends go through a local activity since this patch (earlier histories: an activity).
LOCAL_APPEND_PATCH = "append-local-activity"
# The timer loop keeps its Temporal timer while the earliest due item stays the same.
TIMER_KEEP_PATCH = "timers-keep-running"
# Notifications: the outbox insert is idempotent; SMTP may be down for a while.
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
NOTIFY_TIMEOUT = timedelta(seconds=60)

# ---------------------------------------------------------------- search attributes

SA_MUNICIPALITY = SearchAttributeKey.for_keyword("NinyoMunicipality")
SA_PREFECTURE = SearchAttributeKey.for_keyword("NinyoPrefecture")
SA_STAGE = SearchAttributeKey.for_keyword("NinyoStage")
SA_PERSONA = SearchAttributeKey.for_keyword("NinyoPersona")
SA_FISCAL_YEAR = SearchAttributeKey.for_int("NinyoFiscalYear")


def upsert_search_attributes(
    *, municipality: str | None = None, prefecture: str | None = None, stage: str | None = None,
    persona: str | None = None, fiscal_year: int | None = None,
) -> None:
    pairs: list = []
    if municipality is not None:
        pairs.append(SA_MUNICIPALITY.value_set(municipality))
    if prefecture is not None:
        pairs.append(SA_PREFECTURE.value_set(prefecture))
    if stage is not None:
        pairs.append(SA_STAGE.value_set(stage))
    if persona is not None:
        pairs.append(SA_PERSONA.value_set(persona))
    if fiscal_year is not None:
        pairs.append(SA_FISCAL_YEAR.value_set(fiscal_year))
    if pairs:
        workflow.upsert_search_attributes(pairs)


def search_attribute_pairs(
    municipality: str, prefecture: str, stage: str, persona: str | None = None,
    fiscal_year: int | None = None,
) -> list[SearchAttributePair]:
    """For ``start_workflow(search_attributes=TypedSearchAttributes(...))``."""
    pairs = [
        SearchAttributePair(SA_MUNICIPALITY, municipality),
        SearchAttributePair(SA_PREFECTURE, prefecture),
        SearchAttributePair(SA_STAGE, stage),
    ]
    if persona is not None:
        pairs.append(SearchAttributePair(SA_PERSONA, persona))
    if fiscal_year is not None:
        pairs.append(SearchAttributePair(SA_FISCAL_YEAR, fiscal_year))
    return pairs


# ---------------------------------------------------------------- refusals


def refusal(v: RuleViolation) -> ApplicationError:
    """How a refused command reaches the client: ApplicationError type ``RuleViolation``
    whose first detail is ``{"code", "message", "field"}`` (see docs/interfaces.md)."""
    return ApplicationError(v.message, v.to_dict(), type="RuleViolation", non_retryable=True)


def appendable(events: Sequence[DomainEvent]) -> list[DomainEvent]:
    """Check, before anything is appended or folded, what could make the append fail for
    good (issue 10 point 2): a NUL character (PostgreSQL refuses it in JSON) and a size
    over ``MAX_APPEND_BYTES`` (Temporal's payload limit). A refusal here writes nothing,
    so the state and the store never diverge; the workflow stays usable."""
    import json

    size = 0
    for e in events:
        text = json.dumps(event_payload(e)[2], ensure_ascii=False)
        if "\\u0000" in text:
            raise RuleViolation("VAL-TEXT-CONTROL", "a NUL character cannot be recorded")
        size += len(text.encode())
    if size > MAX_APPEND_BYTES:
        raise RuleViolation(
            "payload_too_large",
            f"the events of this command are {size} bytes (at most {MAX_APPEND_BYTES})")
    return list(events)


def folded(state: S, events: Sequence[DomainEvent], apply: Callable[[S, DomainEvent], S]) -> S:
    """``state`` with ``events`` applied — computed BEFORE they are appended, so an event
    the state cannot take is refused (update fails, nothing written) and a written event
    is always in the state (issue 10 point 2)."""
    try:
        for e in events:
            state = apply(state, e)
    except Exception as err:  # noqa: BLE001 - refuse the command, never wedge the workflow
        raise ApplicationError(f"the state cannot take these events ({type(err).__name__})",
                               type="UnfoldableEvent", non_retryable=True) from None
    return state


def no_system_actor(actor: Actor) -> None:
    """People never act as the system: timer-only commands stay with the timers."""
    if actor.role == "system":
        raise RuleViolation("AUTH-ROLE", "the role 'system' is reserved for the timers", "actor.role")


# ---------------------------------------------------------------- time


def start_of_day_jst(day: date) -> datetime:
    """The instant a Japan-time calendar day begins."""
    return datetime.combine(day, time(0, 0), tzinfo=JST)


def end_of_day_jst(day: date) -> datetime:
    """The instant a Japan-time calendar day ends (= the next day begins)."""
    return start_of_day_jst(day + timedelta(days=1))


# ---------------------------------------------------------------- timers


@dataclass(frozen=True)
class Due:
    """Something the workflow must do at ``at`` if, by then, it still applies."""

    at: datetime
    key: str
    fire: Callable[[], Awaitable[None]]


class Timers:
    """The reschedulable-timer loop: the due list is recomputed from the workflow's state
    after every change, so a moved deadline moves its reminders and a step done early
    removes its reminder — nothing fires in a state it was not meant for.

    A ``Due.key`` names one firing (e.g. kind + subject + deadline): each key fires once;
    the set of fired keys is carried across continue-as-new.
    """

    def __init__(self, fired: Sequence[str] = ()) -> None:
        self.changed = False
        self.fired: set[str] = set(fired)

    def poke(self) -> None:
        self.changed = True

    def _pending(self, due: Callable[[], Sequence[Due]]) -> list[Due]:
        return sorted((d for d in due() if d.key not in self.fired), key=lambda d: d.at)

    async def run(
        self,
        due: Callable[[], Sequence[Due]],
        stop: Callable[[], bool],
        lock: asyncio.Lock,
    ) -> None:
        if workflow.patched(TIMER_KEEP_PATCH):
            await self._run_keeping_timer(due, stop, lock)
        else:  # histories recorded before the patch restart the timer after every change
            await self._run_restarting_timer(due, stop, lock)

    async def _run_keeping_timer(
        self,
        due: Callable[[], Sequence[Due]],
        stop: Callable[[], bool],
        lock: asyncio.Lock,
    ) -> None:
        """One Temporal timer for the earliest due item, kept while that item stays the
        earliest: a command that does not move it costs no TimerCanceled/TimerStarted."""
        timer: asyncio.Task | None = None
        timer_at: datetime | None = None
        try:
            while not stop():
                self.changed = False
                items = self._pending(due)
                at = items[0].at if items else None
                if at is None or at > workflow.now():
                    if at != timer_at:
                        if timer is not None:
                            timer.cancel()
                        timer = (
                            asyncio.create_task(workflow.sleep(at - workflow.now()))
                            if at is not None else None
                        )
                        timer_at = at
                    await workflow.wait_condition(
                        lambda t=timer: self.changed or stop() or (t is not None and t.done())
                    )
                    if timer is None or not timer.done():
                        continue  # something changed: recompute the due list
                    timer, timer_at = None, None
                await self._fire_ready(due, stop, lock)
        finally:
            if timer is not None and not timer.done():
                timer.cancel()

    async def _run_restarting_timer(
        self,
        due: Callable[[], Sequence[Due]],
        stop: Callable[[], bool],
        lock: asyncio.Lock,
    ) -> None:
        while not stop():
            self.changed = False
            items = self._pending(due)
            if not items:
                await workflow.wait_condition(lambda: self.changed or stop())
                continue
            wait = items[0].at - workflow.now()
            if wait > timedelta(0):
                try:
                    await workflow.wait_condition(lambda: self.changed or stop(), timeout=wait)
                    continue  # something changed: recompute the due list
                except TimeoutError:
                    pass
            await self._fire_ready(due, stop, lock)

    async def _fire_ready(
        self, due: Callable[[], Sequence[Due]], stop: Callable[[], bool], lock: asyncio.Lock,
    ) -> None:
        async with lock:
            while not stop():  # recomputed under the lock: only what still applies
                ready = [d for d in self._pending(due) if d.at <= workflow.now()]
                if not ready:
                    break
                self.fired.add(ready[0].key)
                await ready[0].fire()


# ---------------------------------------------------------------- writing events


class EventWriter:
    """Appends decided events to their streams through the ``append_events`` (local) activity,
    tracking each stream's version (the workflow is the only writer of its streams)."""

    def __init__(self, municipality_code: str, versions: dict[str, int] | None = None) -> None:
        self.municipality_code = municipality_code
        self.versions: dict[str, int] = dict(versions or {})

    async def append(
        self, stream_id: str, stream_type: str, events: Sequence[DomainEvent], actor: Actor,
    ) -> Appended:
        info = workflow.info()
        update = workflow.current_update_info()
        req = AppendEvents(
            stream_id=stream_id,
            stream_type=stream_type,
            expected_version=self.versions.get(stream_id, 0),
            events=[_to_append(e) for e in events],
            metadata=EventMetadata(
                actor=actor.id,
                role=actor.role,
                municipality=self.municipality_code,
                workflow_id=info.workflow_id,
                run_id=info.run_id,
                correlation_id=info.workflow_id,
                causation_id=update.id if update else None,
            ),
        )
        if workflow.patched(LOCAL_APPEND_PATCH):
            # a local activity: the append runs in this workflow task (one workflow task
            # per command instead of two plus an activity task); at-least-once is safe,
            # the store turns a re-append of the same event ids into a no-op
            res = await workflow.execute_local_activity_method(
                EventStoreActivities.append_events, req,
                start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY,
            )
        else:  # histories recorded before the patch scheduled a regular activity
            res = await workflow.execute_activity_method(
                EventStoreActivities.append_events, req,
                start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY,
            )
        self.versions[stream_id] = res.version
        return res


def _to_append(e: DomainEvent) -> EventToAppend:
    type_, version, data = event_payload(e)
    return EventToAppend(event_id=workflow.uuid4(), type=type_, data=data, schema_version=version)


async def notify(
    *, to: str, subject: str, body: str, kind: str, municipality: str,
) -> None:
    n = Notification(
        notification_id=workflow.uuid4(), to=to, subject=subject, body=body, kind=kind,
        municipality=municipality, workflow_id=workflow.info().workflow_id,
    )
    await workflow.execute_activity_method(
        NotificationActivities.notify, n,
        start_to_close_timeout=NOTIFY_TIMEOUT, retry_policy=NOTIFY_RETRY,
    )


class CommandResult(BaseModel):
    """What an accepted command returns: the events it wrote and the stage after it."""

    events: list[str]
    stage: str
    version: int
