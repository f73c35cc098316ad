"""``Idempotency-Key``: a retried request is answered once and identically (any replica)."""

from __future__ import annotations

import asyncio
import uuid

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


async def test_a_claim_abandoned_by_a_dead_replica_is_taken_over(http, tokens, api_settings):
    """A replica that died mid-request leaves an unfinished claim; after 5 minutes a retry
    of the same request runs instead of being told "in progress" for ever."""
    import hashlib
    from datetime import UTC, datetime, timedelta

    from api.idempotency import IdempotencyStore, idempotency_keys

    key = str(uuid.uuid4())
    headers = {**tokens("auditor", sub="crashy"), "Idempotency-Key": key}
    digest = hashlib.sha256()
    for part in (b"POST", b"/audit/checkpoint", b"", b""):
        digest.update(len(part).to_bytes(8, "big") + part)
    db = IdempotencyStore.from_url(api_settings.database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(idempotency_keys.insert().values(
                scope_key=f"crashy\x1f{key}", request_hash=digest.hexdigest(),
                created_at=datetime.now(UTC) - timedelta(minutes=1)))
        young = await http.post("/audit/checkpoint", headers=headers)
        assert young.status_code == 409 and young.json()["error"]["code"] == "idempotency_in_progress"
        async with db.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope_key == f"crashy\x1f{key}")
                .values(created_at=datetime.now(UTC) - timedelta(minutes=6)))
        retaken = await http.post("/audit/checkpoint", headers=headers)
        assert retaken.status_code == 200
        replay = await http.post("/audit/checkpoint", headers=headers)
        assert replay.json() == retaken.json() and replay.headers["idempotent-replayed"] == "true"
    finally:
        await db.close()
