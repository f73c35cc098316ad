"""The targets the issue sets, checked against a results document."""

from __future__ import annotations

FULL_COUNTRY = 1741  # municipalities in Japan (市区町村)


def _median(results: dict, *path: str) -> float | None:
    node = results
    for key in path:
        if not isinstance(node, dict) or node.get(key) is None:
            return None
        node = node[key]
    if isinstance(node, dict):
        return node.get("median")
    return node


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def evaluate(results: dict) -> list[dict]:
    """Each target: what it says, the measured value, the threshold and whether it is met
    (``None`` while a figure is pending)."""
    m = lambda *p: _median(results, *p)  # noqa: E731
    rows = [
        ("append_single.ninyo >= 2x eventsourcing", ">=",
         _ratio(m("append_single", "ninyo"), m("append_single", "eventsourcing")), 2.0, "x"),
        ("append_single.ninyo >= 0.6x raw", ">=",
         _ratio(m("append_single", "ninyo"), m("append_single", "raw")), 0.6, "x"),
        ("append_batch.ninyo >= 0.5x raw", ">=",
         _ratio(m("append_batch", "ninyo"), m("append_batch", "raw")), 0.5, "x"),
        ("read_stream.ninyo >= 5x eventsourcing", ">=",
         _ratio(m("read_stream", "ninyo"), m("read_stream", "eventsourcing")), 5.0, "x"),
        ("read_stream.ninyo >= 0.4x raw (same rows)", ">=",
         _ratio(m("read_stream", "ninyo"), m("read_stream", "raw")), 0.4, "x"),
        ("as_of.ninyo (2,000-event appointment) >= 0.4x raw (same rows)", ">=",
         _ratio(m("as_of", "ninyo"), m("as_of", "raw")), 0.4, "x"),
        ("verify.ninyo >= 0.6x raw ordered read", ">=",
         _ratio(m("verify", "ninyo"), m("verify", "raw")), 0.6, "x"),
        ("verify.ninyo >= 60,000 events/s", ">=", m("verify", "ninyo"), 60_000.0, "events/s"),
        ("api_command_ms_p95 <= 3x update_rtt_ms_p95", "<=",
         _ratio(m("temporal", "api_command_ms_p95"), m("temporal", "update_rtt_ms_p95")), 3.0, "x"),
        (f"national_year_s extrapolated to {FULL_COUNTRY:,} <= 1,800 s", "<=",
         (results.get("national_year_s") or {}).get("extrapolated_1741_s"), 1800.0, "s"),
    ]
    run = results.get("run") or {}
    if run.get("mode") == "quick":
        rows.append(("make bench-quick < 60 s (the run's wall time)", "<",
                     run.get("wall_s"), 60.0, "s"))
    out = []
    for name, op, value, threshold, unit in rows:
        met = None if value is None else {">=": value >= threshold, "<=": value <= threshold,
                                          "<": value < threshold}[op]
        out.append({"target": name, "value": None if value is None else round(value, 3),
                    "threshold": threshold, "unit": unit, "met": met})
    return out
