"""`ninyo demo`, shortened (8 applicants, --fast), end to end as a user runs it.

The CLI runs as a subprocess against the real PostgreSQL (a fresh database) and a real
Temporal dev server — the demo starts its own, since nothing listens at the configured
address, and must stop it again. Afterwards `ninyo audit verify` (the CLI, same
environment) must pass, and the event store must hold what the demo claims it did.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

import eventstore
from api.main import build_store_kwargs
from cli.demo import AGENCY_FEE_YEN, MONTHLY_PAY_YEN, MUNICIPALITY, applicant_names
from ninyo.settings import Settings
from tests import pg
from tests.temporal_env import free_port

REPO = Path(__file__).resolve().parents[2]
APPLICANTS = 8


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture(scope="module")
def demo_env():
    pg.check_reachable()
    url = pg.create_database("ninyo_demo")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NINYO_") or k == "NINYO_TEST_DATABASE_URL"}
    env.update({
        "NINYO_DATABASE_URL": url,
        "NINYO_DATA_MASTER_KEY": _key(),
        "NINYO_CHECKPOINT_SIGNING_KEY": _key(),
        "NINYO_JWT_SECRET": _key(),
        "NINYO_PAYLOAD_KEY": _key(),
        "NINYO_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # nothing there: the demo starts one
        "NINYO_TEMPORAL_UI_PORT": str(free_port()),
        "COLUMNS": "160",
    })
    yield env
    pg.drop_database(url)


def _cli(env: dict, *args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo(demo_env) -> subprocess.CompletedProcess:
    return _cli(demo_env, "demo", "--applicants", str(APPLICANTS), "--fast", timeout=240)


def _ok(demo: subprocess.CompletedProcess) -> None:
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]


def _settings(env: dict) -> Settings:
    return Settings(
        database_url=env["NINYO_DATABASE_URL"],
        data_master_key=SecretStr(env["NINYO_DATA_MASTER_KEY"]),
        checkpoint_signing_key=SecretStr(env["NINYO_CHECKPOINT_SIGNING_KEY"]),
    )


async def _events(env: dict) -> list:
    store = await eventstore.from_settings(_settings(env), **build_store_kwargs())
    try:
        return [e async for e in store.read_all()]
    finally:
        await store.close()


def test_the_demo_runs_to_completion_and_stops_its_dev_server(demo, demo_env):
    _ok(demo)
    out = demo.stdout
    assert "2,300,000" in out  # the total measure, printed in the assessment
    assert "store.verify(): OK" in out and "signature valid" in out
    assert "refused, R-PLEDGE-3 (HTTP 409" in out  # appointing before the pledges: refused
    assert f"http://127.0.0.1:{demo_env['NINYO_TEMPORAL_UI_PORT']}/namespaces/default" in out
    host, port = demo_env["NINYO_TEMPORAL_ADDRESS"].split(":")
    with socket.socket() as s:
        assert s.connect_ex((host, int(port))) != 0, "the demo's dev server is still running"


def test_audit_verify_cli_passes_after_the_demo(demo, demo_env):
    _ok(demo)
    verify = _cli(demo_env, "audit", "verify", timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    result = json.loads(verify.stdout)
    assert result["ok"] is True and result["first_bad_position"] is None
    assert result["count"] > 50


async def test_the_store_holds_the_appointment_and_the_claim_with_the_expected_measure(
        demo, demo_env):
    _ok(demo)
    events = await _events(demo_env)
    types = [e.type for e in events]
    code = MUNICIPALITY["code"]
    assert types.count("ApplicationReceived") == APPLICANTS
    assert types.count("DocumentScreeningCompleted") == APPLICANTS
    assert "PostingClosed" in types
    closed = next(e for e in events if e.type == "PostingClosed")
    assert closed.metadata["actor"] == "system" and closed.data["rule"] == "R-POST-4"
    assert all(e.data["reason"] for e in events if e.type == "ApplicantRejected")  # R-SCR-3

    appointed = [e for e in events if e.type == "Appointed"]
    assert {e.stream_id.split(":")[0] for e in appointed} == {"recruitment", "appointment"}
    assert all(e.metadata["role"] == "approver" for e in appointed)
    assert appointed[0].data["terms"]["form"] == "special_part_time"
    assert appointed[0].data["persona"] == "producer"

    pay = [e for e in events if e.type == "CostRecorded" and e.data["kind"] == "remuneration"]
    assert len(pay) == 12 and {e.data["amount_yen"] for e in pay} == {MONTHLY_PAY_YEN}
    fy = pay[0].data["fiscal_year"]
    assert {e.data["fiscal_year"] for e in pay} == {fy}

    claim = [e for e in events if e.stream_id == f"subsidy:{code}:{fy}"]
    kinds = [e.type for e in claim]
    assert kinds[-3:] == ["SubsidyClaimApproved", "SubsidyClaimed", "SubsidyDecided"]
    assessed = [e for e in claim if e.type == "SubsidyAssessed"][-1].data
    a = assessed["assessment"]
    assert a["appointment"]["eligible_cost_yen"] == 12 * MONTHLY_PAY_YEN
    assert a["appointment"]["measure_yen"] == 12 * MONTHLY_PAY_YEN // 2  # R-SUB-3, no cap
    assert a["recruitment"]["eligible_cost_yen"] == AGENCY_FEE_YEN
    assert a["recruitment"]["measure_yen"] == 500_000  # R-SUB-4 cap (0.5 x fee is more)
    assert assessed["total_measure_yen"] == 12 * MONTHLY_PAY_YEN // 2 + 500_000
    decided = claim[-1]
    assert decided.data["granted_yen"] == assessed["total_measure_yen"]
    assert decided.metadata["role"] == "hr_officer"
    assert claim[kinds.index("SubsidyClaimApproved")].metadata["role"] == "approver"


async def test_no_applicant_name_in_the_output_and_none_in_clear_in_the_database(demo, demo_env):
    _ok(demo)
    names = applicant_names(APPLICANTS)
    printed = demo.stdout + demo.stderr
    assert not [n for n in names if n in printed or n.replace(" ", "") in printed]
    assert "a01" in printed  # applicants appear by id
    dsn = make_url(demo_env["NINYO_DATABASE_URL"]).set(drivername="postgresql")
    dsn = dsn.render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT e::text AS row FROM events e")
    finally:
        await conn.close()
    stored = "\n".join(r["row"] for r in rows)
    assert len(rows) > 50
    assert not [n for n in names if n in stored or json.dumps(n)[1:-1] in stored]
    # the store decrypts them for an authorised reader
    events = await _events(demo_env)
    received = {e.data["name"] for e in events if e.type == "ApplicationReceived"}
    assert received == set(names)
