"""Write the results: ``bench/results/latest.json``, ``docs/benchmarks.md`` and the chart
``docs/benchmarks.png`` (matplotlib, Agg backend)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent
FINDINGS = HERE / "findings.md"
PEERS = ("ninyo", "eventsourcing", "raw")
RATE_SECTIONS = [
    ("append_single", "Append, 1 event per transaction"),
    ("append_batch", "Append, 100 events per transaction"),
    ("append_concurrent", "Append, 8 concurrent writers (1 event/txn)"),
    ("read_stream", "Read + fold a 1,000-event campaign"),
    ("as_of", "As-of view, 2,000-event appointment"),
    ("verify", "Whole-log verification"),
]


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)


def _cell(fig: dict | None, digits: int = 0) -> str:
    if not fig:
        return "pending"
    fmt = f"{{:,.{digits}f}}"
    return f"{fmt.format(fig['median'])} ({fmt.format(fig['min'])}–{fmt.format(fig['max'])})"


def _rate_table(results: dict) -> list[str]:
    lines = ["| Benchmark (events/s, median (min–max)) | Ninyo | eventsourcing | raw asyncpg |",
             "|---|---:|---:|---:|"]
    for key, title in RATE_SECTIONS:
        sect = results.get(key) or {}
        cells = [(_cell(sect.get(p)) if p in sect else "—") for p in PEERS]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
        if key == "read_stream" and sect.get("ninyo_same_events"):
            lines.append("| … the eventsourcing peer's events, trivial fold (like for like) | "
                         f"{_cell(sect['ninyo_same_events'])} | {cells[1]} | {cells[2]} |")
    sq = results.get("sqlite") or {}
    for key, title in (("append_single", "SQLite: append, 1 event/txn"),
                       ("append_batch", "SQLite: append, 100 events/txn")):
        lines.append(f"| {title} | {_cell((sq.get(key) or {}).get('ninyo'))} | — | — |")
    return lines


def _targets_table(results: dict) -> list[str]:
    lines = ["| Target | Measured | Met |", "|---|---:|:---:|"]
    for t in results.get("targets", []):
        value = "pending" if t["value"] is None else f"{t['value']:,.2f} {t['unit']}"
        met = {True: "yes", False: "**no**", None: "pending"}[t["met"]]
        lines.append(f"| {t['target']} | {value} | {met} |")
    return lines


def _temporal_lines(results: dict) -> list[str]:
    t = results.get("temporal") or {}
    lines = ["| Measure (ms, median of per-repetition percentiles (min–max)) | Value |",
             "|---|---:|"]
    for key, title in (("update_rtt_ms_p50", "Bare Temporal update, p50"),
                       ("update_rtt_ms_p95", "Bare Temporal update, p95"),
                       ("update_activity_rtt_ms_p50", "Update awaiting a no-op activity, p50"),
                       ("update_activity_rtt_ms_p95", "Update awaiting a no-op activity, p95"),
                       ("update_local_activity_rtt_ms_p50",
                        "Update awaiting a no-op local activity, p50"),
                       ("update_local_activity_rtt_ms_p95",
                        "Update awaiting a no-op local activity, p95"),
                       ("api_command_ms_p50", "HR command through the HTTP API, p50"),
                       ("api_command_ms_p95", "HR command through the HTTP API, p95")):
        lines.append(f"| {title} | {_cell(t.get(key), 1)} |")
    if t.get("note"):
        lines += ["", f"_{t['note']}_"]
    lc = results.get("lifecycle") or {}
    ny = results.get("national_year_s") or {}
    lines += ["", "| Lifecycle on the dev server | Value |", "|---|---:|",
              f"| Complete campaigns per minute ({lc.get('campaigns_per_rep', '?')} at once, "
              f"{lc.get('applicants_per_campaign', '?')} applicants each, define → appoint) "
              f"| {_cell(lc.get('campaigns_per_minute'), 1)} |",
              f"| Applicant intake per second (one campaign of {lc.get('applicants', '?')}, "
              f"{lc.get('intake_concurrency', '?')} officers at once) "
              f"| {_cell(lc.get('intake_per_second'), 1)} |",
              f"| National year: wall seconds for M={ny.get('m', '?')} municipalities "
              f"({ny.get('applicants_per_campaign', '?')} applicants, appointment, 12 costs, "
              f"claim; {ny.get('commands_per_run', '?')} commands; {ny.get('in_flight', '?')} "
              "in flight; one run) "
              f"| {_cell(ny.get('seconds'), 1)} |",
              f"| … extrapolated to 1,741 municipalities (s) "
              f"| {_fmt(ny.get('extrapolated_1741_s'))} |"]
    for part in (lc, ny):
        if part.get("note"):
            lines += ["", f"_{part['note']}_"]
    return lines


def _fmt(v) -> str:
    return "pending" if v is None else f"{v:,.0f}"


def write_markdown(results: dict, path: Path, chart_name: str) -> None:
    meta = results["run"]
    rs = results.get("read_stream") or {}
    as_of = results.get("as_of") or {}
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m bench --full`) / `make bench-quick`; raw numbers "
        "in `bench/results/latest.json`. Do not edit the generated part by hand: the last "
        "section comes from `bench/findings.md`.",
        "",
        f"- Run: **{meta['mode']}** mode, {meta['started_at']}, {meta['wall_s']:.1f} s wall, "
        f"{meta['cpus']} CPUs, {meta['postgres']}, Python {meta['python']}.",
        f"- Every figure is the median of {meta['reps']} repetitions after a warm-up, with "
        "min and max. PostgreSQL on 127.0.0.1:5432, a fresh database per run "
        "(`synchronous_commit=on`, `fsync=on`).",
        f"- Ninyo's store runs with the hash chain and personal-data encryption on. Read + fold "
        f"uses: {rs.get('fold', 'n/a')}.",
        "",
        f"![benchmarks]({chart_name})",
        "",
        "## Event store",
        "",
        *_rate_table(results),
        "",
        "Raw asyncpg reads: *read + fold* and *as-of* — the same rows Ninyo reads, by the "
        "same SQL, one prepared `fetch`; verification — a plain ordered read of the same "
        f"{_fmt((results.get('verify') or {}).get('events'))} rows (their stored columns, "
        "keyset pages of 5,000). The raw single append is one autocommit INSERT.",
        f"As-of: the appointment's state as of version {as_of.get('as_of_version', '?')} of "
        f"{as_of.get('stream_events', '?')} ({as_of.get('view', 'n/a')}).",
        "",
        "## Temporal",
        "",
        *_temporal_lines(results),
        "",
        "## Targets",
        "",
        *_targets_table(results),
        "",
    ]
    if results.get("notes"):
        lines += ["## Notes from this run", ""] + [f"- {n}" for n in results["notes"]] + [""]
    if FINDINGS.exists():
        lines += [FINDINGS.read_text().rstrip(), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def write_chart(results: dict, path: Path) -> None:
    panels = [k for k, _ in RATE_SECTIONS] + ["temporal"]
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.5))
    colors = {"ninyo": "#c0392b", "eventsourcing": "#2980b9", "raw": "#7f8c8d"}
    titles = dict(RATE_SECTIONS)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    for ax, key in zip(axes.flat, panels, strict=False):
        if key == "temporal":
            t = results.get("temporal") or {}
            names = ["update_rtt_ms_p50", "update_rtt_ms_p95", "api_command_ms_p50",
                     "api_command_ms_p95"]
            labels = ["update\np50", "update\np95", "API cmd\np50", "API cmd\np95"]
            figs = [t.get(n) for n in names]
            cols = ["#7f8c8d", "#7f8c8d", "#c0392b", "#c0392b"]
            ax.set_title("Temporal round trip (ms, lower is better)", fontsize=10)
        else:
            sect = results.get(key) or {}
            labels = [p for p in PEERS if p in sect]
            figs = [sect.get(p) for p in labels]
            cols = [colors[p] for p in labels]
            if sect.get("ninyo_same_events"):
                labels.insert(1, "ninyo\n(same events)")
                figs.insert(1, sect["ninyo_same_events"])
                cols.insert(1, "#e6a19a")
            ax.set_title(titles[key] + "\n(events/s, higher is better)", fontsize=10)
        xs = range(len(labels))
        meds = [f["median"] if f else 0 for f in figs]
        lo = [f["median"] - f["min"] if f else 0 for f in figs]
        hi = [f["max"] - f["median"] if f else 0 for f in figs]
        ax.bar(xs, meds, color=cols, yerr=[lo, hi], capsize=4)
        ax.set_xticks(list(xs), labels, fontsize=9)
        for x, f in zip(xs, figs, strict=True):
            ax.annotate("pending" if not f else f"{f['median']:,.0f}" if f["median"] >= 100
                        else f"{f['median']:.1f}", (x, f["median"] if f else 0),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 3),
                        textcoords="offset points")
    meta = results["run"]
    fig.suptitle(f"Ninyo benchmarks — {meta['mode']} mode, {meta['started_at']}", fontsize=12)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
