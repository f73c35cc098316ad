"""Canonical JSON and the hash chain.

An event's hash is SHA-256 over the canonical JSON (sorted keys, no whitespace, UTF-8, no
NaN) of the array::

    [position, stream_id, stream_type, version, event_id, type, schema_version,
     recorded_at, data, metadata, prev_hash]

where ``recorded_at`` is ISO-8601 UTC with microseconds and ``data`` is the *stored* form
(personal fields already encrypted). The first event's ``prev_hash`` is :data:`GENESIS`.

Verification recomputes this from the columns as the database returns them. PostgreSQL's
JSONB does not keep key order or the source text, but it keeps the *values*, and sorting
keys on both sides makes the text identical. The values JSONB would change are refused at
append by :func:`normalise`: NaN/Infinity, ``\\u0000`` in strings, non-string keys, negative
zero (made ``0.0``) and floats of magnitude >= 1e16 (JSONB prints them as integers). With
that, hashing at append and re-hashing at verify see the same text on both dialects, so the
store does not keep a second, canonical copy of each event whose consistency with the
queryable columns would itself need checking.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

GENESIS = "0" * 64

_encoder = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)
canonical_json = _encoder.encode

_FLOAT_LIMIT = 1e16


def normalise(value: Any, path: str) -> Any:
    """A JSON-safe copy of ``value`` that survives a JSONB round trip unchanged."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path}: strings must not contain NUL (\\u0000)")
        return value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: object keys must be strings, got {type(k).__name__}")
            out[k] = normalise(v, f"{path}.{k}")
        return out
    if isinstance(value, list | tuple):
        return [normalise(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: NaN and Infinity are not valid JSON")
        if abs(value) >= _FLOAT_LIMIT:
            raise ValueError(f"{path}: floats must be below 1e16 in magnitude (use an integer)")
        return value + 0.0 if value == 0 else value  # -0.0 -> 0.0
    raise TypeError(
        f"{path}: {type(value).__name__} is not JSON; convert it (str for dates/UUIDs, "
        "int for yen) before appending"
    )


def iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    position: int,
    stream_id: str,
    stream_type: str,
    version: int,
    event_id: str,
    type_: str,
    schema_version: int,
    recorded_at: str,
    data: Any,
    metadata: Any,
    prev_hash: str,
) -> str:
    body = canonical_json(
        [
            position,
            stream_id,
            stream_type,
            version,
            event_id,
            type_,
            schema_version,
            recorded_at,
            data,
            metadata,
            prev_hash,
        ]
    )
    return sha256(body.encode()).hexdigest()
