"""The Temporal dev server for one benchmark run (started once, in memory, search
attributes registered) and the bare update round trip measured on it."""

from __future__ import annotations

import os
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.bare_workflow import BareWorkflow, noop
from bench.stats import percentile
from ninyo import temporal_bins

BARE_QUEUE = "ninyo-bench-bare"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def converter(key: bytes):
    """Ninyo's production converter (pydantic + AES-GCM codec), or the default one."""
    try:
        from workflows.converter import data_converter_for_key
    except Exception:  # noqa: BLE001 - the workflows package may not have landed
        return None
    return data_converter_for_key(key)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


@asynccontextmanager
async def dev_server(payload_key: bytes | None = None) -> AsyncIterator[tuple[Client, str, float]]:
    """Yields (client, address, seconds it took to start)."""
    key = payload_key or os.urandom(32)
    port = _free_port()
    extra: list[str] = []
    for name, kind in temporal_bins.SEARCH_ATTRIBUTES.items():
        extra += ["--search-attribute", f"{name}={kind}"]
    kwargs = {}
    dc = converter(key)
    if dc is not None:
        kwargs["data_converter"] = dc
    start = time.perf_counter()
    with _quiet_stdout():  # the CLI prints a banner to the stdout it inherits
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_bins.dev_server_path(),
            dev_server_extra_args=extra, dev_server_log_level="error", port=port, ui=False,
            **kwargs,
        )
    started = time.perf_counter() - start
    try:
        yield env.client, f"127.0.0.1:{port}", started
    finally:
        await env.shutdown()


async def update_rtt(client: Client, n: int, warmup: int = 10, mode: str = "bare") -> list[float]:
    """Milliseconds of ``n`` sequential updates on one running workflow; ``mode``: "bare"
    (the handler only counts), "activity" or "local_activity" (it awaits a no-op one)."""
    async with Worker(client, task_queue=BARE_QUEUE, workflows=[BareWorkflow],
                      activities=[noop]):
        handle = await client.start_workflow(
            BareWorkflow.run, mode, id=f"bench-bare-{uuid.uuid4().hex[:8]}",
            task_queue=BARE_QUEUE,
        )
        for _ in range(warmup):
            await handle.execute_update(BareWorkflow.bump, "warm-up")
        samples = []
        for i in range(n):
            t0 = time.perf_counter()
            await handle.execute_update(BareWorkflow.bump, f"c{i}")
            samples.append(1000 * (time.perf_counter() - t0))
        await handle.signal(BareWorkflow.finish)
        await handle.result()
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    return percentile(samples, 50), percentile(samples, 95)
