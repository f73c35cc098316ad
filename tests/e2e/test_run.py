"""`ninyo run` (what `make run` calls) starts the embedded stack and Ctrl-C stops it cleanly.

A real Temporal dev server (SQLite state in a temp dir), the worker and the API are
started as a user would, the API is asked for its health and the log's verification,
then SIGINT is sent and every process must be gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"ninyo run exited early ({proc.returncode})"
        if predicate():
            return
        time.sleep(0.25)  # polling a server that is starting, not waiting for time to pass
    pytest.fail("the embedded stack did not come up in time")


def _healthy(url: str) -> bool:
    try:
        r = httpx.get(url, timeout=1.0)
    except httpx.HTTPError:
        return False
    return r.status_code == 200 and r.json().get("temporal") is True


@pytest.mark.slow
def test_ninyo_run_starts_the_embedded_stack_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    temporal_port, ui_port, api_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "NINYO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ninyo.db'}",
        "NINYO_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "NINYO_TEMPORAL_DB_FILENAME": str(tmp_path / "temporal.db"),
        "NINYO_TEMPORAL_UI_PORT": str(ui_port),
        "NINYO_API_PORT": str(api_port),
        "NINYO_LOG_JSON": "true",
    }
    ninyo = Path(sys.executable).parent / "ninyo"
    proc = subprocess.Popen(
        [str(ninyo), "run"], cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_for(lambda: _healthy(f"http://127.0.0.1:{api_port}/healthz"), proc, timeout=90)
        # the dev server keeps its state in the configured SQLite file
        assert (tmp_path / "temporal.db").exists()
        assert (tmp_path / "ninyo.db").exists()
        docs = httpx.get(f"http://127.0.0.1:{api_port}/openapi.json", timeout=5)
        assert docs.status_code == 200 and "/assessments/subsidy" in docs.text
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            pytest.fail(f"ninyo run did not stop within 60 s of Ctrl-C:\n{out[-3000:]}")
    assert proc.returncode == 0, out[-3000:]
    assert "stopped" in out
    # nothing left listening: API, dev server
    for port in (api_port, temporal_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after Ctrl-C"
