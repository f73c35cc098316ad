"""How big each benchmark is, per mode. ``tiny`` is for the smoke test only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    mode: str
    reps: int = 5
    warmup: int = 1              # untimed runs before the repetitions (0 only in tiny)
    single_n: int = 300          # events per repetition, one per transaction
    batch_batches: int = 20      # transactions of 100 events per repetition
    concurrent_writers: int = 8
    concurrent_per_writer: int = 50
    read_n: int = 1000           # events in the stream read and folded
    as_of_n: int = 2000          # events in the appointment stream the auditor looks into
    verify_n: int = 100_000      # events in the verified log
    sqlite_single_n: int = 200
    sqlite_batch_batches: int = 10
    temporal_commands: int = 200  # split evenly over the repetitions
    lifecycle_campaigns: int = 5   # complete campaigns run concurrently, per repetition
    lifecycle_applicants: int = 5  # applicants in each of those campaigns
    intake_applicants: int = 600   # applicants for the intake-rate campaign
    national_m: int = 200          # municipalities simulated through a fiscal year
    national_applicants: int = 50
    national_reps: int = 1
    # municipalities in flight at once: the run is CPU-bound, and 200 at once overloads the
    # single worker until its 10 s activity timeouts fire (retries, wasted work)
    national_concurrency: int = 20


FULL = Sizes(mode="full")
QUICK = Sizes(
    mode="quick", single_n=40, batch_batches=3, concurrent_per_writer=5,
    verify_n=5_000, sqlite_single_n=40, sqlite_batch_batches=3, temporal_commands=50,
    lifecycle_campaigns=1, lifecycle_applicants=2, intake_applicants=50, national_m=20,
)
TINY = Sizes(
    mode="tiny", reps=5, warmup=0, single_n=3, batch_batches=1, concurrent_per_writer=1, read_n=50,
    as_of_n=20, verify_n=300, sqlite_single_n=3, sqlite_batch_batches=1, temporal_commands=10,
    lifecycle_campaigns=1, lifecycle_applicants=1, intake_applicants=10, national_m=1,
    national_applicants=2,
)
MODES = {"full": FULL, "quick": QUICK, "tiny": TINY}
