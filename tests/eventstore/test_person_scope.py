"""Issue 10 point 5: person identity is scoped by municipality — municipality A forgetting
its applicant ``pf-01`` never touches municipality B's ``pf-01`` (warm cache or cold)."""

from __future__ import annotations

from eventstore import ERASED, NewEvent
from tests.eventstore.conftest import open_store


def _received(code: str, name: str) -> list[NewEvent]:
    data = {"applicant_id": "pf-01", "name": name, "email": f"{code}@example.jp"}
    return [NewEvent("ApplicationReceived", data, metadata={"municipality": code})]


async def test_forgetting_one_municipalitys_person_leaves_anothers_of_the_same_id(store, db_url):
    await store.append("application:062049:c1:pf-01", 0, _received("062049", "山田 太郎"))
    await store.forget("pf-01", municipality="062049")
    # B's new applicant with the same id, on a warm cache and on a fresh (cold) store
    await store.append("application:072010:c1:pf-01", 0, _received("072010", "佐藤 花子"))
    cold = await open_store(db_url)
    try:
        for s in (store, cold):
            [a] = await s.read_stream("application:062049:c1:pf-01")
            [b] = await s.read_stream("application:072010:c1:pf-01")
            assert a.data["name"] == ERASED
            assert b.data["name"] == "佐藤 花子" and b.data["email"] == "072010@example.jp"
        await cold.append("application:072010:c2:pf-01", 0, _received("072010", "佐藤 花子"))
    finally:
        await cold.close()
