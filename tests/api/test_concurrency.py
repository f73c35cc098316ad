"""50 identical "advance" requests at once on one step: one wins, 49 are refused, one event."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.api.flow import Flow


async def test_50_concurrent_approvals_one_succeeds_the_rest_409_one_event(
        temporal_api, tokens, store):
    f = await Flow(temporal_api.http, tokens).submitted()
    headers = tokens("approver")
    answers = await asyncio.gather(*(
        temporal_api.http.post(f.base + "/approve", headers=headers) for _ in range(50)))
    outcome = Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code != 200 else "ok")
        for r in answers)
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == 1, outcome
    assert statuses.count(409) == 49, outcome
    codes = {code for (status, code) in outcome if status == 409}
    assert codes <= {"STATE-STAGE", "STATE-ALREADY-APPROVED"}, outcome
    types = [e.type for e in await store.read_stream(f.stream)]
    assert types.count("RoleApproved") == 1
