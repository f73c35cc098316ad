"""What verify() reports to the auditor: how far the log is intact (count, head position and
head hash of the last good event), where it breaks and why — and that a checkpoint signed
with the store's own key still cannot vouch for a log it does not match."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from eventstore import Checkpoint
from eventstore.canonical import GENESIS
from eventstore.schema import events as E
from tests.eventstore.conftest import SIGNING_KEY, Tamper, edit_text, fill


def signed(position: int, head_hash: str, created_at: str = "2026-11-30T00:00:00Z") -> Checkpoint:
    """A checkpoint signed with the store's own key (an insider holding the key)."""
    key = Ed25519PrivateKey.from_private_bytes(SIGNING_KEY)
    message = Checkpoint.signed_message(position, head_hash, created_at)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return Checkpoint(
        position,
        head_hash,
        base64.b64encode(key.sign(message)).decode(),
        base64.b64encode(public).decode(),
        created_at,
    )


async def test_a_broken_log_reports_the_last_good_event_as_its_head(store, db_url):
    await fill(store, 6)
    good = [e async for e in store.read_all()]
    async with Tamper(db_url) as t:
        await t.run(edit_text(4, '"amount_yen":1000003', '"amount_yen":1'))
    res = await store.verify(batch_size=2)
    assert not res.ok and res.first_bad_position == 4
    assert (res.count, res.head_position, res.head_hash) == (3, 3, good[2].hash)


async def test_an_intact_log_reports_its_last_event_as_head(store):
    await fill(store, 5)
    last = [e async for e in store.read_all()][-1]
    res = await store.verify(batch_size=4)
    assert (res.ok, res.count, res.head_position, res.head_hash) == (True, 5, 5, last.hash)
    assert (res.first_bad_position, res.reason) == (None, None)


async def test_a_deleted_row_is_named_with_the_next_one_still_stored(store, db_url):
    await fill(store, 5)
    async with Tamper(db_url) as t:
        await t.run(lambda c: c.execute(E.delete().where(E.c.position == 2)))
    res = await store.verify()
    assert res.first_bad_position == 2
    assert "position 2 is absent" in res.reason and "next stored: 3" in res.reason
    assert (res.count, res.head_position) == (1, 1)


async def test_a_log_shorter_than_the_checkpoint_says_where_each_ends(store, db_url):
    await fill(store, 5)
    cp = await store.checkpoint()
    async with Tamper(db_url) as t:
        await t.run(lambda c: c.execute(E.delete().where(E.c.position >= 4)))
    res = await store.verify(cp)
    assert not res.ok and res.first_bad_position == 4
    assert "log ends at position 3" in res.reason and "checkpoint at 5" in res.reason
    assert (res.count, res.head_position) == (3, 3)


async def test_a_signed_checkpoint_of_an_empty_log_with_a_head_hash_is_refused(store):
    await fill(store, 2)
    head = [e async for e in store.read_all()][-1].hash
    res = await store.verify(signed(0, head))
    assert not res.ok and "empty log" in res.reason
    assert (res.count, res.head_hash, res.first_bad_position) == (0, GENESIS, None)
    assert (await store.verify(signed(0, GENESIS))).ok


async def test_a_signed_checkpoint_with_another_head_hash_fails_at_its_position(store):
    await fill(store, 4)
    rows = [e async for e in store.read_all()]
    assert (await store.verify(signed(3, rows[2].hash))).ok
    res = await store.verify(signed(3, rows[1].hash))
    assert not res.ok and res.first_bad_position == 3 and "checkpoint" in res.reason
    assert (res.count, res.head_hash) == (2, rows[1].hash)


async def test_refused_checkpoints_report_nothing_verified(store):
    """ok is exactly False (the API and the CLI print it) and nothing counts as verified."""
    await fill(store, 2)
    cp = await store.checkpoint()
    head = [e async for e in store.read_all()][-1].hash
    forged = Checkpoint.from_dict({**cp.to_dict(), "head_hash": GENESIS})
    other = Ed25519PrivateKey.generate()
    message = Checkpoint.signed_message(cp.position, cp.head_hash, cp.created_at)
    public = other.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    foreign = Checkpoint(cp.position, cp.head_hash, base64.b64encode(other.sign(message)).decode(),
                         base64.b64encode(public).decode(), cp.created_at)  # fmt: skip
    for checkpoint, why in ((forged, "signature"), (foreign, "another key"),
                            (signed(0, head), "empty log")):  # fmt: skip
        res = await store.verify(checkpoint)
        assert res.ok is False and why in res.reason
        assert (res.count, res.head_position, res.head_hash) == (0, 0, GENESIS)
        assert res.first_bad_position is None


async def test_a_broken_chain_answers_ok_false_not_just_falsy(store, db_url):
    await fill(store, 3)
    async with Tamper(db_url) as t:
        await t.run(edit_text(2, "改定1", "改定X"))
    assert (await store.verify()).ok is False
    assert (await store.verify(batch_size=1)).first_bad_position == 2
