"""The mapper: events to rows (validation, canonical JSON, the hash chain) and rows back to
:class:`~eventstore.model.RecordedEvent` (parsed, upcast). Pure: no I/O, no keys."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventstore import crypto
from eventstore.canonical import canonical_json, event_hash, iso_utc, normalise
from eventstore.model import Decoder, NewEvent, RecordedEvent, UpcasterRegistry
from eventstore.schema import utcnow

_MICROSECOND = timedelta(microseconds=1)

#: (event, normalised data, normalised metadata, municipality) per event of an append
Prepared = tuple[NewEvent, dict, dict, str | None]


def check_append(stream_id: object, stream_type: object, expected_version: object) -> None:
    if not isinstance(stream_id, str) or not stream_id:
        raise ValueError("stream_id: must be a non-empty string")
    if not isinstance(stream_type, str) or not stream_type:
        raise ValueError("stream_type: must be a non-empty string")
    if expected_version is not None and (
        not isinstance(expected_version, int) or expected_version < 0
    ):
        raise ValueError("expected_version: must be an integer >= 0 (0 = new stream)")


def prepare(events: Sequence[NewEvent]) -> list[Prepared]:
    """Validate and normalise the events of one append (nothing stored yet)."""
    if not events:
        raise ValueError("events: nothing to append")
    prepared = []
    for i, ev in enumerate(events):
        if not isinstance(ev, NewEvent):
            raise TypeError(f"events[{i}]: expected NewEvent, got {type(ev).__name__}")
        data = normalise(ev.data, f"events[{i}].data")
        if crypto.PII in data:
            raise ValueError(f"events[{i}].data.{crypto.PII}: reserved for personal data")
        meta = normalise(ev.metadata, f"events[{i}].metadata")
        muni = meta.get("municipality")
        if muni is not None and not isinstance(muni, str):
            raise TypeError(f"events[{i}].metadata.municipality: must be a string (code)")
        prepared.append((ev, data, meta, muni))
    ids = [ev.event_id for ev in events]
    if len(set(ids)) != len(ids):
        raise ValueError("events: the same event_id appears twice in one batch")
    return prepared


def to_rows(
    stream_id: str,
    stream_type: str,
    version: int,
    pos: int,
    prev: str,
    head_at: datetime | None,
    prepared: list[Prepared],
    datas: list[dict],
) -> tuple[list[dict], list[int]]:
    """The rows to insert after head ``pos``/``prev`` (recorded at ``head_at``) and stream
    ``version``, hashes chained; ``datas``: each event's data as stored (sealed)."""
    now = utcnow()
    if head_at is not None and now <= head_at:
        # Strictly later than the previous commit, whatever the clock did: "as of" an
        # instant is then always a prefix of the log, and batches have distinct instants.
        now = head_at + _MICROSECOND
    recorded = iso_utc(now)
    rows = []
    positions = []
    for (ev, _data, meta, _muni), data in zip(prepared, datas, strict=True):
        pos += 1
        version += 1
        data_json = canonical_json(data)
        meta_json = canonical_json(meta)
        h = event_hash(
            pos, stream_id, stream_type, version, str(ev.event_id), ev.type,
            ev.schema_version, recorded, prev, data_json, meta_json,
        )  # fmt: skip
        rows.append(
            {
                "position": pos,
                "stream_id": stream_id,
                "stream_type": stream_type,
                "version": version,
                "event_id": ev.event_id,
                "type": ev.type,
                "schema_version": ev.schema_version,
                "data_json": data_json,
                "metadata_json": meta_json,
                "recorded_at": now,
                "prev_hash": prev,
                "hash": h,
            }
        )
        positions.append(pos)
        prev = h
    return rows, positions


def parse_data(rows: Sequence[Sequence]) -> list[dict]:
    """Each row's stored data, parsed (personal fields still sealed)."""
    loads = json.loads
    return [loads(r[-2]) for r in rows]


def to_recorded(
    rows: Sequence[Sequence],
    datas: list[dict],
    upcast: Callable[[str, int, dict], tuple[int, dict]] | None,
) -> list[RecordedEvent]:
    """Rows (the columns of ``recorder.COLUMNS``) and their data, unsealed -> events."""
    loads = json.loads
    out = []
    for r, data in zip(rows, datas, strict=True):
        (position, stream_id, stream_type, version, event_id, type_, sv,
         recorded_at, prev_hash, h, _data_json, meta_json) = r  # fmt: skip
        if upcast is not None:
            sv, data = upcast(type_, sv, data)
        out.append(
            RecordedEvent(
                position=position,
                stream_id=stream_id,
                stream_type=stream_type,
                version=version,
                event_id=event_id if isinstance(event_id, UUID) else UUID(str(event_id)),
                type=type_,
                schema_version=sv,
                data=data,
                metadata=loads(meta_json),
                recorded_at=recorded_at,
                prev_hash=prev_hash,
                hash=h,
            )
        )
    return out


def decode(
    rows: Sequence[Sequence],
    datas: list[str | dict],
    decoder: Decoder,
    upcasters: UpcasterRegistry,
) -> list[Any]:
    """Rows and their data (JSON text or parsed, personal fields in clear) -> the decoder's
    events: straight from the text unless the event is upcast or its text was parsed."""
    decode_json, decode_dict = decoder.decode_json, decoder.decode
    applies = upcasters.applies if upcasters else None
    loads = json.loads
    out = []
    for r, data in zip(rows, datas, strict=True):
        type_ = r[5]
        if applies is not None and applies(type_, r[6]):
            _, upcast = upcasters.upcast(type_, r[6], loads(data) if type(data) is str else data)
            out.append(decode_dict(type_, upcast))
        elif type(data) is str:
            out.append(decode_json(type_, data))
        else:
            out.append(decode_dict(type_, data))
    return out
