"""read_decoded: the reader's own events straight from the stored JSON text. It must give
exactly what read_stream + parsing gives: personal fields decrypted (erased ones as the
decoder's null), upcasting, as-of, and texts outside the canonical layout."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventstore import ERASED, NewEvent, crypto
from eventstore.canonical import canonical_json
from tests.eventstore.conftest import PERSONAL, open_store

TARO = {"applicant_id": "app-0001", "name": "山田 \"太郎\"", "email": "taro@example.jp",
        "persona": "producer"}  # fmt: skip
HANAKO = {"applicant_id": "app-0002", "name": "佐藤 花子", "email": "hanako@example.jp"}


class Dicts:
    """A decoder whose events are the data dicts (erased fields None), and which says
    which path each event took."""

    erased_json = "null"

    def __init__(self) -> None:
        self.paths: list[str] = []

    def decode_json(self, type_: str, data_json: str) -> dict:
        self.paths.append("json")
        return {"type": type_, **json.loads(data_json)}

    def decode(self, type_: str, data: dict) -> dict:
        self.paths.append("dict")
        return {"type": type_, **data}


def expected(recorded) -> list[dict]:
    """What read_stream gives, with the store's "[erased]" as the decoder's None."""
    out = []
    for e in recorded:
        data = dict(e.data)
        spec = PERSONAL.get(e.type)
        for f in spec.fields if spec else ():
            if data.get(f) == ERASED:
                data[f] = None
        out.append({"type": e.type, **data})
    return out


async def test_decoded_events_equal_read_stream_and_personal_fields_are_in_clear(store):
    stream = "application:131016:c1:app-0001"
    await store.append(stream, 0, [
        NewEvent("ApplicationReceived", dict(TARO)),
        NewEvent("ApplicationScreened", {"applicant_id": "app-0001", "passed": True}),
        NewEvent("ApplicationReceived", {"applicant_id": "app-0001", "persona": "x"}),
    ])  # fmt: skip
    decoder = Dicts()
    got = await store.read_decoded(stream, decoder)
    assert got == expected(await store.read_stream(stream))
    assert got[0]["name"] == TARO["name"]
    assert decoder.paths == ["json"] * 3
    assert await store.read_decoded(stream, Dicts(), up_to_version=1) == got[:1]


async def test_forgotten_persons_fields_decode_as_null_others_unchanged(store):
    for who in (TARO, HANAKO):
        await store.append(f"application:131016:c1:{who['applicant_id']}", 0,
                           [NewEvent("ApplicationReceived", dict(who))])  # fmt: skip
    await store.forget("app-0001")
    taro = await store.read_decoded("application:131016:c1:app-0001", Dicts())
    hanako = await store.read_decoded("application:131016:c1:app-0002", Dicts())
    assert taro == [{"type": "ApplicationReceived", "applicant_id": "app-0001",
                     "persona": "producer", "name": None, "email": None}]  # fmt: skip
    assert hanako == [{"type": "ApplicationReceived", **HANAKO}]


async def test_upcast_events_take_the_dict_path_with_the_same_result(store):
    stream = "appointment:131016:a1"
    await store.append(stream, 0, [
        NewEvent("AdvisorAppointed", {"fee": 30}, schema_version=1),
        NewEvent("AdvisorAppointed", {"fee_yen": 1, "form": "full"}, schema_version=3),
    ])  # fmt: skip
    decoder = Dicts()
    got = await store.read_decoded(stream, decoder)
    assert got == expected(await store.read_stream(stream))
    assert got[0] == {"type": "AdvisorAppointed", "fee_yen": 300_000, "form": "part_time"}
    assert decoder.paths == ["dict", "json"]


async def test_as_of_reads_what_was_committed_by_that_instant(store):
    stream = "application:131016:c1:app-0001"
    await store.append(stream, 0, [NewEvent("ApplicationReceived", dict(TARO))])
    first = (await store.read_stream(stream))[0].recorded_at
    await store.append(stream, 1, [NewEvent("ApplicationScreened", {"passed": True})])
    got = await store.read_decoded(stream, Dicts(), as_of=first)
    assert got == expected((await store.read_stream(stream))[:1])
    with pytest.raises(ValueError):
        await store.read_decoded(stream, Dicts(), as_of=datetime(2026, 1, 1))  # naive
    assert await store.read_decoded(stream, Dicts(), as_of=datetime(2000, 1, 1, tzinfo=UTC)) == []


async def test_a_stored_text_outside_the_canonical_layout_still_decodes(store):
    """A key sorting before "$pii" moves the sealed entry off the front: the store then
    parses that text (the dict path) and still decrypts it."""
    stream = "application:131016:c1:app-0001"
    await store.append(stream, 0, [NewEvent("ApplicationReceived", {**TARO, "!note": "x"})])
    decoder = Dicts()
    got = await store.read_decoded(stream, decoder)
    assert got == expected(await store.read_stream(stream))
    assert got[0]["name"] == TARO["name"] and decoder.paths == ["dict"]


async def test_domain_decoder_gives_what_parse_event_gives_and_null_after_forget(db_url):
    """The domain's own events (a campaign made by decide: applications, screening,
    interviews, rejections, personal fields encrypted) through domain.decoding.DECODER."""
    from bench.domain_stream import new_events
    from domain.decoding import DECODER
    from domain.events import parse_event, personal_data_registry, upcasters

    store = await open_store(db_url, personal=personal_data_registry(), upcasters=upcasters())
    try:
        stream = "recruitment:131016:c1"
        await store.append(stream, 0, new_events(0, 150))
        got = await store.read_decoded(stream, DECODER)
        assert got == [parse_event(e.type, e.data) for e in await store.read_stream(stream)]
        await store.forget("person-a1")
        got = await store.read_decoded(stream, DECODER)
        assert got == [parse_event(e.type, e.data) for e in await store.read_stream(stream)]
        received = [e for e in got if e.type == "ApplicationReceived"]
        assert received[0].name is None and received[1].name is not None
    finally:
        await store.close()


_ids = st.text(min_size=1, max_size=12)


@given(person=_ids, fields=st.lists(_ids, min_size=1, max_size=4, unique=True),
       rest=st.dictionaries(st.text(alphabet="abcxyz", min_size=1, max_size=4),
                            st.integers() | st.text(max_size=5), max_size=3))  # fmt: skip
def test_sealed_entry_slices_what_json_parsing_finds(person, fields, rest):
    sealed = {"person": person, "fields": sorted(fields), "ct": "AAAA+/=="}
    text = canonical_json({crypto.PII: sealed, **rest})
    found = crypto.sealed_entry(text)
    assert found is not None
    entry, end = found
    parsed, parsed_end = json.JSONDecoder().raw_decode(text, len('{"$pii":'))
    assert (entry, end) == (parsed, parsed_end)
