"""The hand-written hash input is exactly the canonical JSON the docs describe."""

from __future__ import annotations

import json
from hashlib import sha256

from hypothesis import given, settings
from hypothesis import strategies as st

from eventstore.canonical import canonical_json, event_hash

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    position=st.integers(1, 2**62),
    stream_id=st.text(min_size=1),
    type_=st.text(min_size=1),
    data=st.dictionaries(st.text(), json_values, max_size=5),
)
def test_event_hash_is_sha256_of_the_canonical_json_array(position, stream_id, type_, data):
    meta = canonical_json({"actor": "a-1", "municipality": "131016"})
    text = canonical_json(data)
    fields = [position, stream_id, "recruitment", 7, "0b9a3c9e-3c1a-4d5e-9f00-5a0e1c2d3b4f",
              type_, 2, "2026-04-01T00:00:00.000001+00:00", "ab" * 32]  # fmt: skip
    whole = canonical_json([*fields, json.loads(text), json.loads(meta)])
    assert event_hash(*fields, text, meta) == sha256(whole.encode()).hexdigest()
    # sorted keys, no whitespace, UTF-8 as is
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
