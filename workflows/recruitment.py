"""RecruitmentWorkflow — one recruitment campaign, from the role definition to the
appointment (or cancellation / closing), id ``recruitment:{municipality}:{campaign}``.

People's commands arrive as the update ``command`` (a ``domain.commands`` model): the
validator runs ``domain.recruitment.decide`` against the live state, so a refused command
changes nothing and the client gets the rule code; the handler decides again under the
workflow's lock, appends the events (campaign stream, or the application's own stream),
and folds them into the state.

Timers (reminders and deadlines) are recomputed from the state after every change:
posting deadline reminders (7 and 1 days before, by default) and the automatic close at
the deadline (R-POST-4); a screening-SLA digest; interview-feedback reminders; offer
expiry; the pledge reminder and the pledge deadline (R-PLEDGE-3: PledgeExpired, the offer
lapses).

After the appointment the campaign stays open for recruitment costs (an agency's success
fee is often paid after the hire, R-SUB-4) until the end of that fiscal year, then ends.

Bounded history (600+ applicants): the workflow continues-as-new when its history grows
past ``continue_as_new_after`` events, carrying the folded state (personal data of
rejected and withdrawn applicants is dropped from the carried state; it stays in the
event store).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ParentClosePolicy

# Deterministic code (the domain, the messages, workflows.common) is passed through the
# sandbox: imported once per worker, not again for every workflow run.
with workflow.unsafe.imports_passed_through():
    from activities.documents import DocumentActivities
    from activities.models import RenderPostingInput
    from domain import i18n
    from domain.admission import admit
    from domain.commands import (
        SYSTEM,
        Actor,
        ClosePosting,
        Command,
        DefineRole,
        ExpirePledges,
        LapseOffer,
        RecordReminder,
    )
    from domain.errors import RuleViolation
    from domain.events import (
        ApplicantShortlisted,
        Appointed,
        DomainEvent,
        PledgeRequested,
        PostingCloseReason,
        PostingDeadlineExtended,
        PostingPublished,
        Reposted,
        RoleSubmittedForApproval,
    )
    from domain.fiscal import fiscal_year_of, japan_date
    from domain.recruitment import decide
    from domain.state import (
        INACTIVE_APPLICATION,
        TERMINAL_STAGES,
        ApplicationState,
        OfferStatus,
        RecruitmentState,
        Stage,
        apply_recruitment,
    )
    from domain.streams import kind_of as stream_kind
    from workflows import ids
    from workflows.appointment import AppointmentWorkflow
    from workflows.common import (
        STORE_RETRY,
        STORE_TIMEOUT,
        Due,
        EventWriter,
        Timers,
        appendable,
        folded,
        no_system_actor,
        notify,
        refusal,
        start_of_day_jst,
        upsert_search_attributes,
    )
    from workflows.models import (
        ApplicationQuery,
        AppointmentInput,
        CampaignCommand,
        CampaignInput,
        CampaignReply,
        CampaignView,
        CarriedCampaign,
        CommandResult,
    )

# A campaign started with update-with-start writes RoleDefined before it sets its search
# attributes (earlier histories set them first).
DEFINE_FIRST_PATCH = "define-before-search-attributes"
# A role left waiting for approval reminds the approver (CampaignSlas.approval).
APPROVAL_REMINDER_PATCH = "approval-reminder"

PERSONAL_APPLICATION_FIELDS = ("name", "contact", "career_history", "profile", "conflict_of_interest")


def _days(d: timedelta) -> str:
    return f"{d.days}d" if d.days and not d.seconds else f"{int(d.total_seconds())}s"


@workflow.defn(name="RecruitmentWorkflow")
class RecruitmentWorkflow:
    @workflow.init
    def __init__(self, inp: CampaignInput) -> None:
        define = inp.define
        if not isinstance(define, DefineRole):
            raise ApplicationError("the campaign starts with DefineRole", non_retryable=True)
        self._inp = inp
        self._code = define.municipality.code or ""
        self._campaign = define.campaign_id
        carried = inp.carried
        self._state: RecruitmentState = carried.state if carried else RecruitmentState()
        self._writer = EventWriter(self._code, carried.versions if carried else None)
        self._timers = Timers(carried.fired if carried else ())
        self._screening_reminded: set[str] = set(carried.screening_reminded if carried else ())
        # when each deadline was (re)set: a reminder due before that moment is never sent
        # (a 5-day posting gets no "7 days left" reminder)
        self._set_at: dict[str, datetime] = dict(carried.deadline_set_at if carried else {})
        self._runs = (carried.runs + 1) if carried else 1
        self._lock = asyncio.Lock()
        self._appointment_wf: str | None = None
        self._ready = carried is not None  # the first event (RoleDefined) is written
        self._tails: dict[str, asyncio.Task] = {}  # the last pending write per stream
        self._broken: BaseException | None = None
        self._sa_stage = self._state.stage.value
        self._open_until: datetime | None = carried.open_until if carried else None
        self._first: CommandResult | None = None  # what DefineRole wrote (update ``started``)
        self._refused: ApplicationError | None = None  # DefineRole's refusal, if it was

    # ------------------------------------------------------------------ run

    @workflow.run
    async def run(self, inp: CampaignInput) -> CampaignView:
        define = inp.define
        assert isinstance(define, DefineRole)
        if inp.carried is not None or not workflow.patched(DEFINE_FIRST_PATCH):
            self._publish_search_attributes(define)
        if inp.carried is None:
            async with self._lock:
                try:
                    events = await self._execute(define)
                except ApplicationError as err:
                    workflow.logger.warning("campaign %s: role definition refused", self._campaign)
                    # the update ``started`` (update-with-start) answers the refusal first
                    self._refused = err
                    await workflow.wait_condition(workflow.all_handlers_finished)
                    raise
            self._first = self._result(events)
            if workflow.patched(DEFINE_FIRST_PATCH):
                # started with update-with-start, the campaign is listable once it exists:
                # a refused role definition leaves no listed campaign behind
                self._publish_search_attributes(define)
        self._ready = True
        await self._timers.run(self._due, self._should_stop, self._lock)
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._broken is not None:
            raise ApplicationError(
                f"writing the campaign's events failed: {type(self._broken).__name__}",
                type="EventStoreWriteFailed", non_retryable=True,
            )
        if self._state.stage not in TERMINAL_STAGES:
            workflow.logger.info(
                "campaign %s continues as new after %d history events",
                self._campaign, workflow.info().get_current_history_length(),
            )
            workflow.continue_as_new(self._carry(inp))
        return self.status()

    def _publish_search_attributes(self, define: DefineRole) -> None:
        upsert_search_attributes(
            municipality=self._code,
            prefecture=define.municipality.prefecture,
            persona=define.role.persona.value,
            fiscal_year=fiscal_year_of(japan_date(workflow.now())),
            stage=self._state.stage.value,
        )

    def _should_stop(self) -> bool:
        if self._broken is not None:
            return True
        if self._state.stage in TERMINAL_STAGES:
            return (
                self._state.stage is not Stage.appointed
                or self._open_until is None
                or workflow.now() >= self._open_until
            )
        info = workflow.info()
        return (
            info.get_current_history_length() >= self._inp.continue_as_new_after
            or info.is_continue_as_new_suggested()
        )

    def _carry(self, inp: CampaignInput) -> CampaignInput:
        apps = {
            k: (
                a.model_copy(update=dict.fromkeys(PERSONAL_APPLICATION_FIELDS))
                if a.status in INACTIVE_APPLICATION
                else a
            )
            for k, a in self._state.applications.items()
        }
        return inp.model_copy(
            update={
                "carried": CarriedCampaign(
                    state=self._state.model_copy(update={"applications": apps}),
                    versions=self._writer.versions,
                    fired=sorted(self._timers.fired),
                    screening_reminded=sorted(self._screening_reminded),
                    deadline_set_at=self._set_at,
                    open_until=self._open_until,
                    runs=self._runs,
                )
            }
        )

    # ------------------------------------------------------------------ commands

    @workflow.update(name="command")
    async def command(self, cmd: CampaignCommand) -> CommandResult:
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            events = self._decide(cmd)
            write = self._fold_and_write(events, cmd.actor) if events else None
        # the append runs outside the lock: commands on other streams (600 applications)
        # are written concurrently; appends to one stream stay in decision order
        if write is not None:
            await write
            await self._after_commit(events)
        return self._result(events)

    def _result(self, events: list[DomainEvent]) -> CommandResult:
        return CommandResult(
            events=[e.type for e in events],  # type: ignore[attr-defined]
            stage=self._state.stage.value,
            findings=i18n.findings_of(events), version=self._state.version,
        )

    @command.validator
    def _validate_command(self, cmd: CampaignCommand) -> None:
        try:
            no_system_actor(cmd.actor)
            admit(cmd, workflow.now())  # future dates (validators do not run on replay)
            if isinstance(cmd, DefineRole) and cmd.campaign_id != self._campaign:
                raise RuleViolation("STATE-CAMPAIGN-MISMATCH", "another campaign's id", "campaign_id")
            if self._ready:  # else the handler decides once the role is written
                appendable(decide(self._state, cmd, workflow.now()))
        except RuleViolation as v:
            raise refusal(v) from None

    @workflow.update(name="command_view")
    async def command_view(self, cmd: CampaignCommand) -> CampaignReply:
        """``command``, answered together with the status right after it (for the API)."""
        accepted = await self.command(cmd)
        return CampaignReply(accepted=accepted, status=self.status())

    @command_view.validator
    def _validate_command_view(self, cmd: CampaignCommand) -> None:
        self._validate_command(cmd)

    @workflow.update(name="started")
    async def started(self) -> CampaignReply:
        """The first command's answer: what ``DefineRole`` (the workflow's input) wrote and
        the status after it — or its refusal (the rule code). Sent with the start
        (update-with-start), so the API answers a new campaign without deciding anything
        itself and without polling the store."""
        await workflow.wait_condition(lambda: self._ready or self._refused is not None)
        if self._refused is not None:
            raise self._refused
        assert self._first is not None, "a carried-over campaign has no first command here"
        return CampaignReply(accepted=self._first, status=self.status())

    def _decide(self, cmd: Command) -> list[DomainEvent]:
        try:
            return appendable(decide(self._state, cmd, workflow.now()))
        except RuleViolation as v:
            raise refusal(v) from None

    async def _execute(self, cmd: Command) -> list[DomainEvent]:
        """Decide, append, fold — all before returning. Caller holds the lock."""
        events = self._decide(cmd)
        if events:
            await self._fold_and_write(events, cmd.actor)
            await self._after_commit(events)
        return events

    def _fold_and_write(self, events: list[DomainEvent], actor: Actor) -> asyncio.Task:
        """Fold the decided events into the state now (so the next command is decided on
        them) and start writing them. The write task chains after earlier writes to the
        same streams; a failed write (another writer) fails the workflow, never a silent
        divergence between the state and the store."""
        batches: list[tuple[str, list[DomainEvent]]] = []
        for e in events:  # consecutive events of one stream go in one atomic append
            stream = self._stream_of(e)
            if batches and batches[-1][0] == stream:
                batches[-1][1].append(e)
            else:
                batches.append((stream, [e]))
        streams = {s for s, _ in batches}
        before = [self._tails[s] for s in streams if s in self._tails]
        # fold first: an event the state cannot take is refused before it is written, and
        # a written event is always in the state (issue 10 point 2)
        state = folded(self._state, events, apply_recruitment)

        async def write() -> None:
            try:
                for t in before:
                    await t
                for stream, batch in batches:
                    await self._append(stream, batch, actor)
            except BaseException as err:
                self._broken = err
                raise

        task = asyncio.create_task(write())
        for s in streams:
            self._tails[s] = task

        def forget(t: asyncio.Task) -> None:
            for s in streams:
                if self._tails.get(s) is t:
                    del self._tails[s]

        task.add_done_callback(forget)
        self._state = state
        for e in events:
            if isinstance(e, PostingPublished | Reposted | PostingDeadlineExtended):
                self._set_at["posting"] = e.at
            elif isinstance(e, PledgeRequested):
                self._set_at[f"pledge:{e.application_id}"] = e.at
            elif isinstance(e, RoleSubmittedForApproval):
                self._set_at["submitted"] = e.at
            elif isinstance(e, Appointed) and workflow.patched("campaign-open-for-costs"):
                # an agency's success fee is often paid after the hire: the campaign takes
                # recruitment costs (R-SUB-4) until the end of that fiscal year
                fy = fiscal_year_of(japan_date(e.at))
                self._open_until = start_of_day_jst(date(fy + 1, 4, 1))
        return task

    async def _after_commit(self, events: list[DomainEvent]) -> None:
        """Once written: reschedule timers, publish the stage, start what follows."""
        self._timers.poke()
        if self._state.stage.value != self._sa_stage:
            self._sa_stage = self._state.stage.value
            upsert_search_attributes(stage=self._sa_stage)
        for e in events:
            if isinstance(e, Appointed):
                await self._start_appointment(e)
            elif isinstance(e, PostingPublished | Reposted) and workflow.patched(
                "send-posting-document"
            ):  # added after the first recorded histories: they replay without it
                await self._send_posting(e)
            elif isinstance(e, RoleSubmittedForApproval | ApplicantShortlisted) and (
                workflow.patched("ask-approver")
            ):  # the approver hears when something waits for them (older histories: not)
                await self._ask_approver(e)

    async def _ask_approver(self, e: RoleSubmittedForApproval | ApplicantShortlisted) -> None:
        title = self._state.role.title if self._state.role else "CIO補佐官等"
        if isinstance(e, RoleSubmittedForApproval):
            subject, kind = f"【承認依頼】{title}の役割定義", "approval:role"
            body = (f"募集（{self._campaign}）の役割定義（人材像・業務・関与する取組・任用形態・"
                    "条件）の承認をお願いします（R-POST-1）。")
        else:
            subject, kind = f"【承認依頼】{title}の内定", "approval:offer"
            body = (f"募集（{self._campaign}）で応募 {e.application_id} が最終候補になりました。"
                    "内定の条件（任用形態・任期・報酬）の承認をお願いします（R-FORM）。")
        await notify(to=self._inp.contacts.approver, subject=subject, body=body, kind=kind,
                     municipality=self._code)

    def _stream_of(self, e: DomainEvent) -> str:
        if type(e).stream == "application":
            return ids.application_stream(self._code, self._campaign, e.application_id)  # type: ignore[attr-defined]
        return ids.campaign_id(self._code, self._campaign)

    async def _append(self, stream: str, events: list[DomainEvent], actor: Actor) -> None:
        kind = stream_kind(stream)  # "application" or "recruitment"
        await self._writer.append(stream, kind, events, actor)

    async def _start_appointment(self, e: Appointed) -> None:
        wf_id = ids.appointment_id(self._code, e.appointment_id)
        await workflow.start_child_workflow(
            AppointmentWorkflow.run,
            AppointmentInput(
                appointed=e,
                campaign_workflow_id=workflow.info().workflow_id,
                contacts=self._inp.contacts,
                fiscal_year=fiscal_year_of(e.terms.term.start),
            ),
            id=wf_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        self._appointment_wf = wf_id
        workflow.logger.info("campaign %s: appointment workflow %s started", self._campaign, wf_id)

    async def _send_posting(self, e: PostingPublished | Reposted) -> None:
        """The posting in the standard recruitment format (標準募集様式) to the HR officer,
        ready to publish on the chosen channels (R-POST-2/3)."""
        doc = await workflow.execute_activity_method(
            DocumentActivities.render_posting,
            RenderPostingInput(role=e.posting.role, details=e.posting.details),
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=STORE_RETRY,
        )
        await notify(
            to=self._inp.contacts.hr_officer,
            subject=f"【募集要項】{e.posting.role.title}（標準募集様式）",
            body=doc.markdown,
            kind="posting:published",
            municipality=self._code,
        )

    # ------------------------------------------------------------------ queries

    @workflow.query(name="status")
    def status(self) -> CampaignView:
        s = self._state
        return CampaignView(
            workflow_id=workflow.info().workflow_id,
            campaign_id=self._campaign,
            municipality_code=self._code,
            stage=s.stage.value,
            deadline=s.deadline,
            posting_open=s.posting_open,
            repost_count=s.repost_count,
            applications=len(s.applications),
            applications_by_status=dict(Counter(a.status.value for a in s.applications.values())),
            live_offer=s.live_offer,
            appointment_id=s.appointment_id,
            appointment_workflow_id=(
                ids.appointment_id(self._code, s.appointment_id) if s.appointment_id else None
            ),
            version=s.version,
            reminders=sorted(self._timers.fired),
            runs=self._runs,
            advice=[i18n.finding(a) for a in s.advice],
            labels={"stage": i18n.label("stage", s.stage)} | {
                f"applications_by_status.{a.status.value}": i18n.label(
                    "application_status", a.status)
                for a in s.applications.values()
            },
        )

    @workflow.query(name="application")
    def application(self, q: ApplicationQuery) -> ApplicationState | None:
        """One application's live state (personal data included: the API authorises)."""
        return self._state.applications.get(q.application_id)

    # ------------------------------------------------------------------ timers

    def _due(self) -> list[Due]:
        s, slas, now = self._state, self._inp.slas, workflow.now()
        out: list[Due] = []
        if s.stage in TERMINAL_STAGES:
            if s.stage is Stage.appointed and self._open_until is not None:
                out.append(Due(self._open_until, "campaign_closes", _nothing))
            return out
        if s.posting_open and s.deadline is not None:
            deadline = s.deadline
            set_at = self._set_at.get("posting")
            if now < deadline:
                for before in slas.posting_reminders_before:
                    if set_at is not None and deadline - before <= set_at:
                        continue
                    kind = f"posting_deadline_{_days(before)}"
                    out.append(self._reminder(
                        deadline - before, kind, self._campaign, deadline, "R-POST-4",
                        "hr_officer",
                        f"【募集締切】{_days(before).rstrip('d')}日後に応募締切です",
                        f"募集（{self._campaign}）の応募締切は {_jst(deadline)} です。"
                        f"現在の応募数: {len(s.applications)}件。",
                    ))
            out.append(Due(deadline, f"close:{deadline.isoformat()}", self._close_posting))
        submitted = self._set_at.get("submitted")
        if (s.stage is Stage.awaiting_approval and submitted is not None
                and workflow.patched(APPROVAL_REMINDER_PATCH)):
            at = submitted + slas.approval
            out.append(self._reminder(
                at, "approval_pending", self._campaign, at, "R-POST-1", "approver",
                "【承認依頼】役割定義が承認を待っています",
                f"募集（{self._campaign}）の役割定義は {_jst(submitted)} に承認申請され、"
                f"{slas.approval.days}日が過ぎました。承認または差戻しをお願いします。",
            ))
        out += self._screening_due()
        for app in s.applications.values():
            if not app.active:
                continue
            for iv in app.interviews.values():
                if not iv.recorded:
                    at = iv.scheduled_at + slas.interview_feedback
                    out.append(self._reminder(
                        at, "interview_feedback", f"{app.application_id}/{iv.interview_id}", at,
                        "R-SCR-2", "hr_officer", "【面接記録】面接結果が未入力です",
                        f"応募 {app.application_id} の面接（{iv.interview_id}）の結果"
                        "（具体的なプロジェクト・立場・成果）を記録してください。",
                    ))
            offer = app.offer
            if offer is not None and offer.status is OfferStatus.made and offer.expires_at:
                out.append(Due(
                    offer.expires_at, f"offer_expiry:{app.application_id}:{offer.expires_at.isoformat()}",
                    self._lapse_offer(app.application_id),
                ))
            p = app.pledges
            if (
                offer is not None and offer.status is OfferStatus.accepted
                and p is not None and not p.expired and p.unsigned
            ):
                set_at = self._set_at.get(f"pledge:{app.application_id}")
                remind_at = p.deadline - slas.pledge_reminder_before
                if now < p.deadline and (set_at is None or remind_at > set_at):
                    out.append(self._reminder(
                        p.deadline - slas.pledge_reminder_before, "pledge_deadline",
                        app.application_id, p.deadline, "R-PLEDGE-3", "hr_officer",
                        "【誓約書】署名期限が近づいています",
                        f"応募 {app.application_id} の誓約書（未署名 {len(p.unsigned)}件）の"
                        f"署名期限は {_jst(p.deadline)} です。期限を過ぎると内定は失効します。",
                    ))
                out.append(Due(
                    p.deadline, f"pledge_expiry:{app.application_id}:{p.deadline.isoformat()}",
                    self._expire_pledges(app.application_id),
                ))
        return out

    def _screening_due(self) -> list[Due]:
        """One digest reminder for every application waiting past the screening SLA."""
        sla = self._inp.slas.screening
        waiting = [
            a for a in self._state.applications.values()
            if a.active and a.screening_outcome is None
            and a.application_id not in self._screening_reminded
        ]
        if not waiting:
            return []
        at = min(a.received_at for a in waiting) + sla

        async def fire() -> None:
            now = workflow.now()
            overdue = sorted(a.application_id for a in waiting if a.received_at + sla <= now)
            await notify(
                to=self._inp.contacts.hr_officer,
                subject="【書類選考】選考期限を過ぎた応募があります",
                body=f"募集（{self._campaign}）で書類選考が {sla.days}日を過ぎた応募が"
                     f" {len(overdue)}件あります: {', '.join(overdue[:20])}",
                kind="reminder:screening_sla", municipality=self._code,
            )
            self._screening_reminded.update(overdue)
            await self._execute(RecordReminder(
                actor=SYSTEM, reminder_kind="screening_sla", subject_id=self._campaign,
                due=at, rule="R-SCR-1", recipient_role="hr_officer",
            ))

        return [Due(at, f"screening_sla:{at.isoformat()}", fire)]

    def _reminder(
        self, at: datetime, kind: str, subject_id: str, due: datetime, rule: str,
        recipient: str, subject: str, body: str,
    ) -> Due:
        async def fire() -> None:
            to = getattr(self._inp.contacts, recipient)
            await notify(to=to, subject=subject, body=body, kind=f"reminder:{kind}",
                         municipality=self._code)
            await self._execute(RecordReminder(
                actor=SYSTEM, reminder_kind=kind, subject_id=subject_id, due=due, rule=rule,
                recipient_role=recipient,
            ))
            workflow.logger.info("campaign %s: reminder %s sent", self._campaign, kind)

        return Due(at, f"{kind}:{subject_id}:{due.isoformat()}", fire)

    async def _close_posting(self) -> None:
        await self._system(ClosePosting(actor=SYSTEM, reason=PostingCloseReason.deadline_passed))

    def _lapse_offer(self, application_id: str):
        return lambda: self._system(
            LapseOffer(actor=SYSTEM, application_id=application_id, reason="expired")
        )

    def _expire_pledges(self, application_id: str):
        return lambda: self._system(ExpirePledges(actor=SYSTEM, application_id=application_id))

    async def _system(self, cmd: Command) -> None:
        try:
            await self._execute(cmd)
        except ApplicationError as err:  # the state moved on: nothing to do
            workflow.logger.info("campaign %s: timer %s not applicable (%s)",
                                 self._campaign, cmd.kind, err.type)  # type: ignore[attr-defined]


async def _nothing() -> None:
    """A due item that only wakes the loop (whose stop condition then holds)."""


def _jst(instant: datetime) -> str:
    """An instant as a person reads it: ``令和8年12月20日（日）17時`` in JST (issue 11 point 9)."""
    return i18n.format_deadline(instant)


__all__ = ["RecruitmentWorkflow", "Stage"]
