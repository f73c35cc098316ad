"""The embedded stack of the demo: the Temporal dev server (or the one already running),
the in-process HTTP API with one bearer token per role, progress bars."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column

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
