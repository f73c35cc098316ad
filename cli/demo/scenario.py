"""The demo's campaign, step by step, through the HTTP API as its users use it."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.console import Console

from cli.demo.fixtures import (
    AGENCY,
    AGENCY_FEE_YEN,
    APPROVER,
    HR_OFFICER,
    MONTHLY_PAY_YEN,
    MUNICIPALITY,
    READINESS_NOTES,
    Applicant,
    Pace,
    _today_jst,
    application_body,
    interview_record,
    role_definition,
    roster,
)
from cli.demo.stack import (
    Api,
    _each,
    _progress,
    _wait_until,
)
from domain.fiscal import JST, fiscal_year_of

# ---------------------------------------------------------------- choosing the fiscal year


def demo_fiscal_years(today: date) -> list[int]:
    """Fiscal years, newest first, that have ended and that both the appointment (R-SUB-3)
    and the recruitment (R-SUB-4) measures of the policy table cover (R-SUB-7)."""
    from domain.policy import default_policy

    measures = default_policy().measures
    current = fiscal_year_of(today)
    return [fy for fy in range(current - 1, current - 30, -1)
            if measures.appointment.term_for(fy) and measures.recruitment.term_for(fy)]


async def _year_is_free(store: Any, client: Any, code: str, fy: int) -> bool:
    """No claim and no recorded cost of ``fy`` for the town yet (an earlier demo run in the
    same environment would otherwise mix its payments into this claim)."""
    from temporalio.service import RPCError, RPCStatusCode

    from activities.claims import read_year_costs
    from workflows import ids

    if await store.stream_version(ids.claim_id(code, fy)) > 0:
        return False
    if (await read_year_costs(store, code, fy)).any_paid:
        return False
    try:
        await client.get_workflow_handle(ids.claim_id(code, fy)).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return True
        raise
    return False


# ---------------------------------------------------------------- the campaign


@dataclass
class Run:
    """What the demo created (ids only)."""

    code: str
    campaign: str
    fiscal_year: int
    appointment: str
    chosen: str = ""
    assessment: dict = field(default_factory=dict)
    claim_stage: str = ""
    redrafted: bool = False


class Demo:
    def __init__(self, api: Api, client: Any, store: Any, console: Console, pace: Pace,
                 n: int, fiscal_year: int, task_queue: str) -> None:
        self.api, self.client, self.store, self.console, self.pace = api, client, store, console, pace
        self.task_queue = task_queue
        self.n = n
        code = MUNICIPALITY["code"]
        campaign = f"cio{fiscal_year}-{uuid.uuid4().hex[:6]}"
        self.run = Run(code=code, campaign=campaign, fiscal_year=fiscal_year,
                       appointment=f"{campaign}-advisor")
        self.base = f"/recruitments/{code}/{campaign}"
        self.applicants = roster(n, campaign)
        self.term_start = date(fiscal_year, 4, 1)
        # the term runs past the current fiscal year, so the appointment is still active
        self.term_end = date(fiscal_year_of(_today_jst()) + 1, 3, 31)
        self._deadline: datetime | None = None
        self._deadline_lock = asyncio.Lock()
        self._latency = 0.2  # recent answer time to an application (moving average, seconds)

    def say(self, text: str) -> None:
        self.console.print(text)

    def phase(self, title: str) -> None:
        self.console.rule(f"[bold cyan]{title}")

    # ------------------------------------------------------------ steps

    async def define_and_approve(self) -> None:
        self.phase("1. 役割定義と承認 (R-POST-1, R-SKILL)")
        body = {"campaign_id": self.run.campaign, "municipality": MUNICIPALITY,
                "role": role_definition(self.term_start, self.term_end),
                "contacts": {"hr_officer": "dx@town.bandai.example.jp",
                             "approver": "deputy-mayor@town.bandai.example.jp"}}
        view = await self.api.post("/recruitments", body)
        self.say(f"  campaign [bold]{view['workflow_id']}[/] started — stage {view['stage']}")
        await self.api.post(self.base + "/submit")
        view = await self.api.post(self.base + "/approve", role="approver")
        self.say(f"  role approved by the deputy mayor (CIO) — stage {view['status']['stage']}")

    async def publish(self) -> None:
        self.phase("2. 募集の公開 (標準募集様式, R-POST-2/3/4)")
        seconds = self.pace.deadline_base + self.pace.deadline_per_applicant * self.n
        self._deadline = datetime.now(UTC) + timedelta(seconds=seconds)
        details = {
            "municipality": MUNICIPALITY,
            "deadline": self._deadline.isoformat(),
            "selection": {"document_review": True, "essay": False, "interviews": 1},
            "contact": {"department": "総務課 DX推進係", "email": "dx@town.bandai.example.jp"},
            "channels": [
                {"kind": "own_website"},
                {"kind": "mic_publication"},
                {"kind": "agency", "name": AGENCY, "expected_fee_yen": AGENCY_FEE_YEN},
            ],
        }
        await self.api.post(self.base + "/posting", {"details": details})
        doc = await self.api.get(self.base + "/posting")
        self.say(f"  posting published (sha256 {doc['sha256'][:16]}…); deadline in "
                 f"{seconds:.0f} s — the workflow closes it by itself (R-POST-4)")

    async def _keep_deadline(self, waiting: int) -> None:
        """Extend the deadline (as an officer would) when ``waiting`` applications are still
        to come and, at the pace calls are answered now, might not make it (a busy machine)."""
        async with self._deadline_lock:
            assert self._deadline is not None
            lat = self._latency
            left = (self._deadline - datetime.now(UTC)).total_seconds()
            need = 1.5 + 2 * lat + waiting * lat / self.pace.concurrency
            if left > need:
                return
            new = datetime.now(UTC) + timedelta(seconds=need + 2)
            await self.api.post(self.base + "/deadline", {"new_deadline": new.isoformat()})
            self._deadline = new
            self.say(f"  [yellow]applications still arriving: deadline extended to "
                     f"{new.astimezone(JST):%H:%M:%S} (ExtendPostingDeadline)[/]")

    async def receive_applications(self) -> None:
        pending = len(self.applicants)

        async def receive(a: Applicant) -> None:
            nonlocal pending
            await self._keep_deadline(pending)
            t0 = time.monotonic()
            await self.api.post(self.base + "/applications", application_body(a))
            self._latency = 0.7 * self._latency + 0.3 * (time.monotonic() - t0)
            pending -= 1

        await _each(self.console, f"応募受付 ({self.n} applicants, R-SCR-4)", self.applicants,
                    receive, self.pace.concurrency)

    async def wait_for_deadline(self) -> None:
        assert self._deadline is not None
        left = max(0.0, (self._deadline - datetime.now(UTC)).total_seconds())

        async def closed() -> bool:
            view = await self.api.get(self.base)
            return not view["posting_open"]

        await _wait_until(self.console, "応募締切を待つ (timer, R-POST-4)", closed, left,
                          timeout=left + 30)
        self.say("  posting closed by the workflow at its deadline (PostingClosed, R-POST-4)")

    async def screen(self) -> None:
        self.phase("3. 書類選考 (要件ごとの判定, R-SCR-1, R-SKILL-4)")

        async def screen(a: Applicant) -> None:
            await self.api.post(f"{self.base}/applications/{a.application_id}/screening", {})
            view = await self.api.get(f"{self.base}/applications/{a.application_id}")
            a.outcome = view["screening_outcome"]
            met = sum(1 for r in view["screening_results"] or () if r["verdict"] == "met")
            a.score = met * 10 + len(a.qualifications) + (5 if a.outcome == "passed" else 0)

        await _each(self.console, "書類選考 (per requirement)", self.applicants, screen,
                    self.pace.concurrency)
        counts: dict[str, int] = {}
        for a in self.applicants:
            counts[a.outcome or "?"] = counts.get(a.outcome or "?", 0) + 1
        self.say("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    async def sift(self) -> list[Applicant]:
        """Reject the failed (with the reason, R-SCR-3), record a few withdrawals, and pick
        the interviewees."""
        failed = [a for a in self.applicants if a.outcome == "failed" and not a.chosen]
        others = sorted((a for a in self.applicants if a.outcome != "failed" or a.chosen),
                        key=lambda a: (not a.chosen, -a.score, a.application_id))
        k = min(len(others), max(2, min(5, self.n // 8)))
        interviewees, rest = others[:k], others[k:]
        withdrawing = rest[: self.n // 10]
        not_invited = rest[self.n // 10:]

        async def reject_failed(a: Applicant) -> None:
            await self.api.post(f"{self.base}/applications/{a.application_id}/reject", {
                "reason_code": "requirements_not_met",
                "reason": "必須要件（レベル4相当の資格・経験、又は業務改革経験3年以上）を書類で確認できない"})

        async def withdraw(a: Applicant) -> None:
            await self.api.post(f"{self.base}/applications/{a.application_id}/withdraw",
                                {"reason": "他の内定を受諾したため（本人申出）"})

        async def not_invite(a: Applicant) -> None:
            await self.api.post(f"{self.base}/applications/{a.application_id}/reject", {
                "reason_code": "other",
                "reason": "書類選考: 要件は満たすが、歓迎要件の充足で上位の応募者を面接対象とした"})

        if failed:
            await _each(self.console, "不採用の通知 (理由付き, R-SCR-3)", failed, reject_failed,
                        self.pace.concurrency)
        if withdrawing:
            await _each(self.console, "辞退の記録", withdrawing, withdraw, self.pace.concurrency)
        if not_invited:
            await _each(self.console, "面接対象外 (理由付き, R-SCR-3)", not_invited, not_invite,
                        self.pace.concurrency)
        return interviewees

    async def interview(self, interviewees: list[Applicant]) -> list[Applicant]:
        self.phase("4. 面接 (具体的なプロジェクト・立場・成果, R-SCR-2)")
        when = datetime.now(UTC) + timedelta(minutes=30)

        async def interview(pair: tuple[int, Applicant]) -> None:
            rank, a = pair
            app = f"{self.base}/applications/{a.application_id}"
            await self.api.post(app + "/interviews", {
                "interview_id": "iv1", "scheduled_at": when.isoformat(),
                "interviewers": [APPROVER, HR_OFFICER]})
            await self.api.post(app + "/interview-records",
                                {"interview_id": "iv1", "record": interview_record(a, rank)})
            a.interviewed = True

        await _each(self.console, "面接と記録", list(enumerate(interviewees)), interview,
                    self.pace.concurrency)
        chosen = next(a for a in interviewees if a.chosen)
        backup = next((a for a in interviewees if not a.chosen), None)
        shortlisted = [chosen] + ([backup] if backup else [])
        for a in shortlisted:
            await self.api.post(f"{self.base}/applications/{a.application_id}/shortlist",
                                {"note": "最終候補" if a.chosen else "次点"})
        for a in interviewees:
            if a not in shortlisted:
                await self.api.post(f"{self.base}/applications/{a.application_id}/reject", {
                    "reason_code": "interview_assessment",
                    "reason": "面接: 全庁的な方針立案の具体的な実績が確認できなかった"})
        self.run.chosen = chosen.application_id
        self.say(f"  shortlisted: {', '.join(a.application_id for a in shortlisted)} "
                 f"(interviewed {len(interviewees)})")
        return shortlisted

    async def offer_and_pledges(self, shortlisted: list[Applicant]) -> None:
        self.phase("5. 内定 (承認者の承認, R-FORM) と誓約書 (R-PLEDGE)")
        chosen = shortlisted[0]
        app = f"{self.base}/applications/{chosen.application_id}"
        role = role_definition(self.term_start, self.term_end)
        terms = {"form": role["form"], "term": role["term"], "duties": role["duties"],
                 "initiatives": role["initiatives"], "pay": role["pay"],
                 "advises_on_procurement": True}
        await self.api.post(app + "/offer-approval", {
            "terms": terms, "appointee_for_profit": True, "appointee_employer": chosen.employer,
        }, role="approver")
        self.say(f"  offer to {chosen.application_id} approved by the deputy mayor "
                 "(special part-time: advice, research, diagnosis only — R-FORM-2/5)")
        now = datetime.now(UTC)
        await self.api.post(app + "/offer", {"expires_at": (now + timedelta(days=7)).isoformat()})
        await self.api.post(app + "/offer-accepted",
                            {"pledge_deadline": (now + timedelta(days=14)).isoformat()})
        # too early: the approver may not appoint while pledges are unsigned (nothing recorded)
        refused = await self.api.call("POST", app + "/appoint",
                                      {"appointment_id": self.run.appointment},
                                      role="approver", ok=(409,))
        self.say(f"  appointment before the pledges are signed: refused, "
                 f"[magenta]{refused['error']['code']}[/] (HTTP 409, nothing recorded)")
        state = await self.api.get(app)
        required = [p["item"] for p in state["pledges"]["required"]]
        rules = sorted({p["rule"] for p in state["pledges"]["required"]})
        await self.api.post(app + "/pledges", {"items": required,
                                               "signed_on": _today_jst().isoformat()})
        self.say(f"  offer accepted; {len(required)} pledge items signed ({', '.join(rules)}): "
                 + ", ".join(required))
        # the agency's fee falls due on acceptance: a recruitment cost of the campaign
        # (R-POST-3, R-SUB-4), recorded while the campaign is open (it ends at Appointed)
        await self.api.post(self.base + "/costs", {
            "cost_id": "agency-fee", "cost_kind": "agency_fee", "amount_yen": AGENCY_FEE_YEN,
            "paid_on": date(self.run.fiscal_year, 4, 25).isoformat(),
            "note": f"{AGENCY} 人材紹介・掲載費用（募集経費, 税込）"})
        self.say(f"  agency fee {AGENCY_FEE_YEN:,} yen recorded as a recruitment cost")
        for a in shortlisted[1:]:
            await self.api.post(f"{self.base}/applications/{a.application_id}/reject", {
                "reason_code": "another_candidate_selected",
                "reason": "最終候補者が内定を受諾したため（次点として記録）"})

    async def readiness(self) -> None:
        self.phase("6. 受入準備の確認 (R-READY 1–5)")
        for item, note in READINESS_NOTES.items():
            await self.api.post(self.base + "/readiness", {"item": item, "note": note})
        self.say("  readiness items 1–5 confirmed (item 6, the activity review, follows the start)")

    async def open_claim(self) -> None:
        """Open the town's claim for the fiscal year with a short settling period (the
        appointment's year-end then joins it: signal-with-start of a running claim)."""
        from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy

        from domain.values import Municipality
        from workflows import ids
        from workflows.common import search_attribute_pairs
        from workflows.models import ClaimInput, Contacts
        from workflows.subsidy_claim import SubsidyClaimWorkflow

        m = Municipality(**MUNICIPALITY)
        await self.client.start_workflow(
            SubsidyClaimWorkflow.run,
            ClaimInput(municipality=m, fiscal_year=self.run.fiscal_year,
                       contacts=Contacts(hr_officer="dx@town.bandai.example.jp",
                                         approver="deputy-mayor@town.bandai.example.jp"),
                       settle=timedelta(seconds=self.pace.claim_settle)),
            id=ids.claim_id(m.code or "", self.run.fiscal_year), task_queue=self.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(search_attribute_pairs(
                m.code or "", m.prefecture, "collecting", fiscal_year=self.run.fiscal_year)),
        )

    async def appoint(self) -> None:
        self.phase("7. 任用 (承認者, R-PLEDGE-3)")
        await self.open_claim()
        res = await self.api.post(f"{self.base}/applications/{self.run.chosen}/appoint",
                                  {"appointment_id": self.run.appointment}, role="approver")
        self.say(f"  appointed: [bold]appointment:{self.run.code}:{self.run.appointment}[/] "
                 f"(term {self.term_start} – {self.term_end}); campaign stage "
                 f"{res['status']['stage']}")
        path = f"/appointments/{self.run.code}/{self.run.appointment}"

        async def year_closed() -> bool:
            view = await self.api.get_or_none(path)
            return bool(view) and self.run.fiscal_year in view["claims"] and \
                view["fiscal_year"] > self.run.fiscal_year

        await _wait_until(self.console, f"FY{self.run.fiscal_year} 年度末 (timer → claim)",
                          year_closed, 2, timeout=60)
        await self.api.post(path + "/readiness", {
            "item": 6, "note": "四半期の対話で活動内容が計画どおりであることを確認（R-READY 6）"})

    async def costs(self) -> None:
        self.phase(f"8. 経費の記録 — FY{self.run.fiscal_year} (R-SUB-6)")
        fy = self.run.fiscal_year
        path = f"/appointments/{self.run.code}/{self.run.appointment}/costs"
        months = [date(fy + (m < 4), m, 21) for m in (*range(4, 13), 1, 2, 3)]
        with _progress(self.console) as progress:
            task = progress.add_task(f"月額報酬 {MONTHLY_PAY_YEN:,}円 × 12", total=len(months))
            for paid in months:
                await self.api.post(path, {
                    "cost_id": f"pay-{paid:%Y-%m}", "cost_kind": "remuneration",
                    "amount_yen": MONTHLY_PAY_YEN, "paid_on": paid.isoformat(),
                    "note": f"{paid:%Y年%m月}分 報酬"})
                progress.advance(task)
                if self.pace.month:
                    await asyncio.sleep(self.pace.month)
        self.say(f"  12 x {MONTHLY_PAY_YEN:,} yen remuneration recorded on the appointment")

    async def claim(self) -> None:
        self.phase(f"9. 特別交付税の申請 — FY{self.run.fiscal_year}")
        path = f"/claims/{self.run.code}/{self.run.fiscal_year}"
        expected_appointment = 12 * MONTHLY_PAY_YEN

        async def drafted() -> bool:
            view = await self.api.get_or_none(path)
            return bool(view) and view["stage"] == "drafted"

        await _wait_until(self.console, "申請案の作成 (settle → draft)", drafted,
                          self.pace.claim_settle, timeout=90)
        view = await self.api.get(path)
        got = ((view.get("assessment") or {}).get("appointment") or {}).get("eligible_cost_yen")
        got_r = ((view.get("assessment") or {}).get("recruitment") or {}).get("eligible_cost_yen")
        if got != expected_appointment or got_r != AGENCY_FEE_YEN:
            # a payment recorded after the draft: gather the year's costs again
            view = (await self.api.post(path + "/redraft"))["status"]
            self.run.redrafted = True
            self.say("  claim redrafted with the payments recorded after the first draft")
        self.run.assessment = view["assessment"] or {}
        self.say(f"  draft: {view['amount_yen']:,} yen")
        await self.api.post(path + "/approve", role="approver")
        today = _today_jst()
        await self.api.post(path + "/submission", {"submitted_on": today.isoformat()})
        view = await self.api.post(path + "/decision", {
            "decided_on": today.isoformat(), "granted_yen": view["amount_yen"]})
        self.run.claim_stage = view["status"]["stage"]
        self.say(f"  approved by the deputy mayor, submitted, decided — stage "
                 f"{self.run.claim_stage}")
