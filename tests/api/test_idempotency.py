"""``Idempotency-Key``: a retried request is answered once and identically (any replica)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from tests.api.conftest import OTHER, OWN
from tests.api.test_audit import _campaign


async def test_a_retry_replays_the_stored_answer_even_after_the_log_moved_on(http, tokens, store):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await http.post("/audit/checkpoint", headers={**tokens("auditor"), **key})
    await _campaign(store)  # the head moves: a fresh checkpoint would differ
    retry = await http.post("/audit/checkpoint", headers={**tokens("auditor"), **key})
    fresh = await http.post("/audit/checkpoint", headers=tokens("auditor"))
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert fresh.json()["position"] > first.json()["position"]


async def test_the_same_key_with_another_body_is_refused(http, tokens):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    ok = await http.post("/audit/verify", json={}, headers={**tokens("auditor"), **key})
    other = await http.post("/audit/verify", json={"checkpoint": None},
                            headers={**tokens("auditor"), **key})
    assert ok.status_code == 200
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["field"] == "Idempotency-Key"


async def test_keys_are_scoped_to_the_actor(http, tokens):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    a = await http.post("/audit/checkpoint", headers={**tokens("auditor", sub="a"), **key})
    b = await http.post("/audit/checkpoint", headers={**tokens("admin", sub="b"), **key})
    assert a.status_code == b.status_code == 200
    assert "idempotent-replayed" not in b.headers


async def test_refusals_are_replayed_too_and_401_is_not_stored(http, tokens):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    refused = await http.post("/audit/checkpoint", headers={**tokens("hr_officer", sub="h"), **key})
    again = await http.post("/audit/checkpoint", headers={**tokens("hr_officer", sub="h"), **key})
    assert refused.status_code == again.status_code == 403
    assert again.headers["idempotent-replayed"] == "true"
    anonymous = await http.post("/audit/checkpoint", headers=key)
    assert anonymous.status_code == 401


async def test_concurrent_retries_run_once(http, tokens):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    headers = {**tokens("auditor", sub="racer"), **key}
    answers = await asyncio.gather(*(http.post("/audit/checkpoint", headers=headers)
                                     for _ in range(10)))
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {200, 409}
    done = [r for r in answers if r.status_code == 200]
    assert len({r.text for r in done}) == 1  # one answer, replayed
    assert all(r.json()["error"]["code"] == "idempotency_in_progress"
               for r in answers if r.status_code == 409)


async def test_an_empty_or_huge_key_is_422(http, tokens):
    for bad in (" ", "x" * 201):
        r = await http.post("/audit/checkpoint",
                            headers={**tokens("auditor"), "Idempotency-Key": bad})
        assert r.status_code == 422 and r.json()["error"]["field"] == "Idempotency-Key"


async def test_a_claim_abandoned_by_a_dead_process_is_taken_over_after_the_request_timeout(
        http, tokens, api_settings):
    """Issue 10 point 6: a process that died mid-request leaves an unfinished claim; once
    it is older than any request may run, a retry of the same request runs (not 5 min)."""
    import hashlib
    from datetime import UTC, datetime

    from api.idempotency import (
        ABANDONED_AFTER,
        REQUEST_TIMEOUT,
        IdempotencyStore,
        idempotency_keys,
        scope_key_of,
    )
    from ninyo.auth import decode_token

    assert ABANDONED_AFTER < timedelta(minutes=1) and ABANDONED_AFTER > REQUEST_TIMEOUT
    key = str(uuid.uuid4())
    headers = {**tokens("auditor", sub="crashy"), "Idempotency-Key": key}
    principal = decode_token(api_settings, headers["Authorization"].removeprefix("Bearer "))
    scope_key = scope_key_of(principal, "POST", "/audit/checkpoint", key)
    digest = hashlib.sha256()
    for part in (b"POST", b"/audit/checkpoint", b"", b""):
        digest.update(len(part).to_bytes(8, "big") + part)
    db = IdempotencyStore.from_url(api_settings.database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(idempotency_keys.insert().values(
                scope_key=scope_key, request_hash=digest.hexdigest(),
                created_at=datetime.now(UTC) - REQUEST_TIMEOUT / 2))
        young = await http.post("/audit/checkpoint", headers=headers)
        assert young.status_code == 409 and young.json()["error"]["code"] == "idempotency_in_progress"
        async with db.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope_key == scope_key)
                .values(created_at=datetime.now(UTC) - ABANDONED_AFTER - timedelta(seconds=1)))
        retaken = await http.post("/audit/checkpoint", headers=headers)
        assert retaken.status_code == 200
        replay = await http.post("/audit/checkpoint", headers=headers)
        assert replay.json() == retaken.json() and replay.headers["idempotent-replayed"] == "true"
    finally:
        await db.close()


async def test_a_replay_is_authorised_the_same_sub_in_another_role_gets_no_answer(http, tokens):
    """Issue 10 point 6: the same ``sub`` as another role does not get the stored answer."""
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await http.post("/audit/checkpoint", headers={**tokens("auditor", sub="kim"), **key})
    assert first.status_code == 200
    other = await http.post("/audit/checkpoint",
                            headers={**tokens("hr_officer", sub="kim"), **key})
    assert other.status_code == 403, other.text
    assert "idempotent-replayed" not in other.headers


async def test_a_replay_is_authorised_an_officer_of_another_municipality_gets_404(
        temporal_api, tokens):
    """Issue 10 point 6: the same ``sub`` as an officer of another municipality replaying
    the key of a request on this municipality's campaign reaches the route's authorisation."""
    key = {"Idempotency-Key": str(uuid.uuid4())}
    http = temporal_api.http
    body = {"item": 1, "note": "a\u0000b"}  # refused 422 at the edge, and stored
    url = f"/recruitments/{OWN}/c1/readiness"
    first = await http.post(url, json=body, headers={**tokens("hr_officer", OWN, sub="lee"), **key})
    assert first.status_code == 422, first.text
    again = await http.post(url, json=body, headers={**tokens("hr_officer", OWN, sub="lee"), **key})
    assert again.headers.get("idempotent-replayed") == "true"
    other = await http.post(url, json=body,
                            headers={**tokens("hr_officer", OTHER, sub="lee"), **key})
    assert other.status_code == 404, other.text
    assert "idempotent-replayed" not in other.headers
