"""Auditor views over the event store (shared by the HTTP API and ``ninyo audit``).

Everything here reads the event store only — never Temporal — so an auditor sees what
was recorded, replayed with the same pure folds the domain uses (``domain.state``).
Refusals are ``views.ViewError`` (the API answers them with their status, the CLI prints
them and exits 2).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain import i18n, streams
from views import ViewError
from views.records import campaign_events, fold

RULE_CODE = re.compile(r"\bR-[A-Z]+(?:-[A-Z0-9]+)*\b")


def municipality_of(stream_id: str) -> str:
    """``recruitment:073024:c1`` -> ``073024``; a malformed id answers 422."""
    code = streams.municipality_of(stream_id)
    if code is None or not streams.MUNICIPALITY_CODE.fullmatch(code):
        raise ViewError(
            422, "invalid_input",
            "stream_id: expected {recruitment|application|appointment|subsidy}:{6-digit code}:...",
            "stream_id",
        )
    return code


def rule_codes(value: Any) -> list[str]:
    """Every rule ID (``R-SUB-3`` ...) found anywhere in an event's data, in order, once."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            found.extend(RULE_CODE.findall(v))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)

    walk(value)
    return list(dict.fromkeys(found))


def history_entry(e: Any) -> dict[str, Any]:
    meta = dict(e.metadata or {})
    return {
        "position": e.position,
        "version": e.version,
        "event_id": str(e.event_id),
        "type": e.type,
        "schema_version": e.schema_version,
        "recorded_at": e.recorded_at,
        "actor": meta.get("actor"),
        "role": meta.get("role"),
        "rule_codes": rule_codes(e.data),
        "data": e.data,
        "metadata": meta,
        "hash": e.hash if isinstance(e.hash, str) else bytes(e.hash).hex(),
    }


async def stream_history(store: Any, stream_id: str) -> dict[str, Any]:
    events = await store.read_stream(stream_id)
    if not events:
        raise ViewError(404, "not_found", "stream not found")
    return {
        "stream_id": stream_id,
        "stream_type": events[-1].stream_type,
        "version": events[-1].version,
        "events": [history_entry(e) for e in events],
    }


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return json.loads(json.dumps(dataclasses.asdict(value), default=str))
    return json.loads(json.dumps(value, default=str))


async def state_as_of(store: Any, stream_id: str, instant: datetime) -> dict[str, Any]:
    """Replay a recruitment's or an appointment's state as it was at ``instant``."""
    kind = streams.kind_of(stream_id)
    if kind not in ("recruitment", "appointment") or not streams.is_stream(stream_id):
        raise ViewError(
            422, "invalid_input",
            "stream_id: as-of replays recruitment:{m}:{campaign} or appointment:{m}:{id}",
            "stream_id",
        )
    if instant.tzinfo is None:
        raise ViewError(422, "invalid_input", "at: the instant must carry a timezone", "at")
    if kind == "recruitment":
        events = await campaign_events(store, stream_id, instant)
    else:
        events = await store.read_stream_as_of(stream_id, instant)
    if not events and await store.stream_version(stream_id) == 0:
        raise ViewError(404, "not_found", "stream not found")
    return {
        "stream_id": stream_id,
        "kind": kind,
        "as_of": instant,
        "events_applied": len(events),
        "last_position": events[-1].position if events else None,
        "state": _jsonable(fold(kind, events)) if events else {},
    }


class CheckpointModel(BaseModel):
    """A signed checkpoint (``POST /audit/checkpoint``, ``ninyo audit checkpoint``); keep it
    off-site."""

    model_config = ConfigDict(extra="forbid")

    position: int
    head_hash: str
    signature: str
    public_key: str
    created_at: str | None = None


EXPORT_STEPS = 4


async def export_appointment(
    store: Any, stream_id: str, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """An appointment's complete recorded history: the appointment stream, and the
    recruitment that led to it (the campaign stream and the appointee's application
    stream, named by the ``Appointed`` event), its current state and the log's check.
    ``progress(step)`` is called before each of the ``EXPORT_STEPS`` steps."""
    step = progress or (lambda _: None)
    step("reading the appointment")
    history = await stream_history(store, stream_id)
    events = await store.read_stream(stream_id)
    m = municipality_of(stream_id)
    origin: list[dict[str, Any]] = []
    appointed = next((e for e in events if e.type == "Appointed"), None)
    if appointed is not None:
        campaign, application = appointed.data.get("campaign_id"), appointed.data.get("application_id")
        for origin_stream in (streams.campaign(m, campaign),
                              streams.application(m, campaign, application)):
            step(f"reading {streams.kind_of(origin_stream)}")
            recorded = await store.read_stream(origin_stream)
            origin.append({"stream_id": origin_stream,
                           "events": [history_entry(e) for e in recorded]})
    step("verifying the event log")
    verify = await store.verify()
    return {
        "appointment": stream_id,
        "municipality": m,
        "state": _jsonable(fold("appointment", events)),
        "events": history["events"],
        "version": history["version"],
        "recruitment": origin,
        "log_verified": {"ok": verify.ok, "count": verify.count,
                         "head_position": verify.head_position, "reason": verify.reason},
    }


_LABELS = {
    "position": "位置", "version": "版", "type": "出来事", "recorded_at": "記録日時（日本時間）",
    "actor": "実行者", "role": "役割", "rule_codes": "根拠規則", "data": "内容",
}


def render_html(export: dict[str, Any]) -> str:
    """A readable, self-contained HTML report (Japanese labels) of ``export_appointment``."""
    e = html.escape
    head = "".join(f"<th>{_LABELS[k]}</th>" for k in
                   ("position", "version", "type", "recorded_at", "actor", "role",
                    "rule_codes", "data"))

    def table(entries: list[dict[str, Any]]) -> str:
        rows = []
        for ev in entries:
            data = json.dumps(ev["data"], ensure_ascii=False, indent=1, default=str)
            recorded = ev["recorded_at"]
            if isinstance(recorded, str):
                recorded = datetime.fromisoformat(recorded)
            when = i18n.format_datetime(recorded) if isinstance(recorded, datetime) else str(recorded)
            kind = f"{i18n.label('event_type', ev['type'])}<br><small>{e(ev['type'])}</small>"
            role = i18n.label("role", ev["role"]) if ev["role"] else ""
            rules = "<br>".join(f"{e(r)} {e(i18n.label('rule', r))}" for r in ev["rule_codes"])
            rows.append(
                "<tr>"
                f"<td>{ev['position']}</td><td>{ev['version']}</td><td>{kind}</td>"
                f"<td>{e(when)}</td><td>{e(str(ev['actor'] or ''))}</td>"
                f"<td>{e(role)}</td><td>{rules}</td>"
                f"<td><pre>{e(data)}</pre></td></tr>"
            )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    origin = "".join(
        f"<h3>{e(o['stream_id'])}</h3>{table(o['events'])}" for o in export.get("recruitment", [])
    ) or "<p>（記録なし）</p>"
    state = json.dumps(export["state"], ensure_ascii=False, indent=2, default=str)
    check = export["log_verified"]
    verdict = "改ざんなし (検証成功)" if check["ok"] else f"検証失敗: {check['reason']}"
    return f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8">
<title>任用記録 {e(export['appointment'])}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px;vertical-align:top;font-size:90%}}
pre{{margin:0;white-space:pre-wrap}}</style></head>
<body>
<h1>CIO補佐官等 任用記録 (監査用)</h1>
<dl><dt>任用ID</dt><dd>{e(export['appointment'])}</dd>
<dt>団体コード</dt><dd>{e(export['municipality'])}</dd>
<dt>記録件数</dt><dd>{len(export['events'])}</dd>
<dt>イベントログ検証</dt><dd>{e(verdict)} (全{check['count']}件)</dd></dl>
<h2>現在の状態</h2><pre>{e(state)}</pre>
<h2>任用の履歴</h2>
{table(export['events'])}
<h2>募集・選考の履歴 (任用に至った経緯)</h2>
{origin}
</body></html>
"""
