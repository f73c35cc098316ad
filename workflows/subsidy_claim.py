"""SubsidyClaimWorkflow — the special allocation tax claim (特別交付税) of one municipality for
one fiscal year, id ``subsidy:{municipality}:{fiscal_year}``.

Signalled-with-start by every appointment of the municipality at its fiscal-year end
(``appointment_year_closed``), so several appointments share one claim. After a settling
period with no further signal it gathers the year's cost events of all the municipality's
appointments and campaigns from the event store, assesses them with the R-SUB rules
(``domain.assessments.assess_subsidy``: one advisor counted across all appointments,
R-SUB-5), drafts the claim (SubsidyAssessed + SubsidyClaimDrafted) and waits for the
approver; then records the submission and MIC's decision.

The domain has no claim commands yet: the small state machine below (``_check``) is this
workflow's own, with ``AUTH-ROLE`` / ``STATE-CLAIM-STAGE`` codes like the domain's.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

# Deterministic code (the domain, the messages, workflows.common) is passed through the
# sandbox: imported once per worker, not again for every workflow run.
with workflow.unsafe.imports_passed_through():
    from activities.models import AssessYear, CostsForYear, LoadCosts, YearAssessment
    from domain.commands import SYSTEM, Actor
    from domain.errors import RuleViolation
    from domain.events import (
        DomainEvent,
        SubsidyAssessed,
        SubsidyClaimApproved,
        SubsidyClaimDrafted,
        SubsidyClaimed,
        SubsidyDecided,
    )
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
        ApproveClaim,
        ClaimInput,
        ClaimView,
        CommandResult,
        RecordDecision,
        RecordSubmission,
        RedraftClaim,
    )

_NEXT = {"approve": "drafted", "redraft": "drafted", "submit": "approved", "decide": "submitted"}
_ROLE = {"approve": "approver", "redraft": "hr_officer", "submit": "hr_officer",
         "decide": "hr_officer"}


@workflow.defn(name="SubsidyClaimWorkflow")
class SubsidyClaimWorkflow:
    @workflow.init
    def __init__(self, inp: ClaimInput) -> None:
        self._inp = inp
        self._code = inp.municipality.code or ""
        self._id = ids.claim_id(self._code, inp.fiscal_year)
        self._writer = EventWriter(self._code)
        self._stage = "collecting"
        self._appointments: list[str] = []
        self._assessment: dict | None = None
        self._amount: int | None = None
        self._granted: int | None = None
        self._lock = asyncio.Lock()

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
            try:
                await workflow.wait_condition(
                    lambda n=seen: len(self._appointments) != n, timeout=inp.settle
                )
            except TimeoutError:
                break
        async with self._lock:
            await self._draft(SYSTEM)
        await notify(
            to=inp.contacts.approver,
            subject=f"【特別交付税】{inp.fiscal_year}年度の申請案の承認をお願いします",
            body=f"{inp.municipality.name} の {inp.fiscal_year}年度 CIO補佐官等 特別交付税措置の"
                 f"申請案（措置額 {self._amount:,}円）を確認し、承認してください。",
            kind="claim:drafted", municipality=self._code,
        )
        await workflow.wait_condition(lambda: self._stage == "decided")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # ------------------------------------------------------------------ signal

    @workflow.signal(name="appointment_year_closed")
    async def appointment_year_closed(self, sig: AppointmentYearClosed) -> None:
        if sig.appointment_id in self._appointments:
            return
        self._appointments.append(sig.appointment_id)
        if self._stage == "drafted":  # a late appointment: draft again before approval
            async with self._lock:
                if self._stage == "drafted":
                    await self._draft(SYSTEM)

    # ------------------------------------------------------------------ updates

    def _check(self, step: str, actor: Actor) -> None:
        no_system_actor(actor)
        if actor.role != _ROLE[step]:
            raise RuleViolation("AUTH-ROLE", f"this step needs the role {_ROLE[step]}, "
                                f"not {actor.role}", "actor.role")
        if self._stage != _NEXT[step]:
            raise RuleViolation("STATE-CLAIM-STAGE", f"cannot {step} a claim that is "
                                f"{self._stage}", None)

    def _validate(self, step: str, actor: Actor) -> None:
        try:
            self._check(step, actor)
        except RuleViolation as v:
            raise refusal(v) from None

    async def _do(self, step: str, actor: Actor, events: list[DomainEvent], stage: str) -> CommandResult:
        async with self._lock:
            self._validate(step, actor)
            await self._append(events, actor)
            self._stage = stage
            upsert_search_attributes(stage=stage)
        return CommandResult(events=[e.type for e in events], stage=stage,  # type: ignore[attr-defined]
                             version=self._writer.versions.get(self._id, 0))

    @workflow.update(name="approve")
    async def approve(self, cmd: ApproveClaim) -> CommandResult:
        ev = SubsidyClaimApproved(at=workflow.now(), by=cmd.actor.id, claim_id=self._id)
        return await self._do("approve", cmd.actor, [ev], "approved")

    @approve.validator
    def _v_approve(self, cmd: ApproveClaim) -> None:
        self._validate("approve", cmd.actor)

    @workflow.update(name="redraft")
    async def redraft(self, cmd: RedraftClaim) -> CommandResult:
        async with self._lock:
            self._validate("redraft", cmd.actor)
            events = await self._draft(cmd.actor)
        return CommandResult(events=[e.type for e in events], stage=self._stage,  # type: ignore[attr-defined]
                             version=self._writer.versions.get(self._id, 0))

    @redraft.validator
    def _v_redraft(self, cmd: RedraftClaim) -> None:
        self._validate("redraft", cmd.actor)

    @workflow.update(name="record_submission")
    async def record_submission(self, cmd: RecordSubmission) -> CommandResult:
        ev = SubsidyClaimed(at=workflow.now(), by=cmd.actor.id, claim_id=self._id,
                            submitted_on=cmd.submitted_on)
        return await self._do("submit", cmd.actor, [ev], "submitted")

    @record_submission.validator
    def _v_submission(self, cmd: RecordSubmission) -> None:
        self._validate("submit", cmd.actor)

    @workflow.update(name="record_decision")
    async def record_decision(self, cmd: RecordDecision) -> CommandResult:
        ev = SubsidyDecided(at=workflow.now(), by=cmd.actor.id, claim_id=self._id,
                            granted_yen=cmd.granted_yen, decided_on=cmd.decided_on)
        result = await self._do("decide", cmd.actor, [ev], "decided")
        self._granted = cmd.granted_yen
        return result

    @record_decision.validator
    def _v_decision(self, cmd: RecordDecision) -> None:
        self._validate("decide", cmd.actor)

    # ------------------------------------------------------------------ drafting

    async def _draft(self, actor: Actor) -> list[DomainEvent]:
        inp = self._inp
        costs = await workflow.execute_activity(
            "load_costs", LoadCosts(municipality_code=self._code, fiscal_year=inp.fiscal_year),
            result_type=CostsForYear, start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=STORE_RETRY,
        )
        assessed = await workflow.execute_activity(
            "assess_year",
            AssessYear(municipality=inp.municipality, fiscal_year=inp.fiscal_year, costs=costs),
            result_type=YearAssessment, start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=STORE_RETRY,
        )
        a = assessed.assessment
        now = workflow.now()
        events: list[DomainEvent] = [
            SubsidyAssessed(
                at=now, by=actor.id, fiscal_year=inp.fiscal_year, eligible=a["eligible"],
                total_measure_yen=a["total_measure_yen"], assessment=a,
                rules=tuple(dict.fromkeys(r["code"] for r in a.get("reasons", []))),
            ),
            SubsidyClaimDrafted(
                at=now, by=actor.id, claim_id=self._id, fiscal_year=inp.fiscal_year,
                amount_yen=a["total_measure_yen"],
            ),
        ]
        await self._append(events, actor)
        self._assessment, self._amount = a, a["total_measure_yen"]
        if self._stage != "drafted":
            self._stage = "drafted"
            upsert_search_attributes(stage="drafted")
        workflow.logger.info("claim %s drafted: %d yen", self._id, self._amount)
        return events

    async def _append(self, events: list[DomainEvent], actor: Actor) -> None:
        await self._writer.append(self._id, "subsidy", events, actor)

    # ------------------------------------------------------------------ query

    @workflow.query(name="status")
    def status(self) -> ClaimView:
        return ClaimView(
            workflow_id=self._id, municipality_code=self._code,
            fiscal_year=self._inp.fiscal_year, stage=self._stage,
            assessment=self._assessment, amount_yen=self._amount, granted_yen=self._granted,
            appointments=list(self._appointments),
            version=self._writer.versions.get(self._id, 0),
        )
