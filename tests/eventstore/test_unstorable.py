"""Issue 10 point 3: an append that can never succeed (a NUL character, which PostgreSQL
refuses in JSON) fails non-retryably with a clear error instead of retrying forever."""

from __future__ import annotations

import uuid

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.event_store import EventStoreActivities
from activities.models import AppendEvents, EventMetadata, EventToAppend


def _request(stream: str, note: str) -> AppendEvents:
    return AppendEvents(
        stream_id=stream, stream_type="recruitment", expected_version=0,
        events=[EventToAppend(event_id=str(uuid.uuid4()), type="RoleReturned",
                              data={"at": "2026-11-30T00:00:00+09:00", "by": "hr-1",
                                    "reason": note}, schema_version=1)],
        metadata=EventMetadata(actor="hr-1", role="hr_officer", municipality="062049",
                               workflow_id=stream, run_id="r", correlation_id=stream),
    )


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_a_nul_character_fails_the_append_for_good(store):
    acts = EventStoreActivities(store)
    with pytest.raises(ApplicationError) as e:
        await ActivityEnvironment().run(acts.append_events,
                                        _request("recruitment:062049:nul", "a\x00b"))
    assert e.value.non_retryable and e.value.type == "UnstorableEvent"
    assert await store.stream_version("recruitment:062049:nul") == 0
    # the same stream still takes a good event
    ok = await ActivityEnvironment().run(acts.append_events,
                                         _request("recruitment:062049:nul", "ab"))
    assert ok.version == 1
