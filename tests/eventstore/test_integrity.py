"""Tamper evidence: verify() finds the exact position of an edit made directly in SQL,
and a signed checkpoint exposes even a fully rewritten chain."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from eventstore import Checkpoint
from eventstore.canonical import GENESIS, canonical_json, event_hash, iso_utc
from eventstore.schema import events as E
from tests.eventstore.conftest import Tamper, edit_text, fill, open_store

N = 8


def _content(row) -> dict:
    """Every column of a stored row except its position (what a swap exchanges)."""
    d = dict(row._mapping)
    for k in ("position", "data", "metadata", "municipality"):  # position, generated
        d.pop(k)
    return d


async def test_verify_on_an_intact_log_reports_count_and_head(store):
    empty = await store.verify()
    assert empty.ok and empty.count == 0 and empty.head_hash == GENESIS
    await fill(store)
    res = await store.verify(batch_size=3)  # chain checked across batch boundaries
    last = [e async for e in store.read_all()][-1]
    assert res.ok and res.count == N
    assert (res.head_position, res.head_hash) == (N, last.hash)
    assert res.first_bad_position is None and res.reason is None


async def test_verify_detects_edited_data(store, db_url):
    await fill(store)
    async with Tamper(db_url) as t:
        await t.run(edit_text(5, '"amount_yen":1000004', '"amount_yen":9999999'))
        assert (await t.rows())[4].data["amount_yen"] == 9_999_999
    res = await store.verify(batch_size=2)
    assert not res.ok
    assert res.first_bad_position == 5 and "hash" in res.reason
    assert res.count == 4 and res.head_position == 4


async def test_verify_detects_edited_stream_metadata_type_and_timestamp(store, db_url):
    await fill(store)
    edits = {
        2: {"stream_id": "subsidy:131016:2099", "version": 40},
        3: {"metadata_json": sa.func.replace(E.c.metadata_json, "finance-1", "someone-else")},
        4: {"type": "ClaimWithdrawn"},
        6: {"recorded_at": None},  # filled below: one microsecond earlier
    }
    async with Tamper(db_url) as t:
        rows = await t.rows()
        edits[6]["recorded_at"] = rows[5].recorded_at - timedelta(microseconds=1)
        for position in sorted(edits, reverse=True):
            await t.run(
                lambda c, p=position: c.execute(
                    E.update().where(E.c.position == p).values(**edits[p])
                )
            )
            assert (await store.verify()).first_bad_position == position


async def test_derived_columns_cannot_be_edited_apart_from_the_hashed_text(store, db_url):
    await fill(store, 2)
    async with Tamper(db_url) as t:
        for change in ({"municipality": "011002"}, {"data": {"amount_yen": 1}}):
            with pytest.raises(sa.exc.DBAPIError):
                await t.run(lambda c, ch=change: c.execute(E.update().values(**ch)))
        # the queryable columns follow the hashed text: an edit there breaks the chain
        await t.run(edit_text(2, '"131016"', '"011002"', "metadata_json"))
        assert (await t.rows())[1].municipality == "011002"
    res = await store.verify()
    assert not res.ok and res.first_bad_position == 2


async def test_verify_detects_a_deleted_row(store, db_url):
    await fill(store)
    async with Tamper(db_url) as t:
        await t.run(lambda c: c.execute(E.delete().where(E.c.position == 4)))
    res = await store.verify()
    assert not res.ok
    assert res.first_bad_position == 4 and "missing" in res.reason


async def test_verify_detects_two_swapped_rows(store, db_url):
    await fill(store)
    async with Tamper(db_url) as t:
        rows = {r.position: r for r in await t.rows()}
        a, b = _content(rows[3]), _content(rows[6])

        async def swap(c):
            parked = {**a, "event_id": uuid4(), "version": 10_000}
            await c.execute(E.update().where(E.c.position == 3).values(**parked))
            await c.execute(E.update().where(E.c.position == 6).values(**a))
            await c.execute(E.update().where(E.c.position == 3).values(**b))

        await t.run(swap)
        swapped = {r.position: r for r in await t.rows()}
        assert swapped[3].event_id == rows[6].event_id  # the rows really moved
    res = await store.verify()
    assert not res.ok and res.first_bad_position == 3


def _rehash(r, *, prev_hash: str, data_json: str) -> str:
    """The hash a forger computes for row ``r`` with new content (same formula as the store)."""
    return event_hash(r.position, r.stream_id, r.stream_type, r.version,
                      str(r.event_id), r.type, r.schema_version,
                      iso_utc(r.recorded_at), prev_hash, data_json, r.metadata_json)  # fmt: skip


def forge_one_row(position: int, *, data: dict | None = None, prev_hash: str | None = None):
    """Edit one row and recompute THAT row's own hash, leaving every other row alone.

    The forged row is self-consistent (its hash matches its content), so only the next
    row's ``prev_hash`` link can expose it.
    """

    async def forge(c):
        r = (await c.execute(sa.select(E).where(E.c.position == position))).one()
        data_json = canonical_json(data) if data is not None else r.data_json
        prev = prev_hash if prev_hash is not None else r.prev_hash
        h = _rehash(r, prev_hash=prev, data_json=data_json)
        await c.execute(
            E.update()
            .where(E.c.position == position)
            .values(data_json=data_json, prev_hash=prev, hash=h)
        )

    return forge


async def test_a_forged_row_with_its_own_hash_recomputed_breaks_the_next_link(store, db_url):
    """Issue 17 point 1: the forged row passes its own hash check; verify must still
    refuse the log, at the next position, because that row no longer links to it."""
    await fill(store)
    async with Tamper(db_url) as t:
        await t.run(forge_one_row(5, data={"amount_yen": 9_999_999, "note": "改定4"}))
        rows = await t.rows()
        forged = rows[4]
        assert forged.data["amount_yen"] == 9_999_999
        assert forged.hash == _rehash(forged, prev_hash=forged.prev_hash,
                                      data_json=forged.data_json)  # fmt: skip
    res = await store.verify(batch_size=3)  # 5 and 6 straddle a batch boundary
    assert not res.ok
    assert res.first_bad_position == 6 and "prev_hash" in res.reason
    assert (res.count, res.head_position) == (5, 5)


async def test_a_row_relinked_to_a_forged_predecessor_hash_is_caught_at_that_row(store, db_url):
    """A row whose prev_hash is rewritten (and its own hash recomputed to match) claims a
    predecessor that never existed: verify reports that very row."""
    await fill(store)
    async with Tamper(db_url) as t:
        await t.run(forge_one_row(4, prev_hash="0" * 64))
    res = await store.verify()
    assert not res.ok
    assert res.first_bad_position == 4 and "prev_hash" in res.reason


async def test_rewritten_chain_passes_verify_but_fails_the_signed_checkpoint(store, db_url):
    await fill(store)
    cp = await store.checkpoint()
    assert cp.position == N and (await store.verify(cp)).ok

    # The intruder edits position 3 and recomputes every hash after it.
    async with Tamper(db_url) as t:

        async def rewrite(c):
            rows = (await c.execute(sa.select(E).order_by(E.c.position))).all()
            prev = rows[1].hash
            for r in rows[2:]:
                data_json = r.data_json
                if r.position == 3:
                    data_json = canonical_json({**r.data, "amount_yen": 1})
                h = event_hash(r.position, r.stream_id, r.stream_type, r.version,
                               str(r.event_id), r.type, r.schema_version,
                               iso_utc(r.recorded_at), prev, data_json, r.metadata_json)  # fmt: skip
                await c.execute(
                    E.update().where(E.c.position == r.position)
                    .values(data_json=data_json, prev_hash=prev, hash=h)
                )  # fmt: skip
                prev = h

        await t.run(rewrite)

    plain = await store.verify()
    assert plain.ok, "the rewritten chain is internally consistent"
    res = await store.verify(cp)
    assert not res.ok and res.first_bad_position == cp.position
    assert "checkpoint" in res.reason


async def test_checkpoint_still_holds_when_the_log_grows(store):
    await fill(store, 3)
    cp = await store.checkpoint()
    await fill(store, 4)
    res = await store.verify(cp)
    assert res.ok and res.count == 7


async def test_checkpoint_detects_truncation_at_the_end_of_the_log(store, db_url):
    await fill(store, 5)
    cp = await store.checkpoint()
    async with Tamper(db_url) as t:
        await t.run(lambda c: c.execute(E.delete().where(E.c.position >= 4)))
    assert (await store.verify()).ok  # the remaining prefix is consistent...
    res = await store.verify(cp)  # ...but shorter than what the auditor signed
    assert not res.ok and res.first_bad_position == 4


async def test_checkpoint_json_round_trip_and_forged_checkpoints(store):
    await fill(store, 2)
    cp = await store.checkpoint()
    text = cp.to_json()
    back = Checkpoint.from_json(text)
    assert back == cp and back.signature_valid()
    assert Checkpoint(**json.loads(text)) == cp
    assert (await store.verify(back)).ok

    doctored = Checkpoint.from_dict({**cp.to_dict(), "position": 1})
    res = await store.verify(doctored)
    assert not res.ok and "signature" in res.reason

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    other = Ed25519PrivateKey.generate()
    msg = Checkpoint.signed_message(cp.position, cp.head_hash, cp.created_at)
    foreign = Checkpoint(
        cp.position,
        cp.head_hash,
        base64.b64encode(other.sign(msg)).decode(),
        base64.b64encode(other.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode(),
        cp.created_at,
    )
    assert foreign.signature_valid()
    res = await store.verify(foreign)
    assert not res.ok and "another key" in res.reason


async def test_checkpoint_refuses_to_sign_a_broken_log(store, db_url):
    await fill(store, 3)
    async with Tamper(db_url) as t:
        await t.run(edit_text(2, "改定1", "改定X"))
    try:
        await store.checkpoint()
    except RuntimeError as exc:
        assert "position 2" in str(exc)
    else:
        raise AssertionError("a tampered log was signed")


async def test_checkpoint_of_an_empty_log(db_url):
    async with await open_store(db_url) as store:
        cp = await store.checkpoint()
        assert (cp.position, cp.head_hash) == (0, GENESIS)
        assert (await store.verify(cp)).ok
