"""Officer and approver actions through the HTTP API on a real Temporal dev server.

Each action is a workflow update: 200 with the resulting state, 409 with the rule code when
the domain refuses (nothing written), 422 naming the field for malformed input. The actor
of the token is the actor in the event metadata.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from activities.models import Notification
from activities.notifications import OutboxNotifier
from tests.api.conftest import OTHER, OWN
from tests.api.flow import MUNICIPALITY, Flow, define_body, posting_body
from tests.temporal_env import eventually


async def test_the_whole_lifecycle_records_who_did_each_step(temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).appointed()
    campaign = await store.read_stream(f.stream)
    by_type = {e.type: (e.metadata["actor"], e.metadata["role"]) for e in campaign}
    assert by_type["RoleDefined"] == ("hr_officer-1", "hr_officer")
    assert by_type["RoleApproved"] == ("approver-1", "approver")
    assert by_type["OfferApproved"] == ("approver-1", "approver")
    assert by_type["Appointed"] == ("approver-1", "approver")
    appointment = f"appointment:{OWN}:{f.appointment}"
    status = await temporal_api.http.get(f"/appointments/{OWN}/{f.appointment}",
                                         headers=tokens("auditor"))
    assert status.json()["status"] == "active"
    # the appointment's own stream, replayed and exported for the auditor
    exported = await temporal_api.http.get(f"/audit/appointments/{OWN}/{f.appointment}/export",
                                           headers=tokens("auditor"))
    assert exported.status_code == 200
    assert exported.json()["events"][0]["type"] == "Appointed"
    origin = {o["stream_id"]: [e["type"] for e in o["events"]]
              for o in exported.json()["recruitment"]}
    assert origin[f.stream][:3] == ["RoleDefined", "RoleSubmittedForApproval", "RoleApproved"]
    assert "ApplicationReceived" in origin[f"application:{OWN}:{f.campaign}:a1"]
    page = await temporal_api.http.get(f"/audit/appointments/{OWN}/{f.appointment}/export",
                                       params={"format": "html"}, headers=tokens("auditor"))
    assert "任用に至った経緯" in page.text and "RoleApproved" in page.text
    asof = await temporal_api.http.get(f"/audit/streams/{appointment}/as-of",
                                       params={"at": datetime.now(UTC).isoformat()},
                                       headers=tokens("auditor"))
    assert asof.json()["state"]["appointment_id"] == f.appointment


async def test_appointment_actions_are_updates_on_the_appointment(temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).appointed()
    base = f"/appointments/{OWN}/{f.appointment}"
    r = await temporal_api.http.post(base + "/readiness", json={"item": 1, "note": "首長と共有済み"},
                                     headers=tokens("hr_officer"))
    assert r.status_code == 200, r.text
    assert r.json()["status"]["readiness_confirmed"] == [1]
    refused = await temporal_api.http.post(base + "/renew", json={"new_end": "2029-03-31"},
                                           headers=tokens("hr_officer"))
    assert refused.status_code == 403  # approver-only
    events = await store.read_stream(f"appointment:{OWN}:{f.appointment}")
    assert [e.type for e in events][-1] == "ReadinessItemConfirmed"
    assert events[-1].metadata["actor"] == "hr_officer-1"


async def test_a_refused_command_is_409_with_the_rule_code_and_writes_nothing(
        temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).defined()
    r = await temporal_api.http.post(f.base + "/approve",
                                     headers=tokens("approver", sub="too-early"))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "STATE-NOT-SUBMITTED"
    events = await store.read_stream(f.stream)
    assert [e.type for e in events] == ["RoleDefined"]
    assert all(e.metadata["actor"] != "too-early" for e in events)


async def test_a_role_without_initiatives_is_refused_before_the_campaign_starts(
        temporal_api, tokens):
    body = define_body(f"c{uuid.uuid4().hex[:8]}")
    body["role"]["initiatives"] = []
    r = await temporal_api.http.post("/recruitments", json=body, headers=tokens("hr_officer"))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "R-POST-1"
    listed = await temporal_api.http.get(f"/recruitments/{OWN}/{body['campaign_id']}",
                                         headers=tokens("hr_officer"))
    assert listed.status_code == 404  # no workflow was started


async def test_malformed_input_is_422_naming_the_field(temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).approved()
    before = await store.stream_version(f.stream)
    body = posting_body()
    body["details"]["deadline"] = "next friday"
    r = await temporal_api.http.post(f.base + "/posting", json=body, headers=tokens("hr_officer"))
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "details.deadline"
    assert await store.stream_version(f.stream) == before


async def test_the_actor_cannot_be_chosen_by_the_client(temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).submitted()
    forged = {"actor": {"id": "mayor", "role": "approver"}}
    r = await temporal_api.http.post(f.base + "/approve", json=forged, headers=tokens("approver"))
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "actor"
    r = await temporal_api.http.post(f.base + "/submit", json={"kind": "ApproveRole"},
                                     headers=tokens("hr_officer"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "kind"


async def test_a_second_campaign_with_the_same_id_is_409(temporal_api, tokens):
    f = await Flow(temporal_api.http, tokens).defined()
    r = await temporal_api.http.post("/recruitments", json=define_body(f.campaign),
                                     headers=tokens("hr_officer"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "STATE-CAMPAIGN-EXISTS"


async def test_idempotency_key_makes_a_retried_update_safe(temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).defined()
    headers = {**tokens("hr_officer"), "Idempotency-Key": str(uuid.uuid4())}
    first = await temporal_api.http.post(f.base + "/submit", headers=headers)
    retry = await temporal_api.http.post(f.base + "/submit", headers=headers)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    types = [e.type for e in await store.read_stream(f.stream)]
    assert types.count("RoleSubmittedForApproval") == 1


async def test_listings_filter_by_municipality_stage_persona_and_fiscal_year(
        temporal_api, tokens):
    http = temporal_api.http
    # The workflow names a campaign's fiscal year from the Japan date when it is created
    # (FY starts 1 April in Japan, i.e. 31 March 15:00 UTC): take it the same way, before.
    fy = fiscal_year_in_japan(datetime.now(UTC))
    posted = await Flow(http, tokens).posted()
    draft = await Flow(http, tokens).defined()
    elsewhere = await Flow(http, tokens, OTHER).defined()
    both = tokens("approver", OWN, OTHER)

    async def ids(params: dict, headers=both) -> set[str]:
        r = await http.get("/recruitments", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return {i["workflow_id"] for i in r.json()["items"]}

    ours = {posted.stream, draft.stream}
    assert await eventually(lambda: _has(ids({"stage": "posted"}), posted.stream))
    assert posted.stream in await ids({"stage": "posted"})
    assert draft.stream not in await ids({"stage": "posted"})
    assert await eventually(lambda: _has(ids({"stage": "draft"}), draft.stream))
    own_only = await ids({}, tokens("approver", OWN))
    assert ours <= own_only and elsewhere.stream not in own_only
    assert await ids({"municipality": OTHER}, tokens("approver", OWN)) == set()
    assert elsewhere.stream in await ids({"municipality": OTHER})
    assert ours <= await ids({"persona": "producer", "fiscal_year": fy})
    assert await ids({"persona": "engineer"}) & ours == set()
    assert await ids({"fiscal_year": fy - 5}) & ours == set()


def fiscal_year_in_japan(instant: datetime) -> int:
    """会計年度 of an instant: April-March, by the calendar date in Japan (Asia/Tokyo)."""
    day = instant.astimezone(ZoneInfo("Asia/Tokyo")).date()
    return day.year if day.month >= 4 else day.year - 1


def test_fiscal_year_in_japan_turns_at_japanese_midnight_not_utc():
    # 2027-03-31 15:00 UTC is already 1 April in Japan: FY2027, although UTC says March.
    assert fiscal_year_in_japan(datetime(2027, 3, 31, 14, 59, 59, tzinfo=UTC)) == 2026
    assert fiscal_year_in_japan(datetime(2027, 3, 31, 15, 0, tzinfo=UTC)) == 2027


async def _has(coro, item) -> bool:
    return item in await coro


async def test_the_posting_document_is_the_standard_format(temporal_api, tokens):
    f = await Flow(temporal_api.http, tokens).approved()
    missing = await temporal_api.http.get(f.base + "/posting", headers=tokens("approver"))
    assert missing.status_code == 404
    await f.post("/posting", posting_body())
    doc = await temporal_api.http.get(f.base + "/posting", headers=tokens("approver"))
    assert doc.status_code == 200
    assert "募集要項" in doc.json()["markdown"] and MUNICIPALITY["name"] in doc.json()["markdown"]
    page = await temporal_api.http.get(f.base + "/posting", params={"format": "html"},
                                       headers=tokens("auditor"))
    assert page.headers["content-type"].startswith("text/html") and "<table" in page.text
    assert "<th>応募締切</th>" in page.text  # the standard format, as a table


async def test_applications_are_read_by_officers_approvers_and_auditors(temporal_api, tokens):
    """Issue 11 point 5: the approver approving an offer reads the application (was 403)."""
    f = await Flow(temporal_api.http, tokens).with_application("a7")
    url = f.base + "/applications/a7"
    officer = await temporal_api.http.get(url, headers=tokens("hr_officer"))
    assert officer.status_code == 200 and officer.json()["name"] == "山田 太郎"
    assert (await temporal_api.http.get(url, headers=tokens("auditor"))).status_code == 200
    approver = await temporal_api.http.get(url, headers=tokens("approver"))
    assert approver.status_code == 200 and "interviews" in approver.json()
    assert (await temporal_api.http.get(url, headers=tokens("admin"))).status_code == 403
    missing = await temporal_api.http.get(f.base + "/applications/zz", headers=tokens("hr_officer"))
    assert missing.status_code == 404


async def test_notifications_show_only_the_tokens_municipalities(temporal_api, tokens, api_settings):
    outbox = OutboxNotifier.from_url(api_settings.database_url)
    try:
        for code in (OWN, OTHER):
            await outbox.send(Notification(
                notification_id=uuid.uuid4(), to="hr@example.lg.jp", subject="応募締切の7日前です",
                body="締切が近づいています", kind="reminder:posting_deadline_7d",
                municipality=code, workflow_id=f"recruitment:{code}:cx"))
    finally:
        await outbox.close()
    r = await temporal_api.http.get("/notifications", headers=tokens("hr_officer"))
    assert r.status_code == 200
    codes = {i["municipality"] for i in r.json()["items"]}
    assert codes == {OWN}
    assert (await temporal_api.http.get("/notifications", headers=tokens("admin"))).status_code == 403
