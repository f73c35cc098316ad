"""SubsidyClaimWorkflow — the special allocation tax claim (特別交付税) of one municipality for
one fiscal year, id ``subsidy:{municipality}:{fiscal_year}``.

Signalled-with-start by every appointment of the municipality at its fiscal-year end
(``appointment_year_closed``), so several appointments share one claim. After a settling
period with no further signal it gathers the year's cost events of all the municipality's
appointments and campaigns from the event store, assesses them with the R-SUB rules
(``domain.assessments.assess_subsidy``: one advisor counted across all appointments,
R-SUB-5), drafts the claim (SubsidyAssessed + SubsidyClaimDrafted) and waits for the
approver; then records the submission and MIC's decision.

The claim is a domain aggregate (``domain.claim``): the workflow validates each step with
``claim.check`` and appends what ``claim.decide`` returns, like the campaign and the
appointment. Gathering and assessing the year's costs is one activity
(``assess_claim_year``, since patch ``claim-assess-one-activity``; earlier histories ran
``load_costs`` then ``assess_year``, so the cost list crossed the history twice).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow

# Deterministic code (the domain, the messages, workflows.common) is passed through the
# sandbox: imported once per worker, not again for every workflow run.
with workflow.unsafe.imports_passed_through():
    from activities.claims import ClaimActivities
    from activities.models import ClaimAssessment, ClaimYear
    from domain import claim, i18n
    from domain.commands import (
        SYSTEM,
        Actor,
        ApproveClaim,
        Command,
        DraftClaim,
        DraftClaimNow,
        RecordDecision,
        RecordSubmission,
        RedraftClaim,
    )
    from domain.errors import RuleViolation
    from domain.events import DomainEvent
    from workflows import ids
    from workflows.common import (
        STORE_RETRY,
        STORE_TIMEOUT,
        EventWriter,
        no_system_actor,
        notify,
        refusal,
        upsert_search_attributes,
    )
    from workflows.models import (
        AppointmentYearClosed,
        ClaimInput,
        ClaimView,
        CommandResult,
    )

# Since this patch the year's costs are gathered and assessed by one activity.
ONE_ASSESS_ACTIVITY_PATCH = "claim-assess-one-activity"
# Since this patch the decided claim signals its appointments (late costs, issue 11 point 2).
TELL_APPOINTMENTS_PATCH = "claim-tells-appointments"


@workflow.defn(name="SubsidyClaimWorkflow")
class SubsidyClaimWorkflow:
    @workflow.init
    def __init__(self, inp: ClaimInput) -> None:
        self._inp = inp
        self._code = inp.municipality.code or ""
        self._state = claim.new_claim(self._code, inp.fiscal_year)
        self._id = self._state.claim_id
        self._writer = EventWriter(self._code)
        self._appointments: list[str] = []
        self._lock = asyncio.Lock()
        self._draft_now = False  # an officer's DraftClaimNow ends the settle period
        self._drafts_at: datetime | None = None

    @property
    def _stage(self) -> str:
        return self._state.stage.value

    @workflow.run
    async def run(self, inp: ClaimInput) -> ClaimView:
        upsert_search_attributes(
            municipality=self._code, prefecture=inp.municipality.prefecture,
            fiscal_year=inp.fiscal_year, stage=self._stage,
        )
        # settle: draft once no appointment has reported for ``settle``
        seen = -1
        while seen != len(self._appointments):
            seen = len(self._appointments)
            self._drafts_at = workflow.now() + inp.settle
            try:
                await workflow.wait_condition(
                    lambda n=seen: len(self._appointments) != n or self._draft_now,
                    timeout=inp.settle,
                )
            except TimeoutError:
                break
        self._drafts_at = None
        async with self._lock:
            await self._draft(SYSTEM)
        await notify(
            to=inp.contacts.approver,
            subject=f"【特別交付税】{i18n.reiwa_year(inp.fiscal_year)}の申請案の承認をお願いします",
            body=f"{inp.municipality.name} の {i18n.reiwa_year(inp.fiscal_year)} CIO補佐官等 "
                 f"特別交付税措置の申請案（措置額 {i18n.format_yen(self._state.amount_yen or 0)}）"
                 "を確認し、承認してください。",
            kind="claim:drafted", municipality=self._code,
        )
        await workflow.wait_condition(lambda: self._state.stage is claim.ClaimStage.decided)
        if workflow.patched(TELL_APPOINTMENTS_PATCH):
            await self._tell_appointments_decided()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    async def _tell_appointments_decided(self) -> None:
        """The appointments whose year this claim covers stop taking late costs (an ended
        term keeps taking them until its year's claim is decided, issue 11 point 2)."""
        for appointment_id in self._appointments:
            handle = workflow.get_external_workflow_handle(
                ids.appointment_id(self._code, appointment_id))
            try:
                await handle.signal("claim_decided", self._inp.fiscal_year)
            except Exception as err:  # noqa: BLE001 - a finished appointment needs nothing
                workflow.logger.info("claim %s: %s not told (%s)", self._id, appointment_id, err)

    # ------------------------------------------------------------------ signal

    @workflow.signal(name="appointment_year_closed")
    async def appointment_year_closed(self, sig: AppointmentYearClosed) -> None:
        if sig.appointment_id in self._appointments:
            return
        self._appointments.append(sig.appointment_id)
        if self._state.stage is claim.ClaimStage.drafted:  # a late appointment: draft again
            async with self._lock:
                if self._state.stage is claim.ClaimStage.drafted:
                    await self._draft(SYSTEM)

    # ------------------------------------------------------------------ updates

    def _validate(self, cmd: Command) -> None:
        """The domain's guard (role and stage); people never act as the system."""
        try:
            no_system_actor(cmd.actor)
            claim.check(self._state, cmd)
        except RuleViolation as v:
            raise refusal(v) from None

    def _result(self, events: list[DomainEvent]) -> CommandResult:
        return CommandResult(events=[e.type for e in events], stage=self._stage,  # type: ignore[attr-defined]
                             version=self._writer.versions.get(self._id, 0))

    async def _decide(self, cmd: Command) -> CommandResult:
        now = workflow.now()
        async with self._lock:
            self._validate(cmd)
            events = claim.decide(self._state, cmd, now)
            await self._append(events, cmd.actor)
            upsert_search_attributes(stage=self._stage)
        return self._result(events)

    @workflow.update(name="approve")
    async def approve(self, cmd: ApproveClaim) -> CommandResult:
        return await self._decide(cmd)

    @approve.validator
    def _v_approve(self, cmd: ApproveClaim) -> None:
        self._validate(cmd)

    @workflow.update(name="redraft")
    async def redraft(self, cmd: RedraftClaim) -> CommandResult:
        async with self._lock:
            self._validate(cmd)
            events = await self._draft(cmd.actor)
        return self._result(events)

    @redraft.validator
    def _v_redraft(self, cmd: RedraftClaim) -> None:
        self._validate(cmd)

    @workflow.update(name="draft_now")
    async def draft_now(self, cmd: DraftClaimNow) -> CommandResult:
        """End the settle period: the claim drafts now (issue 11 point 3)."""
        self._validate(cmd)
        self._draft_now = True
        await workflow.wait_condition(
            lambda: self._state.stage is not claim.ClaimStage.collecting
        )
        return self._result([])

    @draft_now.validator
    def _v_draft_now(self, cmd: DraftClaimNow) -> None:
        self._validate(cmd)

    @workflow.update(name="record_submission")
    async def record_submission(self, cmd: RecordSubmission) -> CommandResult:
        return await self._decide(cmd)

    @record_submission.validator
    def _v_submission(self, cmd: RecordSubmission) -> None:
        self._validate(cmd)

    @workflow.update(name="record_decision")
    async def record_decision(self, cmd: RecordDecision) -> CommandResult:
        return await self._decide(cmd)

    @record_decision.validator
    def _v_decision(self, cmd: RecordDecision) -> None:
        self._validate(cmd)

    # ------------------------------------------------------------------ drafting

    async def _draft(self, actor: Actor) -> list[DomainEvent]:
        """Assess the year's costs and draft the claim (``DraftClaim`` by ``actor``)."""
        inp = self._inp
        if workflow.patched(ONE_ASSESS_ACTIVITY_PATCH):
            assessed: ClaimAssessment = await workflow.execute_activity_method(
                ClaimActivities.assess_claim_year,
                ClaimYear(municipality=inp.municipality, fiscal_year=inp.fiscal_year),
                start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY,
            )
            assessment = assessed.assessment
        else:
            assessment = await self._assess_before_patch()
        was = self._state.stage
        events = claim.decide(self._state, DraftClaim(actor=actor, assessment=assessment),
                              workflow.now())
        await self._append(events, actor)
        if was is not claim.ClaimStage.drafted:
            upsert_search_attributes(stage=self._stage)
        workflow.logger.info("claim %s drafted: %d yen", self._id, self._state.amount_yen)
        return events

    async def _assess_before_patch(self) -> dict:
        """Histories recorded before ``ONE_ASSESS_ACTIVITY_PATCH`` loaded the costs with one
        activity and assessed them with another. Only replays take this path (the two
        activities are gone), so their results are read back as plain data."""
        inp = self._inp
        costs = await workflow.execute_activity(
            "load_costs", {"municipality_code": self._code, "fiscal_year": inp.fiscal_year},
            result_type=dict, start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY,
        )
        assessed = await workflow.execute_activity(
            "assess_year",
            {"municipality": inp.municipality.model_dump(mode="json"),
             "fiscal_year": inp.fiscal_year, "costs": costs},
            result_type=dict, start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY,
        )
        return assessed["assessment"]

    async def _append(self, events: list[DomainEvent], actor: Actor) -> None:
        await self._writer.append(self._id, "subsidy", events, actor)
        self._state = claim.fold_claim(events, self._state)

    # ------------------------------------------------------------------ query

    @workflow.query(name="status")
    def status(self) -> ClaimView:
        return ClaimView(
            workflow_id=self._id, municipality_code=self._code,
            fiscal_year=self._inp.fiscal_year, stage=self._stage,
            assessment=self._state.assessment, amount_yen=self._state.amount_yen,
            granted_yen=self._state.granted_yen, appointments=list(self._appointments),
            version=self._writer.versions.get(self._id, 0),
            waits_for=claim.waits_for(self._state.stage), drafts_at=self._drafts_at,
            labels={"stage": i18n.label("claim_stage", self._stage)},
        )
