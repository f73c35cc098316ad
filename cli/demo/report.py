"""What the demo shows at the end: the timeline, the assessment and the audit check."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from cli.demo.fixtures import (
    MUNICIPALITY,
)
from cli.demo.scenario import (
    Run,
)
from cli.demo.stack import (
    DemoError,
    TemporalServer,
)
from domain import streams
from domain.events import (
    CostRecorded,
    ReadinessItemConfirmed,
    ReminderSent,
    event_type,
    parse_event,
)
from domain.fiscal import JST, FiscalYear

# ---------------------------------------------------------------- the report


def _subject(e: Any) -> str:
    """A short, personal-data-free description of an event."""
    d = e.data
    if streams.kind_of(e.stream_id) == "application":
        s = streams.last_part(e.stream_id)
        if e.type == "DocumentScreeningCompleted":
            s += f" {d.get('outcome')}"
        if e.type == "ApplicantRejected":
            s += f" ({d.get('reason_code')})"
        return s
    if (cost := _cost(e)) is not None:
        return f"{cost.kind} {cost.amount_yen:,}円 paid {cost.paid_on}"
    match e.type:
        case "ReminderSent":
            return str(d.get("kind"))
        case "ReadinessItemConfirmed":
            return f"item {d.get('item')}"
        case "Appointed":
            return f"{d.get('appointment_id')} ← {d.get('application_id')}"
        case "PostingClosed":
            return str(d.get("reason"))
        case "OfferApproved" | "OfferMade" | "OfferAccepted" | "PledgeSigned" | "PledgeRequested":
            return str(d.get("application_id", ""))
        case "SubsidyAssessed":
            return f"total {d.get('total_measure_yen', 0):,}円"
        case "SubsidyClaimDrafted":
            return f"{d.get('amount_yen', 0):,}円"
        case "SubsidyDecided":
            return f"granted {d.get('granted_yen', 0):,}円"
    return ""


async def demo_events(store: Any, run: Run) -> list:
    m, c = run.code, run.campaign
    events = [
        *(await store.read_stream(streams.campaign(m, c))),
        *(await store.read_category(streams.applications_of(m, c))),
        *(await store.read_stream(streams.appointment(m, run.appointment))),
        *(await store.read_stream(streams.claim(m, run.fiscal_year))),
    ]
    return sorted(events, key=lambda e: e.position)


GROUPED = {event_type(c) for c in (CostRecorded, ReadinessItemConfirmed, ReminderSent)}


def _cost(e: Any) -> CostRecorded | None:
    """A recorded cost event, parsed (None for any other event)."""
    parsed = parse_event(e.type, e.data, e.schema_version) if e.type in GROUPED else None
    return parsed if isinstance(parsed, CostRecorded) else None


def _group_subject(r: dict) -> str:
    if r["count"] == 1:
        return r["subjects"][0]
    if r["stream"] == "application":
        ids_ = sorted(streams.last_part(e.stream_id) for e in r["events"])
        return f"{ids_[0]} … {ids_[-1]} ({r['count']})"
    if costs := [c for e in r["events"] if (c := _cost(e)) is not None]:
        first, last = costs[0], costs[-1]
        total = sum(c.amount_yen for c in costs)
        return (f"{first.kind} {first.amount_yen:,}円 × {r['count']} = {total:,}円 "
                f"paid {first.paid_on} … {last.paid_on}")
    if r["type"] == "ReadinessItemConfirmed":
        return "items " + ", ".join(str(e.data.get("item")) for e in r["events"])
    return ", ".join(dict.fromkeys(r["subjects"]))


def timeline_table(events: list) -> Table:
    """Time, actor, stream, type, subject and rule codes; runs of one event type by one actor
    on application streams (or of costs, readiness items, reminders) fold into one row."""
    from views.audit import rule_codes

    table = Table(title="Timeline (event store, global order)", header_style="bold")
    for col, kw in (("time (JST)", {"no_wrap": True}), ("actor", {"no_wrap": True}),
                    ("stream", {"no_wrap": True}), ("event", {"style": "cyan", "no_wrap": True}),
                    ("subject", {}), ("rules", {"style": "magenta"})):
        table.add_column(col, **kw)
    rows: list[dict] = []
    for e in events:
        actor = str(e.metadata.get("actor", ""))
        stream = streams.kind_of(e.stream_id)
        codes = rule_codes(e.data)  # rule IDs only (R-...), never the text around them
        last = rows[-1] if rows else None
        if (last and (stream == "application" or e.type in GROUPED)
                and (last["stream"], last["type"], last["actor"]) == (stream, e.type, actor)):
            last["count"] += 1
            last["events"].append(e)
            last["subjects"].append(_subject(e))
            last["rules"] = list(dict.fromkeys([*last["rules"], *codes]))
            continue
        rows.append({"time": e.recorded_at, "actor": actor, "stream": stream, "type": e.type,
                     "subjects": [_subject(e)], "events": [e], "rules": codes, "count": 1})
    for r in rows:
        table.add_row(r["time"].astimezone(JST).strftime("%m-%d %H:%M:%S"), r["actor"],
                      r["stream"], r["type"], _group_subject(r), ", ".join(r["rules"]))
    return table


def assessment_table(a: dict, fy: int) -> Table:
    label = f"FY{fy} (令和{FiscalYear(fy).reiwa}年度)"
    table = Table(title=f"Special allocation tax (特別交付税) — {MUNICIPALITY['name']} {label}",
                  header_style="bold")
    table.add_column("measure")
    table.add_column("eligible cost", justify="right")
    table.add_column("measure (yen)", justify="right", style="green")
    table.add_column("rule")
    ap, rc = a.get("appointment") or {}, a.get("recruitment") or {}
    table.add_row("任用等経費 appointment (0.5, no cap)",
                  f"{ap.get('eligible_cost_yen', 0):,}", f"{ap.get('measure_yen', 0):,}", "R-SUB-3")
    table.add_row("募集経費 recruitment (0.5, cap 500,000)",
                  f"{rc.get('eligible_cost_yen', 0):,}", f"{rc.get('measure_yen', 0):,}", "R-SUB-4")
    table.add_row("[bold]total[/]", "", f"[bold]{a.get('total_measure_yen', 0):,}[/]", "")
    return table



async def _report(console: Console, store: Any, run: Run, server: TemporalServer) -> None:
    from workflows import ids

    console.rule("[bold cyan]Result")
    events = await demo_events(store, run)
    console.print(timeline_table(events))
    console.print(assessment_table(run.assessment, run.fiscal_year))
    for r in run.assessment.get("reasons", []):
        console.print(f"  [magenta]{r.get('code')}[/] {r.get('message')}")
    if server.ui_url:
        wf = quote(ids.campaign_id(run.code, run.campaign), safe="")
        ns = quote(server.namespace, safe="")
        console.print(f"Temporal Web UI: [link]{server.ui_url}/namespaces/{ns}/workflows[/]"
                      f"  (campaign: {server.ui_url}/namespaces/{ns}/workflows/{wf})"
                      + ("  — this dev server stops with the demo; `ninyo run` keeps one"
                         if server.started_here else ""))
    res = await store.verify()
    cp = await store.checkpoint()
    res_cp = await store.verify(checkpoint=cp)
    head = res.head_hash if isinstance(res.head_hash, str) else bytes(res.head_hash or b"").hex()
    ok = res.ok and res_cp.ok and cp.signature_valid()
    console.print(Panel.fit(
        f"store.verify(): [bold]{'OK' if res.ok else 'FAILED: ' + str(res.reason)}[/] — "
        f"{res.count} events, head position {res.head_position}, head hash {head}\n"
        f"signed checkpoint (Ed25519) at position {cp.position}: signature "
        f"{'valid' if cp.signature_valid() else 'INVALID'}; log verified against it: "
        f"{'OK' if res_cp.ok else 'FAILED: ' + str(res_cp.reason)}",
        title="Audit", border_style="green" if ok else "red"))
    if not ok:
        raise DemoError("the audit verification failed")
