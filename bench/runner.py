"""One benchmark run: every part in turn, then the results written."""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench import pgdb, report, targets
from bench.sizes import MODES
from bench.storage import run_postgres, run_sqlite
from bench.temporal_bench import run_temporal


async def _postgres_version() -> str:
    conn = await asyncpg.connect(pgdb.admin_dsn())
    try:
        return "PostgreSQL " + await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()


async def _part(name: str, coro, notes: list[str]) -> dict:
    t0 = time.perf_counter()
    try:
        out = await coro
    except Exception as exc:  # noqa: BLE001 - one broken part must not lose the others
        notes.append(f"{name} failed: {exc!r}")
        traceback.print_exc()
        return {}
    print(f"[bench] {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return out


async def collect(mode: str, skip: set[str] = frozenset()) -> dict:
    sizes = MODES[mode]
    await pgdb.check_reachable()
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    notes: list[str] = []
    results: dict = {}
    if "postgres" not in skip:
        results.update(await _part("postgres", run_postgres(sizes, notes), notes))
    if "sqlite" not in skip:
        results["sqlite"] = await _part("sqlite", run_sqlite(sizes, notes), notes)
    if "temporal" not in skip:
        results.update(await _part("temporal", run_temporal(sizes, notes), notes))
    results["run"] = {
        "mode": mode, "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "wall_s": round(time.perf_counter() - t0, 2), "reps": sizes.reps,
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "postgres": await _postgres_version(), "sizes": sizes.__dict__,
    }
    results["notes"] = notes
    results["targets"] = targets.evaluate(results)
    return results


async def run_all(mode: str, results_path: Path, docs_dir: Path,
                  skip: set[str] = frozenset()) -> dict:
    results = await collect(mode, skip)
    report.write_json(results, results_path)
    render(results, docs_dir)
    return results


def render(results: dict, docs_dir: Path) -> None:
    report.write_chart(results, docs_dir / "benchmarks.png")
    report.write_markdown(results, docs_dir / "benchmarks.md", "benchmarks.png")
