"""Repetitions: one warm-up, then ``reps`` timed runs; a figure is median, min and max."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# A repetition returns the number of events it handled and the seconds it took (the
# repetition times itself, so setup such as creating a fresh stream stays outside).
Rep = Callable[[], Awaitable[tuple[int, float]]]


@dataclass
class Figure:
    samples: list[float]
    unit: str = "events/s"

    def as_json(self) -> dict:
        return {
            "median": round(statistics.median(self.samples), 3),
            "min": round(min(self.samples), 3),
            "max": round(max(self.samples), 3),
            "reps": len(self.samples),
            "unit": self.unit,
            "samples": [round(s, 3) for s in self.samples],
        }


async def rate(rep: Rep, reps: int, warmup: int = 1) -> Figure:
    """Events per second of ``rep``, after ``warmup`` untimed runs."""
    for _ in range(warmup):
        await rep()
    samples = []
    for _ in range(reps):
        n, seconds = await rep()
        samples.append(n / seconds if seconds > 0 else float("inf"))
    return Figure(samples)


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def percentile_figures(samples: list[float], reps: int) -> tuple[Figure, Figure]:
    """p50 and p95 per repetition (the samples split evenly), as figures in ms."""
    k = max(1, len(samples) // reps)
    parts = [samples[i * k : (i + 1) * k] for i in range(reps)]
    return (Figure([percentile(p, 50) for p in parts], unit="ms"),
            Figure([percentile(p, 95) for p in parts], unit="ms"))


async def rates(peers: dict[str, Rep], reps: int, warmup: int = 1) -> dict[str, Figure]:
    """Events per second of several peers, their repetitions interleaved (peer A, B, C, A,
    B, C, ...) so that load from elsewhere on the machine falls on all of them alike."""
    for _ in range(warmup):
        for rep in peers.values():
            await rep()
    samples: dict[str, list[float]] = {name: [] for name in peers}
    for _ in range(reps):
        for name, rep in peers.items():
            n, seconds = await rep()
            samples[name].append(n / seconds if seconds > 0 else float("inf"))
    return {name: Figure(s) for name, s in samples.items()}
