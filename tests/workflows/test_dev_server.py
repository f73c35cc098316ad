"""On the real Temporal dev server: update-driven flows, search attributes answering "all
campaigns awaiting pledges in Fukushima" with one list_workflows query, a worker killed
(SIGKILL) mid-campaign, and no applicant's name in the raw history or the logs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client

from domain.commands import ClosePosting, ConfirmReadinessItem
from domain.events import PostingCloseReason
from domain.state import ApplicationState
from tests import pg
from tests.temporal_env import TEST_PAYLOAD_KEY, address_of, dev_server_env, eventually
from tests.workflows.builders import NAME, OFFICER, Scenario, municipality
from tests.workflows.conftest import running_worker
from tests.workflows.helpers import (
    campaign_events,
    cmd,
    offer_accepted,
    sign_all_and_appoint,
    types,
)
from workflows.client import start_campaign
from workflows.models import ApplicationQuery, CampaignInput

REPO = Path(__file__).resolve().parents[2]
EMAIL = "taro@example.com"


@pytest.fixture(scope="module")
async def dev():
    async with dev_server_env() as env:
        yield env


@pytest.fixture(scope="module")
def pg_db():
    pg.check_reachable()
    url = pg.create_database("ninyo_wf")
    yield url
    pg.drop_database(url)


KEYS = {"signing": os.urandom(32), "master": os.urandom(32)}


@pytest.fixture(scope="module")
async def pg_store(pg_db):
    from domain.events import personal_data_registry, upcasters
    from eventstore import EventStore

    store = await EventStore.connect(
        pg_db, signing_key=KEYS["signing"], master_key=KEYS["master"],
        personal=personal_data_registry(), upcasters=upcasters(), migrate=True,
    )
    yield store
    await store.close()


async def to_awaiting_pledges(env, tq: str, sc: Scenario):
    """Role -> approval -> posting -> application -> close -> interview -> offer accepted."""
    h = await start_campaign(env.client, CampaignInput(define=sc.define()), task_queue=tq)
    now = await env.get_current_time()
    for c in (sc.submit(), sc.approve(), sc.publish(now + timedelta(days=30)), sc.receive("a1")):
        await cmd(h, c)
    await cmd(h, ClosePosting(actor=OFFICER, reason=PostingCloseReason.closed_by_officer))
    await offer_accepted(h, sc, "a1", now)
    return h


async def _listed(client: Client, query: str, expected: set[str]) -> set[str]:
    """Visibility is eventually consistent: poll (bounded) until the listing settles."""

    async def listed() -> set[str]:
        return {w.id async for w in client.list_workflows(query)}

    return await eventually(listed, timeout=10, until=lambda found: found == expected)


async def test_search_attributes_list_campaigns_awaiting_pledges_in_fukushima(dev, pg_store, caplog):
    caplog.set_level(logging.DEBUG)
    from activities.notifications import OutboxNotifier

    outbox = OutboxNotifier(pg_store._engine)  # the outbox table of migration 0002
    run = uuid.uuid4().hex[:6]
    async with running_worker(dev.client, pg_store, outbox) as tq:
        now = await dev.get_current_time()
        fk = await to_awaiting_pledges(
            dev, tq, Scenario(now, f"fk{run}", municipality("074059", "福島県")))
        await to_awaiting_pledges(dev, tq, Scenario(now, f"yg{run}", municipality("062049", "山形県")))
        posted = Scenario(now, f"fp{run}", municipality("074060", "福島県"))
        h3 = await start_campaign(dev.client, CampaignInput(define=posted.define()), task_queue=tq)
        for c in (posted.submit(), posted.approve(), posted.publish(now + timedelta(days=30))):
            await cmd(h3, c)

        query = ("WorkflowType = 'RecruitmentWorkflow' AND NinyoStage = 'awaiting_pledges' "
                 f"AND NinyoPrefecture = '福島県' AND WorkflowId STARTS_WITH 'recruitment:074059:fk{run}'")
        assert await _listed(dev.client, query, {fk.id}) == {fk.id}
        broad = ("WorkflowType = 'RecruitmentWorkflow' AND NinyoStage = 'awaiting_pledges' "
                 "AND NinyoPrefecture = '福島県'")
        listed = await _listed(dev.client, broad, {fk.id})
        assert fk.id in listed and h3.id not in listed
        # live state by query, personal data there for the authorised API
        app = await fk.query("application", ApplicationQuery(application_id="a1"),
                             result_type=ApplicationState)
        assert app.name == NAME

        # privacy: the raw history (read WITHOUT the codec) holds no name, no e-mail
        raw = Client(dev.client.service_client, namespace="default")
        history = await raw.get_workflow_handle(fk.id).fetch_history()
        blob = history.to_json().encode() + b"".join(e.SerializeToString() for e in history.events)
        assert NAME.encode() not in blob and NAME.encode("unicode_escape") not in blob
        assert EMAIL.encode() not in blob
        for h in (fk, h3):
            await h.terminate("test over")
    assert NAME not in caplog.text and EMAIL not in caplog.text
    events = await campaign_events(pg_store, "074059", f"fk{run}")
    assert types(events)[-3:] == ["OfferMade", "OfferAccepted", "PledgeRequested"]


def _worker_env(dev, pg_url: str, tq: str) -> dict[str, str]:
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return {
        **os.environ,
        "NINYO_TEMPORAL_ADDRESS": address_of(dev),
        "NINYO_DATABASE_URL": pg_url,
        "NINYO_TASK_QUEUE": tq,
        "NINYO_PAYLOAD_KEY": b64(TEST_PAYLOAD_KEY),
        "NINYO_DATA_MASTER_KEY": b64(KEYS["master"]),
        "NINYO_CHECKPOINT_SIGNING_KEY": b64(KEYS["signing"]),
        "NINYO_LOG_JSON": "true",
    }


def _spawn(env: dict[str, str], log: Path, module: str = "worker") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", module], cwd=REPO, env=env,
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )


@contextlib.asynccontextmanager
async def crash_signal():
    """A listener the crash worker calls when it holds the append (see crash_worker.py):
    yields (port, a future of the line it sends)."""
    said: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    held: list[asyncio.StreamWriter] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # keep the connection open: the worker waits on it
        line = await reader.readline()
        if not said.done():
            said.set_result(line.decode().strip())

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], said
    finally:
        for w in held:
            w.close()
        server.close()
        await server.wait_closed()


async def _a2_received(store, code: str, campaign_id: str) -> list:
    return [e for e in await campaign_events(store, code, campaign_id)
            if e.type == "ApplicationReceived" and e.data.get("application_id") == "a2"]


@pytest.mark.parametrize("when, code", [("before", "074061"), ("after", "074062")])
async def test_worker_killed_mid_command_campaign_completes_each_event_once(
    dev, pg_db, pg_store, tmp_path, when, code
):
    """Issue 17 point 6: the worker holds the append of the 'receive a2' command (before
    the events reach the store, or after they are committed but before the activity
    reports it) and tells the test, which SIGKILLs it right then. A fresh worker finishes
    the command: the event is stored exactly once, the chain verifies, the campaign goes on."""
    tq = f"crash-{uuid.uuid4().hex[:6]}"
    env = _worker_env(dev, pg_db, tq)
    log = tmp_path / "worker.log"
    second = None
    async with crash_signal() as (port, held):
        first = _spawn(
            {**env, "NINYO_TEST_CRASH_PORT": str(port), "NINYO_TEST_CRASH_WHEN": when,
             "NINYO_TEST_CRASH_EVENT": "ApplicationReceived",
             "NINYO_TEST_CRASH_APPLICATION": "a2"},
            log, "tests.workflows.crash_worker",
        )  # fmt: skip
        try:
            now = await dev.get_current_time()
            sc = Scenario(now, f"crash{tq[-6:]}", municipality(code))
            h = await start_campaign(dev.client, CampaignInput(define=sc.define()), task_queue=tq)
            for c in (sc.submit(), sc.approve(), sc.publish(now + timedelta(days=30)),
                      sc.receive("a1")):
                await cmd(h, c)
            pending = asyncio.create_task(cmd(h, sc.receive("a2")))
            line = await asyncio.wait_for(held, timeout=60)  # the worker is inside the append
            assert line.startswith(when)
            assert not pending.done()  # the command is in flight
            # the kill lands before / after the commit, as the hook says
            assert len(await _a2_received(pg_store, code, sc.campaign_id)) == (when == "after")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            second = _spawn(env, log)
            result = await asyncio.wait_for(pending, timeout=60)
            assert result is not None
            await cmd(h, ClosePosting(actor=OFFICER, reason=PostingCloseReason.closed_by_officer))
            await offer_accepted(h, sc, "a1", now)
            assert (await sign_all_and_appoint(h, sc, "a1")).stage == "appointed"
            appointment = dev.client.get_workflow_handle(f"appointment:{code}:ap1")
            await appointment.execute_update("command", ConfirmReadinessItem(
                actor=OFFICER, item=1, note="首長・職員で招へいの目的を共有"))  # fmt: skip
            await appointment.terminate("test over")
            await h.terminate("test over")  # it stays open for recruitment costs until FY end
        finally:
            for p in (first, second):
                if p is not None and p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    p.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert second.returncode == 0, log.read_text()[-2000:]  # graceful shutdown on SIGTERM
    worker_log = log.read_text()
    assert "worker started" in worker_log
    assert NAME not in worker_log and EMAIL not in worker_log  # no personal data in logs
    events = await campaign_events(pg_store, code, sc.campaign_id)
    assert types(events) == [
        "RoleDefined", "RoleSubmittedForApproval", "RoleApproved", "PostingPublished",
        "ApplicationReceived", "ApplicationReceived", "PostingClosed",
        "DocumentScreeningCompleted", "InterviewScheduled", "InterviewRecorded",
        "ApplicantShortlisted", "OfferApproved", "OfferMade", "OfferAccepted",
        "PledgeRequested", "PledgeSigned", "Appointed",
    ]  # fmt: skip
    assert len(await _a2_received(pg_store, code, sc.campaign_id)) == 1  # not lost, not doubled
    assert len({e.event_id for e in events}) == len(events)
    ap_events = await pg_store.read_stream(f"appointment:{code}:ap1")
    assert [e.type for e in ap_events] == ["Appointed", "ReadinessItemConfirmed"]
    assert (await pg_store.verify()).ok
