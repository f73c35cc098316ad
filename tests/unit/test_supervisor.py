"""Issue 10 point 11: ``ninyo run`` supervises its children — a killed child is restarted
with backoff and the log says so; the others keep running."""

from __future__ import annotations

import signal
import sys

from cli.services import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_killed_child_is_restarted_with_backoff_and_logged():
    clock, said = Clock(), []
    sup = Supervisor(clock=clock, say=said.append, backoff=1.0, max_backoff=4.0,
                     stable_after=60.0)
    worker = sup.start("worker", SLEEPER)
    api = sup.start("api", SLEEPER)
    try:
        for round_, delay in enumerate((1.0, 2.0, 4.0, 4.0), start=1):
            first = worker.proc
            first.send_signal(signal.SIGKILL)  # kill -9
            first.wait()
            sup.check()
            assert worker.proc is None and said[-1] == (
                f"worker exited with signal 9; restarting in {delay:g}s (restart {round_})")
            clock.now += delay - 0.1
            sup.check()
            assert worker.proc is None  # still backing off
            clock.now += 0.1
            sup.check()
            assert worker.proc is not None and worker.proc.pid != first.pid
            assert worker.proc.poll() is None and said[-1].startswith("worker restarted")
            clock.now += 1  # dies again quickly: the backoff grows
        assert api.proc.poll() is None and api.history == []  # the API never stopped
        # a child that stayed up a minute starts again from the shortest backoff
        clock.now += 61
        worker.proc.send_signal(signal.SIGKILL)
        worker.proc.wait()
        sup.check()
        assert said[-1] == "worker exited with signal 9; restarting in 1s (restart 5)"
    finally:
        sup.stop()
    assert all(c.proc is None or c.proc.poll() is not None for c in sup.children)
