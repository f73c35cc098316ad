"""AppointmentWorkflow — one appointment's whole term (up to 5 years), id
``appointment:{municipality}:{appointment_id}``; one run per fiscal year.

Started by the campaign when ``Appoint`` is accepted; its first event is a copy of
``Appointed``. Updates (``command``): ConfirmReadinessItem (R-READY), RenewTerm (R-FORM
limits), EndTerm, RecordCost (paid appointment costs), validated by
``domain.appointment_lifecycle.decide``.

Timers: readiness reminder before the start date while R-READY 1-5 are open; the periodic
activity review (R-READY 6); term-end reminders 90 and 30 days before (moved by a renewal);
the automatic end at the term end (任期満了); and at each fiscal-year end (April 1, Japan
time) the municipality's SubsidyClaimWorkflow for the year is signalled-with-start, then
the workflow continues as new into the next fiscal year — or finishes once the term ended.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

# Deterministic code (the domain, the messages, workflows.common) is passed through the
# sandbox: imported once per worker, not again for every workflow run.
with workflow.unsafe.imports_passed_through():
    from activities.models import Appended
    from domain import i18n
    from domain.admission import admit
    from domain.appointment_lifecycle import decide
    from domain.appointment_state import AppointmentState, AppointmentStatus, apply_appointment
    from domain.commands import SYSTEM, Actor, Command, EndTerm, RecordReminder
    from domain.errors import RuleViolation
    from domain.events import DomainEvent, TermEndReason
    from domain.readiness import applicable_items, readiness_warnings
    from domain.values import AppointmentForm
    from workflows import ids
    from workflows.claim_start import ClaimStarter
    from workflows.common import (
        STORE_RETRY,
        STORE_TIMEOUT,
        Due,
        EventWriter,
        Timers,
        appendable,
        end_of_day_jst,
        folded,
        no_system_actor,
        notify,
        refusal,
        start_of_day_jst,
        upsert_search_attributes,
    )
    from workflows.models import (
        AppointmentInput,
        AppointmentReply,
        AppointmentView,
        CarriedAppointment,
        ClaimAppointmentInput,
        ClaimInput,
        CommandResult,
        TermCommand,
    )

# Since this patch an ended appointment stays open for late costs through May 31 after its
# last fiscal year (issue 11 point 2); histories recorded before it closed at once.
LATE_COSTS_PATCH = "appointment-late-costs"


def _days(d: timedelta) -> str:
    return f"{d.days}d"


@workflow.defn(name="AppointmentWorkflow")
class AppointmentWorkflow:
    @workflow.init
    def __init__(self, inp: AppointmentInput) -> None:
        self._inp = inp
        a = inp.appointed
        self._code = a.municipality.code or ""
        self._appointment = a.appointment_id
        self._stream = ids.appointment_id(self._code, a.appointment_id)
        carried = inp.carried
        self._state: AppointmentState = carried.state if carried else AppointmentState()
        self._writer = EventWriter(self._code, carried.versions if carried else None)
        self._timers = Timers(carried.fired if carried else ())
        self._claims: list[int] = list(carried.claims) if carried else []
        self._runs = (carried.runs + 1) if carried else 1
        self._lock = asyncio.Lock()
        self._ready = carried is not None
        self._year_closed = False
        self._costs_until: datetime | None = None  # an ended term still takes late costs
        self._decided_claims: set[int] = set()  # fiscal years whose claim is decided

    @workflow.run
    async def run(self, inp: AppointmentInput) -> AppointmentView:
        a = inp.appointed
        upsert_search_attributes(
            municipality=self._code, prefecture=a.municipality.prefecture, persona=a.persona,
            fiscal_year=inp.fiscal_year, stage=self._stage(),
        )
        if inp.carried is None:
            async with self._lock:
                await self._commit([a], Actor(id=a.by, role="approver"))
            self._ready = True
        await self._timers.run(self._due, lambda: self._year_closed, self._lock)
        if self._state.status is AppointmentStatus.ended and workflow.patched(LATE_COSTS_PATCH):
            await self._take_late_costs()
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._state.status is AppointmentStatus.ended:
            return self.status()
        workflow.continue_as_new(inp.model_copy(update={
            "fiscal_year": inp.fiscal_year + 1,
            "carried": CarriedAppointment(
                state=self._state, versions=self._writer.versions,
                fired=sorted(self._timers.fired), claims=self._claims, runs=self._runs,
            ),
        }))

    async def _take_late_costs(self) -> None:
        """Issue 11 point 2: the last months' pay is paid after the term ends. The ended
        appointment keeps taking costs (RecordCost) through the 出納整理期間 — to May 31
        after its last fiscal year (地方自治法235条の5) — then closes."""
        fy = self._inp.fiscal_year
        until = start_of_day_jst(date(fy + 1, 6, 1))
        self._costs_until = until
        if workflow.now() < until:
            try:
                await workflow.wait_condition(lambda: False, timeout=until - workflow.now())
            except TimeoutError:
                pass
        # and until the claim of that fiscal year is decided (its workflow tells us)
        await workflow.wait_condition(lambda: fy in self._decided_claims)

    def _stage(self) -> str:
        s = self._state.status
        return "active" if s is AppointmentStatus.none else s.value

    # ------------------------------------------------------------------ commands

    @workflow.signal(name="claim_decided")
    def claim_decided(self, fiscal_year: int) -> None:
        """The municipality's claim of ``fiscal_year`` is decided: late costs of an ended
        term may stop (issue 11 point 2)."""
        self._decided_claims.add(fiscal_year)

    @workflow.update(name="command")
    async def command(self, cmd: TermCommand) -> CommandResult:
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            events = await self._execute(cmd)
        return CommandResult(
            events=[e.type for e in events],  # type: ignore[attr-defined]
            stage=self._stage(), findings=i18n.findings_of(events), version=self._state.version,
        )

    @command.validator
    def _validate_command(self, cmd: TermCommand) -> None:
        try:
            no_system_actor(cmd.actor)
            admit(cmd, workflow.now())  # future dates (validators do not run on replay)
            if self._ready:
                appendable(decide(self._state, cmd, workflow.now()))
        except RuleViolation as v:
            raise refusal(v) from None

    @workflow.update(name="command_view")
    async def command_view(self, cmd: TermCommand) -> AppointmentReply:
        """``command``, answered together with the status right after it (for the API)."""
        accepted = await self.command(cmd)
        return AppointmentReply(accepted=accepted, status=self.status())

    @command_view.validator
    def _validate_command_view(self, cmd: TermCommand) -> None:
        self._validate_command(cmd)

    async def _execute(self, cmd: Command) -> list[DomainEvent]:
        try:
            events = appendable(decide(self._state, cmd, workflow.now()))
        except RuleViolation as v:
            raise refusal(v) from None
        if events:
            await self._commit(events, cmd.actor)
        return events

    async def _commit(self, events: list[DomainEvent], actor: Actor) -> Appended:
        before = self._stage()
        state = folded(self._state, events, apply_appointment)  # before the append
        res = await self._writer.append(self._stream, "appointment", events, actor)
        self._state = state
        self._timers.poke()
        if self._stage() != before:
            upsert_search_attributes(stage=self._stage())
        return res

    # ------------------------------------------------------------------ queries

    @workflow.query(name="status")
    def status(self) -> AppointmentView:
        s = self._state
        return AppointmentView(
            workflow_id=workflow.info().workflow_id,
            appointment_id=self._appointment,
            municipality_code=self._code,
            status=self._stage(),
            form=self._inp.appointed.terms.form.value,
            term_start=s.term_start,
            term_end=s.term_end,
            fiscal_year=self._inp.fiscal_year,
            readiness_confirmed=sorted(s.readiness),
            costs_by_fiscal_year=s.cost_by_fiscal_year(),
            claims=self._claims,
            version=s.version,
            reminders=sorted(self._timers.fired),
            runs=self._runs,
            readiness_warnings=[i18n.finding(w) for w in self._readiness_warnings()],
            labels={"status": i18n.label("appointment_status", self._stage()),
                    "form": i18n.label("form", self._inp.appointed.terms.form)},
        )

    def _readiness_warnings(self) -> list:
        """R-READY: every applicable item not confirmed yet, while the term is active."""
        s = self._state
        if s.status is not AppointmentStatus.active:
            return []
        terms = self._inp.appointed.terms
        from_company = s.appointee_for_profit or terms.form is AppointmentForm.enterprise_dispatch
        return readiness_warnings(s.readiness, from_company=from_company)

    # ------------------------------------------------------------------ timers

    def _due(self) -> list[Due]:
        s, slas, now = self._state, self._inp.slas, workflow.now()
        out: list[Due] = []
        fy_end = start_of_day_jst(date(self._inp.fiscal_year + 1, 4, 1))
        # last in the list: at a tie (a term ending on March 31) the term ends first
        year_end = Due(fy_end, f"fiscal_year_end:{self._inp.fiscal_year}", self._close_year)
        if s.status is not AppointmentStatus.active or s.term_start is None or s.term_end is None:
            return [year_end]
        start = start_of_day_jst(s.term_start)
        end = end_of_day_jst(s.term_end)
        if end <= self._inp.appointed.at:
            # an appointment recorded after its term (an existing advisor taken into the
            # system, issue 11 point 2): the term simply ends, no stale reminders
            return [Due(end, f"term_end:{s.term_end.isoformat()}", self._end_term(s.term_end)),
                    year_end]
        open_items = [
            i for i in applicable_items(s.appointee_for_profit) if i != 6 and i not in s.readiness
        ]
        if open_items and now < start:
            out.append(self._reminder(
                start - slas.readiness_before, "readiness", start, "R-READY",
                "【受入準備】着任前の確認事項が未了です",
                f"任用 {self._appointment} の着任日 {i18n.format_date(s.term_start)} までに受入準備の確認"
                f"（項目 {', '.join(map(str, open_items))}）を記録してください。",
            ))
        last = max(
            [start, *s.activity_reviews]
            + [t for k, t in s.reminders.items() if k.startswith("activity_review:")]
        )
        review_at = last + slas.review_every
        if review_at < end:
            out.append(self._reminder(
                review_at, "activity_review", review_at, "R-READY",
                "【活動確認】外部人材の活動内容の確認時期です",
                f"任用 {self._appointment}: 活動内容が当初の想定どおりか、対話により確認し"
                "記録してください（受入準備 項目6）。",
            ))
        if now < end:
            for before in slas.term_end_reminders_before:
                out.append(self._reminder(
                    end - before, f"term_end_{_days(before)}", end, "R-FORM",
                    f"【任期満了】{before.days}日後に任期が満了します",
                    f"任用 {self._appointment} の任期は {i18n.format_date(s.term_end)} に満了します。"
                    "更新（任期の上限内）または終了を決定してください。",
                ))
        out.append(Due(end, f"term_end:{s.term_end.isoformat()}", self._end_term(s.term_end)))
        return [*out, year_end]

    def _reminder(self, at, kind: str, due, rule: str, subject: str, body: str) -> Due:
        async def fire() -> None:
            await notify(to=self._inp.contacts.hr_officer, subject=subject, body=body,
                         kind=f"reminder:{kind}", municipality=self._code)
            await self._execute(RecordReminder(
                actor=SYSTEM, reminder_kind=kind, subject_id=self._appointment, due=due, rule=rule,
                recipient_role="hr_officer",
            ))
            workflow.logger.info("appointment %s: reminder %s sent", self._appointment, kind)

        return Due(at, f"{kind}:{self._appointment}:{due.isoformat()}", fire)

    def _end_term(self, last_day: date):
        async def fire() -> None:
            try:
                await self._execute(EndTerm(
                    actor=SYSTEM, ended_on=last_day, reason=TermEndReason.expired,
                    note="任期満了",
                ))
            except ApplicationError as err:
                workflow.logger.info("appointment %s: end not applicable (%s)",
                                     self._appointment, err.type)

        return fire

    async def _close_year(self) -> None:
        """Fiscal-year end: the municipality's claim for the year gets this appointment."""
        fy = self._inp.fiscal_year
        started = await workflow.execute_activity_method(
            ClaimStarter.ensure_claim,
            ClaimAppointmentInput(
                claim=ClaimInput(municipality=self._inp.appointed.municipality, fiscal_year=fy,
                                 contacts=self._inp.contacts,
                                 settle=self._inp.slas.claim_settle),
                appointment_id=self._appointment,
            ),
            start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY,
        )
        self._claims.append(fy)
        if started.already_closed:  # that year's claim was decided already
            self._decided_claims.add(fy)
        workflow.logger.info("appointment %s: fiscal year %d closed (claim %s)",
                             self._appointment, fy, started.workflow_id)
        self._year_closed = True
