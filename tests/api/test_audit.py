"""Auditor endpoints over events appended to the real PostgreSQL store.

History (who / what / when / rule), state "as of" an instant replayed with the domain's
fold, verify with and without a signed checkpoint, checkpoint, export (JSON and HTML),
and the CLI doing the same over the same store.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from domain import events as ev
from eventstore import NewEvent
from tests.api.conftest import OTHER, OWN

T0 = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
MUNI = {"name": "酒田市", "kind": "city", "prefecture": "山形県", "population": 100000, "code": OWN}
ROLE = {
    "title": "CIO補佐官", "persona": "producer",
    "duties": [{"kind": "advice", "text": "DX全体方針への助言"}],
    "initiatives": ["bpr", "online_procedures"], "form": "special_part_time",
    "work_style": {"days_per_month": 4, "remote_allowed": True, "side_job_allowed": True},
    "pay": {"amount_yen": 50000, "unit": "day"},
    "term": {"start": "2024-04-01", "end": "2025-03-31"},
}


def _new(event: ev.DomainEvent, actor: str, role: str, municipality: str = OWN) -> NewEvent:
    type_, version, data = ev.event_payload(event)
    return NewEvent(type=type_, data=data, schema_version=version,
                    metadata={"actor": actor, "role": role, "municipality": municipality})


async def _campaign(store, municipality: str = OWN) -> tuple[str, list]:
    """A campaign stream: RoleDefined (by an officer), then RoleApproved (by the approver)."""
    campaign = f"c{uuid.uuid4().hex[:8]}"
    stream = f"recruitment:{municipality}:{campaign}"
    defined = ev.RoleDefined(at=T0, by="hr-1", campaign_id=campaign,
                             municipality={**MUNI, "code": municipality}, role=ROLE)
    await store.append(stream, 0, [_new(defined, "hr-1", "hr_officer", municipality)],
                       stream_type="recruitment")
    approved = ev.RoleApproved(at=T0 + timedelta(days=1), by="approver-1")
    await store.append(stream, 1, [_new(approved, "approver-1", "approver", municipality)],
                       stream_type="recruitment")
    return stream, await store.read_stream(stream)


async def _appointment(store) -> str:
    appointment = f"a{uuid.uuid4().hex[:8]}"
    stream = f"appointment:{OWN}:{appointment}"
    appointed = ev.Appointed(
        at=T0, by="approver-1", appointment_id=appointment, campaign_id="c1",
        application_id="app-1", appointee_id="person-1", appointee_name="山田 太郎",
        appointee_employer="Example Systems K.K.", appointee_for_profit=True,
        municipality=MUNI, persona="producer",
        terms={"form": "special_part_time", "term": ROLE["term"], "duties": ROLE["duties"],
               "initiatives": ROLE["initiatives"], "pay": ROLE["pay"]},
        pledges_signed=("appointment_terms", "no_discrediting_acts", "confidentiality",
                        "devotion_to_duty"),
        readiness_confirmed=(1, 2, 3, 4, 5),
    )
    await store.append(stream, 0, [_new(appointed, "approver-1", "approver")],
                       stream_type="appointment")
    return stream


async def test_history_shows_who_did_what_when_and_under_which_rule(http, tokens, store):
    stream, recorded = await _campaign(store)
    r = await http.get(f"/audit/streams/{stream}/history", headers=tokens("auditor"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 2
    assert [(e["type"], e["actor"], e["role"]) for e in body["events"]] == [
        ("RoleDefined", "hr-1", "hr_officer"), ("RoleApproved", "approver-1", "approver")]
    assert [e["hash"] for e in body["events"]] == [e.hash for e in recorded]


async def test_history_lists_the_rule_codes_an_event_records(http, tokens, store):
    stream = await _appointment(store)
    body = (await http.get(f"/audit/streams/{stream}/history", headers=tokens("hr_officer"))).json()
    assert body["events"][0]["rule_codes"] == ["R-PLEDGE-3", "R-FORM"]
    assert body["events"][0]["data"]["appointee_name"] == "山田 太郎"  # decrypted for the auditor


async def test_another_municipalitys_stream_is_404_like_a_missing_one(http, tokens, store):
    stream, _ = await _campaign(store, OTHER)
    r_other = await http.get(f"/audit/streams/{stream}/history", headers=tokens("auditor"))
    r_missing = await http.get(f"/audit/streams/recruitment:{OWN}:nope/history",
                               headers=tokens("auditor"))
    assert r_other.status_code == r_missing.status_code == 404
    assert r_other.json()["error"]["code"] == r_missing.json()["error"]["code"] == "not_found"
    ok = await http.get(f"/audit/streams/{stream}/history", headers=tokens("auditor", OTHER))
    assert ok.status_code == 200


@pytest.mark.parametrize("role", ["approver", "admin"])
async def test_roles_without_personal_data_access_cannot_read_history(http, tokens, store, role):
    stream, _ = await _campaign(store)
    r = await http.get(f"/audit/streams/{stream}/history", headers=tokens(role))
    assert r.status_code == 403


async def test_state_as_of_an_instant_is_replayed_from_the_log(http, tokens, store):
    stream, recorded = await _campaign(store)
    between = recorded[0].recorded_at + (recorded[1].recorded_at - recorded[0].recorded_at) / 2
    before = await http.get(f"/audit/streams/{stream}/as-of",
                            params={"at": between.isoformat()}, headers=tokens("auditor"))
    after = await http.get(f"/audit/streams/{stream}/as-of",
                           params={"at": datetime.now(UTC).isoformat()}, headers=tokens("auditor"))
    assert before.status_code == after.status_code == 200, before.text
    assert (before.json()["events_applied"], before.json()["state"]["stage"]) == (1, "draft")
    assert (after.json()["events_applied"], after.json()["state"]["stage"]) == (2, "approved")
    assert after.json()["state"]["role_approved_by"] == "approver-1"


async def test_as_of_needs_an_instant_with_a_timezone(http, tokens, store):
    stream, _ = await _campaign(store)
    r = await http.get(f"/audit/streams/{stream}/as-of", params={"at": "2024-01-10T09:00:00"},
                       headers=tokens("auditor"))
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "at"


async def test_verify_and_checkpoint_roundtrip(http, tokens, store):
    await _campaign(store)
    cp = await http.post("/audit/checkpoint", headers=tokens("admin"))
    assert cp.status_code == 200, cp.text
    plain = await http.post("/audit/verify", headers=tokens("auditor"))
    assert plain.status_code == 200 and plain.json()["ok"] is True
    with_cp = await http.post("/audit/verify", json={"checkpoint": cp.json()},
                              headers=tokens("auditor"))
    assert with_cp.json()["ok"] is True
    forged = {**cp.json(), "head_hash": "0" * 64}
    bad = await http.post("/audit/verify", json={"checkpoint": forged}, headers=tokens("auditor"))
    assert bad.status_code == 200 and bad.json()["ok"] is False
    assert bad.json()["reason"]


@pytest.mark.parametrize("role", ["hr_officer", "approver"])
async def test_only_auditors_and_admins_keep_the_log(http, tokens, role):
    assert (await http.post("/audit/checkpoint", headers=tokens(role))).status_code == 403
    assert (await http.post("/audit/verify", headers=tokens(role))).status_code == 403


async def test_export_json_and_html(http, tokens, store):
    stream = await _appointment(store)
    _, m, appointment = stream.split(":")
    r = await http.get(f"/audit/appointments/{m}/{appointment}/export", headers=tokens("auditor"))
    assert r.status_code == 200
    assert r.json()["events"][0]["type"] == "Appointed"
    assert r.json()["state"]["appointment_id"] == appointment
    h = await http.get(f"/audit/appointments/{m}/{appointment}/export",
                       params={"format": "html"}, headers=tokens("auditor"))
    assert h.headers["content-type"].startswith("text/html")
    assert "任用記録" in h.text and "Appointed" in h.text and "R-PLEDGE-3" in h.text
    other = await http.get(f"/audit/appointments/{OTHER}/{appointment}/export",
                           headers=tokens("auditor", OTHER))
    assert other.status_code == 404


async def _cli(settings, *args: str):
    """``ninyo audit ...`` in a thread (it runs its own event loop, as from a terminal)."""
    from cli.main import app

    env = {"NINYO_DATABASE_URL": settings.database_url,
           "NINYO_CHECKPOINT_SIGNING_KEY": settings.checkpoint_signing_key.get_secret_value(),
           "NINYO_DATA_MASTER_KEY": settings.data_master_key.get_secret_value()}
    from ninyo.settings import get_settings

    get_settings.cache_clear()
    try:
        return await asyncio.to_thread(CliRunner().invoke, app, ["audit", *args], env=env)
    finally:
        get_settings.cache_clear()


async def test_cli_audit_commands_over_the_same_store(api_settings, store, tmp_path):
    stream, recorded = await _campaign(store)
    hist = await _cli(api_settings, "history", stream, "--json")
    assert hist.exit_code == 0, hist.output
    assert [e["type"] for e in json.loads(hist.stdout)["events"]] == ["RoleDefined", "RoleApproved"]
    table = await _cli(api_settings, "history", stream)
    # issue 11 point 9: the table speaks Japanese (event labels, 令和 dates in JST)
    assert "役割の承認" in table.stdout and "approver-1" in table.stdout
    assert "令和" in table.stdout and "出来事" in table.stdout

    between = recorded[0].recorded_at + (recorded[1].recorded_at - recorded[0].recorded_at) / 2
    asof = await _cli(api_settings, "as-of", stream, between.isoformat())
    assert asof.exit_code == 0, asof.output
    assert json.loads(asof.stdout)["state"]["stage"] == "draft"
    naive = await _cli(api_settings, "as-of", stream, "2024-01-10T09:00:00")
    assert naive.exit_code == 2 and json.loads(naive.stderr)["error"]["field"] == "INSTANT"

    cp_file = tmp_path / "cp.json"
    assert (await _cli(api_settings, "checkpoint", "--out", str(cp_file))).exit_code == 0
    ok = await _cli(api_settings, "verify", "--checkpoint", str(cp_file))
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    cp_file.write_text(json.dumps({**json.loads(cp_file.read_text()), "head_hash": "f" * 64}))
    bad = await _cli(api_settings, "verify", "--checkpoint", str(cp_file))
    assert bad.exit_code == 1 and json.loads(bad.stdout)["ok"] is False

    appointment = await _appointment(store)
    html_file = tmp_path / "report.html"
    exp = await _cli(api_settings, "export", appointment, "--format", "html", "--out", str(html_file))
    assert exp.exit_code == 0, exp.output
    assert "CIO補佐官等 任用記録" in html_file.read_text()
    js = await _cli(api_settings, "export", appointment, "--format", "json")
    assert json.loads(js.stdout)["appointment"] == appointment


async def test_as_of_accepts_a_plain_date_and_an_unencoded_offset(http, tokens, store):
    """Issue 11 point 8: a date is the end of that day (JST); a bad value shows a form."""
    stream, _ = await _campaign(store)
    day = await http.get(f"/audit/streams/{stream}/as-of", params={"at": "2999-11-30"},
                         headers=tokens("auditor"))
    assert day.status_code == 200, day.text
    assert day.json()["as_of"].startswith("2999-12-01T00:00:00+09:00")
    raw = await http.get(f"/audit/streams/{stream}/as-of?at=2999-11-30T12:00:00+09:00",
                         headers=tokens("auditor"))
    assert raw.status_code == 200, raw.text
    bad = await http.get(f"/audit/streams/{stream}/as-of", params={"at": "yesterday"},
                         headers=tokens("auditor"))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "at"
    assert "2026-11-30" in bad.json()["error"]["message"]
