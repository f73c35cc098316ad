"""Smoke test of the benchmark harness: bench-quick's code on tiny sizes, against the real
PostgreSQL and a Temporal dev server, writing the JSON, the Markdown page and the chart."""

from __future__ import annotations

import json

from bench.runner import run_all

RATE_FIELDS = {
    "append_single": ("ninyo", "eventsourcing", "raw"),
    "append_batch": ("ninyo", "eventsourcing", "raw"),
    "append_concurrent": ("ninyo", "eventsourcing"),
    "read_stream": ("ninyo", "eventsourcing", "raw"),
    "as_of": ("ninyo", "raw"),
    "verify": ("ninyo", "raw"),
}


def _check_figure(where: str, fig: dict, min_reps: int = 5) -> None:
    assert fig is not None, f"{where} is missing"
    assert fig["reps"] >= min_reps, where
    assert 0 < fig["min"] <= fig["median"] <= fig["max"], (where, fig)


async def test_tiny_run_fills_every_field(tmp_path):
    results = await run_all("tiny", tmp_path / "latest.json", tmp_path)

    written = json.loads((tmp_path / "latest.json").read_text())
    assert written["run"]["mode"] == "tiny"
    for section, peers in RATE_FIELDS.items():
        for peer in peers:
            _check_figure(f"{section}.{peer}", written[section][peer])
    for key in ("append_single", "append_batch"):
        _check_figure(f"sqlite.{key}.ninyo", written["sqlite"][key]["ninyo"])
    for key in ("update_rtt_ms_p50", "update_rtt_ms_p95", "api_command_ms_p50",
                "api_command_ms_p95"):
        _check_figure(f"temporal.{key}", written["temporal"][key])
    _check_figure("lifecycle.campaigns_per_minute", written["lifecycle"]["campaigns_per_minute"])
    _check_figure("lifecycle.intake_per_second", written["lifecycle"]["intake_per_second"])
    # one timed national year per run (a repetition is a whole year of M municipalities)
    _check_figure("national_year_s.seconds", written["national_year_s"]["seconds"], 1)
    assert written["national_year_s"]["extrapolated_1741_s"] > 0

    # every target is judged, none left pending
    assert len(results["targets"]) == 10
    assert all(t["met"] in (True, False) for t in results["targets"]), results["targets"]
    assert written["notes"] == [] or all("failed" not in n for n in written["notes"])

    page = (tmp_path / "benchmarks.md").read_text()
    assert "| Append, 1 event per transaction |" in page and "pending" not in page
    assert (tmp_path / "benchmarks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
