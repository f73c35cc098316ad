"""Personal data is stored encrypted per person; forget(person) erases it for good."""

from __future__ import annotations

import glob

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from eventstore import ERASED, ForgottenPersonError, NewEvent
from eventstore.schema import person_keys
from tests.eventstore.conftest import Tamper, open_store

TARO = {"applicant_id": "app-0001", "name": "山田 太郎", "email": "taro.yamada@example.jp",
        "persona": "producer", "years_experience": 7}  # fmt: skip
HANAKO = {"applicant_id": "app-0002", "name": "佐藤 花子", "email": "hanako.sato@example.jp",
          "persona": "architect", "years_experience": 12}  # fmt: skip


async def received(store, who: dict) -> None:
    stream = f"application:131016:c1:{who['applicant_id']}"
    await store.append(
        stream,
        0,
        [NewEvent("ApplicationReceived", dict(who), metadata={"municipality": "131016"}),
         NewEvent("ApplicationScreened", {"applicant_id": who["applicant_id"], "passed": True})],
    )  # fmt: skip


async def stored_bytes(db_url: str) -> bytes:
    """Everything the database holds, as raw bytes (SQLite: the files themselves)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return b"".join(open(p, "rb").read() for p in glob.glob(url.database + "*"))
    async with Tamper(db_url) as t:
        return (await t.all_text()).encode()


async def test_personal_fields_are_encrypted_at_rest_and_readable_by_the_store(store, db_url):
    await received(store, TARO)
    got = (await store.read_stream("application:131016:c1:app-0001"))[0]
    assert got.data == TARO
    raw = await stored_bytes(db_url)
    for secret in ("山田 太郎", "taro.yamada@example.jp"):
        assert secret.encode() not in raw
    assert b"producer" in raw  # non-personal fields stay queryable plain JSON


async def test_forget_erases_only_that_persons_fields_and_verify_still_passes(store, db_url):
    await received(store, TARO)
    await received(store, HANAKO)
    before = [e async for e in store.read_all()]
    async with Tamper(db_url) as t:
        async with t.engine.connect() as c:
            wrapped = (
                await c.execute(
                    sa.select(person_keys.c.wrapped_key).where(
                        person_keys.c.person_id == "131016:app-0001"  # scoped by municipality
                    )
                )
            ).scalar_one()

    def holds_key(raw: bytes) -> bool:  # raw file bytes, or bytea's hex text form
        return wrapped in raw or wrapped.hex().encode() in raw

    assert holds_key(await stored_bytes(db_url))  # the search below would find it

    await store.forget("app-0001")

    after = [e async for e in store.read_all()]
    taro = after[0]
    assert taro.data["name"] == ERASED and taro.data["email"] == ERASED
    assert taro.data["applicant_id"] == "app-0001"  # the subject id and
    assert taro.data["persona"] == "producer" and taro.data["years_experience"] == 7  # the rest
    # everything else is as it was: other people, other events, positions, hashes
    assert [e.data for e in after[1:]] == [e.data for e in before[1:]]
    assert [(e.position, e.hash) for e in after] == [(e.position, e.hash) for e in before]
    assert after[2].data["name"] == "佐藤 花子"
    res = await store.verify()
    assert res.ok and res.count == 4

    raw = await stored_bytes(db_url)
    for secret in ("山田 太郎", "taro.yamada@example.jp"):
        assert secret.encode() not in raw
    assert not holds_key(raw), "the destroyed key must not linger in the database"

    # a second store (another process) sees the erasure too
    async with await open_store(db_url) as other:
        assert (await other.read_stream("application:131016:c1:app-0001"))[0].data["name"] == ERASED


async def test_forget_refuses_new_personal_data_for_that_person(store):
    await received(store, TARO)
    await store.forget("app-0001")
    with pytest.raises(ForgottenPersonError):
        await store.append(
            "application:131016:c2:app-0001", 0, [NewEvent("ApplicationReceived", dict(TARO))]
        )
    # events without personal data about them still go in
    await store.append(
        "application:131016:c1:app-0001",
        2,
        [NewEvent("ApplicationClosed", {"applicant_id": "app-0001"})],
    )
    # idempotent, and a tombstone for an unknown id (of that municipality: issue 10 point 5)
    await store.forget("never-seen", municipality="131016")
    with pytest.raises(ForgottenPersonError):
        await received(store, {**HANAKO, "applicant_id": "never-seen"})


async def test_personal_event_without_a_subject_id_is_refused(store):
    with pytest.raises(ValueError, match="applicant_id"):
        await store.append("s", 0, [NewEvent("ApplicationReceived", {"name": "名無し"})])


async def test_a_person_known_to_another_store_gets_no_second_key(db_url):
    async with await open_store(db_url) as a, await open_store(db_url) as b:
        await received(a, TARO)
        await b.append(
            "application:131016:c9:app-0001",
            0,
            [NewEvent("ApplicationReceived", {**TARO, "name": "山田 太郎 (再応募)"})],
        )
        await a.forget("app-0001")
        names = [e.data.get("name") async for e in b.query(types=["ApplicationReceived"])]
        assert names == [ERASED, ERASED]


async def test_the_reserved_personal_data_key_cannot_be_used_by_callers(store):
    with pytest.raises(ValueError, match=r"data\.\$pii"):
        await store.append("s", 0, [NewEvent("Noted", {"$pii": {"person": "x"}})])
