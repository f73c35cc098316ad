"""Ninyo's own workflows on the dev server: HR commands through the HTTP API, complete
campaigns, applicant intake and a simulated national fiscal year.

One stack per run, in this process: a fresh PostgreSQL event store, the worker with every
workflow and activity (``workflows.registry``), and the API (``api.main.create_app``)
served by uvicorn on a real TCP port. Lifecycle and national-year commands go straight to
Temporal (as the API would send them); the API benchmark goes through HTTP.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import uvicorn
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker

import eventstore
from activities.notifications import OutboxNotifier
from api.main import build_store_kwargs, create_app
from bench.pgdb import create_database, drop_database
from bench.scenario import APPROVER, OFFICER, Plan, municipality
from bench.sizes import Sizes
from bench.stats import Figure, Timer, percentile_figures
from bench.targets import FULL_COUNTRY
from domain.fiscal import fiscal_year_of
from ninyo.auth import create_token
from ninyo.settings import Settings
from workflows import ids
from workflows.client import start_campaign
from workflows.models import (
    AppointmentYearClosed,
    ApproveClaim,
    CampaignInput,
    ClaimInput,
    ClaimView,
    CommandResult,
    RecordDecision,
    RecordSubmission,
)
from workflows.registry import WORKFLOWS, activities


def _key() -> SecretStr:
    return SecretStr(base64.b64encode(os.urandom(32)).decode())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """Store + worker + API for one run (see the module docstring)."""

    def __init__(self, client: Client, address: str):
        self.client = client
        self.address = address

    async def __aenter__(self) -> Stack:
        self.db = await create_database("ninyo_bench_flows")
        self.settings = Settings(
            database_url=self.db.sqlalchemy_url, jwt_secret=_key(),
            checkpoint_signing_key=_key(), data_master_key=_key(), payload_key=_key(),
            temporal_address=self.address, log_level="WARNING", log_json=True,
        )
        self.store = await eventstore.from_settings(self.settings, migrate=True,
                                                    **build_store_kwargs())
        self.notifier = OutboxNotifier.from_url(self.settings.database_url)
        self.worker = Worker(
            self.client, task_queue=self.settings.task_queue, workflows=WORKFLOWS,
            activities=activities(store=self.store, notifier=self.notifier, client=self.client),
        )
        await self.worker.__aenter__()
        app = create_app(self.settings, store=self.store, client=self.client)
        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
            lifespan="on"))
        self.serving = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.serving.done():
                self.serving.result()  # raises why it stopped
            await asyncio.sleep(0.01)
        self.http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=60)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.aclose()
        self.server.should_exit = True
        await self.serving
        await self.worker.__aexit__(None, None, None)
        await self.notifier.close()
        await self.store.close()
        await drop_database(self.db)

    def headers(self, role: str, code: str) -> dict[str, str]:
        token = create_token(self.settings, sub=f"bench-{role}", role=role, municipalities=[code],
                             ttl=timedelta(hours=2))
        return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------- campaigns via Temporal


# HR officers recording applications of one campaign at the same time.
INTAKE_OFFICERS = 4

# Every driver of a run gets its own municipality (claims are per municipality and year).
_MUNICIPALITIES = itertools.count(1)


class CampaignDriver:
    """One municipality's campaign (and optionally its year), commands sent as updates."""

    def __init__(self, client: Client, tag: str, task_queue: str | None = None):
        self.client = client
        self.task_queue = task_queue or Settings().task_queue  # the worker's (NINYO_TASK_QUEUE)
        index = next(_MUNICIPALITIES)
        self.muni = municipality(index)
        self.plan = Plan(self.muni, f"{tag}-{index}")
        self.wf = ids.campaign_id(self.muni.code, self.plan.campaign_id)
        self.updates = 0

    async def _do(self, wf: str, cmd, update: str = "command") -> CommandResult:
        self.updates += 1
        return await self.client.get_workflow_handle(wf).execute_update(
            update, cmd, result_type=CommandResult)

    async def open(self) -> None:
        await start_campaign(self.client, CampaignInput(define=self.plan.define()),
                             task_queue=self.task_queue)
        for cmd in self.plan.opening():
            await self._do(self.wf, cmd)

    async def receive(self, n: int) -> None:
        await self._do(self.wf, self.plan.application(n))

    async def appoint(self) -> str:
        """Select applicant a1 and appoint them; returns the appointment workflow id."""
        for cmd in self.plan.selection("a1") + self.plan.offer("a1"):
            await self._do(self.wf, cmd)
        from domain.state import ApplicationState
        from workflows.models import ApplicationQuery

        app = await self.client.get_workflow_handle(self.wf).query(
            "application", ApplicationQuery(application_id="a1"), result_type=ApplicationState)
        items = tuple(p.item for p in app.pledges.required)
        await self._do(self.wf, self.plan.sign("a1", items))
        appoint = self.plan.appoint("a1")
        await self._do(self.wf, appoint)
        return ids.appointment_id(self.muni.code, appoint.appointment_id)

    async def year(self, appointment_wf: str) -> int:
        """Twelve monthly costs on the appointment, then the year's subsidy claim through
        draft, approval, submission and decision. Returns the amount claimed."""
        await _wait_started(self.client, appointment_wf)
        for cmd in self.plan.monthly_costs(12):
            await self._do(appointment_wf, cmd)
        fy = fiscal_year_of(self.plan.term.start)
        claim_wf = ids.claim_id(self.muni.code, fy)
        # What the appointment does itself at the fiscal-year end (a year from now on a
        # live server): signal-with-start the municipality's claim.
        await self.client.start_workflow(
            "SubsidyClaimWorkflow", ClaimInput(municipality=self.muni, fiscal_year=fy,
                                               settle=timedelta(milliseconds=200)),
            id=claim_wf, task_queue=self.task_queue, start_signal="appointment_year_closed",
            start_signal_args=[AppointmentYearClosed(appointment_id=appointment_wf)])
        handle = self.client.get_workflow_handle(claim_wf)
        view = await _until(lambda: handle.query("status", result_type=ClaimView),
                            lambda v: v.stage == "drafted")
        await self._do(claim_wf, ApproveClaim(actor=APPROVER), "approve")
        today = datetime.now(UTC).date()
        await self._do(claim_wf, RecordSubmission(actor=OFFICER, submitted_on=today),
                       "record_submission")
        await self._do(claim_wf, RecordDecision(actor=OFFICER, decided_on=today,
                                                granted_yen=view.amount_yen or 0),
                       "record_decision")
        return view.amount_yen or 0


async def _until(fetch: Callable[[], Awaitable], done: Callable[[object], bool],
                 timeout: float = 60.0):
    """Poll a query until ``done`` (the claim drafts itself after its settle timer)."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        value = await fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting; last value {value!r}")
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 0.25)


async def _wait_started(client: Client, wf: str) -> None:
    async def describe():
        try:
            return await client.get_workflow_handle(wf).describe()
        except Exception:  # noqa: BLE001 - not started yet
            return None
    await _until(describe, lambda d: d is not None)


async def complete_campaign(client: Client, tag: str, applicants: int) -> int:
    d = CampaignDriver(client, tag)
    await d.open()
    for n in range(1, applicants + 1):
        await d.receive(n)
    await d.appoint()
    return d.updates


async def receive_all(d: CampaignDriver, applicants: int, officers: int) -> None:
    """Applications 1..n, ``officers`` of them recorded at the same time (as they arrive)."""
    numbers = iter(range(1, applicants + 1))

    async def officer() -> None:
        for n in numbers:
            await d.receive(n)

    await asyncio.gather(*(officer() for _ in range(officers)))


async def municipality_year(client: Client, tag: str, applicants: int,
                            officers: int = INTAKE_OFFICERS) -> int:
    d = CampaignDriver(client, tag)
    await d.open()
    await receive_all(d, applicants, officers)
    appointment = await d.appoint()
    await d.year(appointment)
    return d.updates


# ---------------------------------------------------------------- the benchmarks


async def api_commands(stack: Stack, n: int, warmup: int = 10) -> list[float]:
    """Milliseconds of ``n`` HR commands (ReceiveApplication: update + event append +
    status query) through the HTTP API, one after another, on one campaign."""
    plan = Plan(municipality(next(_MUNICIPALITIES)), f"api-{uuid.uuid4().hex[:6]}")
    code = plan.muni.code
    officer, approver = stack.headers("hr_officer", code), stack.headers("approver", code)
    define = plan.define().model_dump(mode="json", exclude={"actor", "kind"})
    r = await stack.http.post("/recruitments", json=define, headers=officer)
    r.raise_for_status()
    base = f"/recruitments/{code}/{plan.campaign_id}"
    submit, approve, publish = plan.opening()
    for path, cmd, h in (("/submit", submit, officer), ("/approve", approve, approver),
                         ("/posting", publish, officer)):
        body = cmd.model_dump(mode="json", exclude={"actor", "kind"})
        (await stack.http.post(base + path, json=body or None, headers=h)).raise_for_status()
    samples = []
    for i in range(1, n + warmup + 1):
        body = plan.application(i).model_dump(mode="json", exclude={"actor", "kind"})
        with Timer() as t:
            r = await stack.http.post(base + "/applications", json=body, headers=officer)
        r.raise_for_status()
        if i > warmup:  # the first ones warm up the route, the workflow and the connection
            samples.append(1000 * t.seconds)
    return samples


async def intake(stack: Stack, applicants: int, reps: int, warmup: int,
                 concurrency: int = 8) -> Figure:
    """Applications per second into one campaign, ``concurrency`` officers at once."""
    d = CampaignDriver(stack.client, f"intake-{uuid.uuid4().hex[:6]}")
    await d.open()
    per = max(1, applicants // reps)
    next_n = 1

    async def wave(count: int) -> float:
        nonlocal next_n
        numbers = list(range(next_n, next_n + count))
        next_n += count
        queue = asyncio.Queue()
        for k in numbers:
            queue.put_nowait(k)

        async def officer():
            while not queue.empty():
                await d.receive(queue.get_nowait())

        with Timer() as t:
            await asyncio.gather(*(officer() for _ in range(min(concurrency, count))))
        return count / t.seconds

    if warmup:
        await wave(min(per, 10))
    return Figure([await wave(per) for _ in range(reps)], unit="applications/s")


async def campaigns_per_minute(client: Client, s: Sizes) -> Figure:
    tag = f"life-{uuid.uuid4().hex[:6]}"

    async def wave() -> float:
        with Timer() as t:
            await asyncio.gather(*(complete_campaign(client, tag, s.lifecycle_applicants)
                                   for _ in range(s.lifecycle_campaigns)))
        return 60 * s.lifecycle_campaigns / t.seconds

    for _ in range(s.warmup):
        await wave()
    return Figure([await wave() for _ in range(s.reps)], unit="campaigns/min")


async def national_year(client: Client, s: Sizes) -> dict:
    """M municipalities, each through a whole year, ``national_concurrency`` of them in
    flight at a time (a new one starts when one finishes); wall seconds."""
    samples, updates = [], 0
    for rep in range(s.national_reps):
        tag = f"ny{rep}-{uuid.uuid4().hex[:4]}"
        slots = asyncio.Semaphore(s.national_concurrency)

        async def one(slots: asyncio.Semaphore, tag: str) -> int:
            async with slots:
                return await municipality_year(client, tag, s.national_applicants)

        with Timer() as t:
            done = await asyncio.gather(*(one(slots, tag) for _ in range(s.national_m)))
        samples.append(t.seconds)
        updates = sum(done)
    fig = Figure(samples, unit="s")
    median = fig.as_json()["median"]
    return {
        "m": s.national_m, "applicants_per_campaign": s.national_applicants,
        "in_flight": min(s.national_concurrency, s.national_m),
        "seconds": fig.as_json(), "commands_per_run": updates,
        "extrapolated_1741_s": round(median * FULL_COUNTRY / s.national_m, 1),
        "extrapolation": f"linear: seconds x {FULL_COUNTRY} / {s.national_m} (same machine, "
                         "same single worker)",
    }


async def run(client: Client, address: str, s: Sizes, out: dict, notes: list[str]) -> None:
    parts: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        parts[name] = round(now - t0, 2)
        t0 = now

    async with Stack(client, address) as stack:
        lap("stack_start")
        samples = await api_commands(stack, s.temporal_commands, 10 * s.warmup)
        lap("api_commands")
        p50, p95 = percentile_figures(samples, s.reps)
        out["temporal"].update(
            api_command_ms_p50=p50.as_json(), api_command_ms_p95=p95.as_json(),
            api_command="POST /recruitments/{m}/{c}/applications (ReceiveApplication: "
                        "update + ApplicationReceived append + status query), real HTTP "
                        "(uvicorn, in-process), worker in-process",
        )
        lc_intake = await intake(stack, s.intake_applicants, s.reps, s.warmup)
        lap("intake")
        lc_campaigns = await campaigns_per_minute(client, s)
        lap("campaigns")
        out["lifecycle"] = {
            "campaigns_per_minute": lc_campaigns.as_json(),
            "campaigns_per_rep": s.lifecycle_campaigns,
            "applicants_per_campaign": s.lifecycle_applicants,
            "intake_per_second": lc_intake.as_json(), "applicants": s.intake_applicants,
            "intake_concurrency": 8,
        }
        out["national_year_s"] = await national_year(client, s)
        lap("national_year")
    out["temporal"]["parts_s"] = parts
