"""50 identical "advance" requests at once on one step: one wins, 49 are refused, one event."""

from __future__ import annotations

import asyncio

from tests.api.flow import Flow


async def test_50_concurrent_approvals_one_succeeds_the_rest_409_one_event(
        temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).submitted()
    headers = tokens("approver")
    answers = await asyncio.gather(*(
        temporal_api.http.post(f.base + "/approve", headers=headers) for _ in range(50)))
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == 1, sorted({r.text for r in answers if r.status_code != 409})
    assert statuses.count(409) == 49, statuses
    codes = {r.json()["error"]["code"] for r in answers if r.status_code == 409}
    assert codes <= {"STATE-STAGE", "STATE-ALREADY-APPROVED"}, codes
    types = [e.type for e in await store.read_stream(f.stream)]
    assert types.count("RoleApproved") == 1
