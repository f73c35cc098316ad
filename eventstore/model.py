"""Value types of the event store's API: what goes in, what comes out, what can go wrong."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol
from uuid import UUID, uuid4

#: Keys the engine puts into an event's metadata (others are stored as given).
METADATA_KEYS = (
    "actor",
    "role",
    "municipality",
    "correlation_id",
    "causation_id",
    "workflow_id",
    "run_id",
)


class ConcurrencyError(Exception):
    """The stream is not at the version the caller expected; nothing was written.

    ``actual_version`` is the stream's version at the time of the failed append: reload
    the stream, re-decide, and append again with that version.
    """

    def __init__(
        self,
        actual_version: int,
        *,
        stream_id: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        self.actual_version = actual_version
        self.stream_id = stream_id
        self.expected_version = expected_version
        super().__init__(
            f"stream {stream_id!r} is at version {actual_version}, "
            f"not the expected version {expected_version}"
        )


class SchemaMissingError(RuntimeError):
    """The database has no event store schema yet (run ``ninyo db upgrade``)."""


class ForgottenPersonError(ValueError):
    """Personal data was appended for a person whose data key was destroyed by ``forget``."""

    def __init__(self, person_id: str) -> None:
        self.person_id = person_id
        super().__init__(
            "this person's data was erased (forget); new personal data for them is refused "
            "so that nothing about them is stored again"
        )


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append. ``event_id`` is the idempotency key of the append."""

    type: str
    data: dict
    event_id: UUID = field(default_factory=uuid4)
    schema_version: int = 1
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or not self.type:
            raise ValueError("NewEvent.type: must be a non-empty string")
        if not isinstance(self.data, dict):
            raise TypeError("NewEvent.data: must be a dict")
        if not isinstance(self.metadata, dict):
            raise TypeError("NewEvent.metadata: must be a dict")
        sv = self.schema_version
        if not isinstance(sv, int) or isinstance(sv, bool) or sv < 1:
            raise ValueError("NewEvent.schema_version: must be an integer >= 1")
        if not isinstance(self.event_id, UUID):
            object.__setattr__(self, "event_id", UUID(str(self.event_id)))


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as stored. ``data`` is decrypted (or shows ``"[erased]"``) and upcast."""

    position: int
    stream_id: str
    stream_type: str
    version: int
    event_id: UUID
    type: str
    schema_version: int
    data: dict
    metadata: dict
    recorded_at: datetime
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class AppendResult:
    """Stream version after the append and the global positions of the events."""

    version: int
    positions: list[int]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    count: int  # events checked and found intact
    head_position: int  # last intact position (0: none)
    head_hash: str  # hash at head_position
    first_bad_position: int | None = None
    reason: str | None = None


class PersonalFields(NamedTuple):
    """Which fields of an event type are personal data, and whose.

    ``subject`` is the data key holding the person's id; ``fields`` are top-level data keys
    stored encrypted under that person's key.
    """

    subject: str
    fields: tuple[str, ...]


def normalise_personal(personal: Mapping[str, Any] | None) -> dict[str, PersonalFields]:
    """Accept ``PersonalFields`` or any ``(subject, fields)``-like value per event type."""
    out: dict[str, PersonalFields] = {}
    for type_, spec in (personal or {}).items():
        if isinstance(spec, PersonalFields):
            pf = spec
        elif hasattr(spec, "subject") and hasattr(spec, "fields"):
            pf = PersonalFields(spec.subject, tuple(spec.fields))
        else:
            subject, fields = spec
            pf = PersonalFields(subject, tuple(fields))
        if pf.subject in pf.fields:
            raise ValueError(f"personal[{type_!r}]: the subject key cannot itself be encrypted")
        out[type_] = pf
    return out


Upcaster = Callable[[dict], dict]


class UpcasterRegistry:
    """Turns stored events of an old ``schema_version`` into the current shape on read.

    ``register(type, from_version, fn)``: ``fn(data) -> data`` lifts ``from_version`` to
    ``from_version + 1``; chains are applied until no upcaster matches.
    """

    def __init__(self) -> None:
        self._fns: dict[tuple[str, int], Upcaster] = {}

    def register(self, type: str, from_version: int, fn: Upcaster | None = None):
        def add(f: Upcaster) -> Upcaster:
            key = (type, from_version)
            if key in self._fns:
                raise ValueError(f"upcaster for {type} v{from_version} already registered")
            self._fns[key] = f
            return f

        return add if fn is None else add(fn)

    def __bool__(self) -> bool:
        return bool(self._fns)

    def applies(self, type: str, version: int) -> bool:
        """Whether events of ``type`` stored at ``version`` are upcast on read."""
        return (type, version) in self._fns

    def upcast(self, type: str, version: int, data: dict) -> tuple[int, dict]:
        fns = self._fns
        while (fn := fns.get((type, version))) is not None:
            data = fn(dict(data))
            version += 1
        return version, data

    @classmethod
    def coerce(cls, value: Any) -> UpcasterRegistry:
        """Accept a registry, a mapping ``{(type, from_version): fn}`` or ``(type, v, fn)`` rows."""
        if value is None:
            return cls()
        if isinstance(value, UpcasterRegistry):
            return value
        reg = cls()
        items: Iterable = (
            ((t, v, f) for (t, v), f in value.items()) if isinstance(value, Mapping) else value
        )
        for t, v, f in items:
            reg.register(t, v, f)
        return reg


class Decoder(Protocol):
    """Turns an event's data into the reader's own type (``EventStore.read_decoded``).

    ``decode_json`` gets the data as JSON text, personal fields in clear (erased ones as
    ``erased_json``), at the current schema version; ``decode`` gets it parsed, when it
    had to be (upcasting, or a stored text not in canonical layout)."""

    erased_json: str

    def decode_json(self, type: str, data_json: str) -> Any: ...

    def decode(self, type: str, data: dict) -> Any: ...


_CHECKPOINT_DOMAIN = "ninyo-eventstore-checkpoint-v1"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement "the log up to ``position`` has head hash ``head_hash``".

    Kept by an auditor outside the database. ``signature`` and ``public_key`` are base64
    (Ed25519, raw 32-byte public key).
    """

    position: int
    head_hash: str
    signature: str
    public_key: str
    created_at: str | None = None  # ISO-8601 UTC, signed too

    @staticmethod
    def signed_message(position: int, head_hash: str, created_at: str | None) -> bytes:
        body = {
            "domain": _CHECKPOINT_DOMAIN,
            "position": position,
            "head_hash": head_hash,
            "created_at": created_at,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def message(self) -> bytes:
        return self.signed_message(self.position, self.head_hash, self.created_at)

    def signature_valid(self) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))
            key.verify(base64.b64decode(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_dict(self) -> dict:
        return {
            "position": self.position,
            "head_hash": self.head_hash,
            "signature": self.signature,
            "public_key": self.public_key,
            "created_at": self.created_at,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Checkpoint:
        try:
            position = d["position"]
            if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                raise ValueError("checkpoint.position: must be an integer >= 0")
            return cls(
                position=position,
                head_hash=str(d["head_hash"]),
                signature=str(d["signature"]),
                public_key=str(d["public_key"]),
                created_at=d.get("created_at"),
            )
        except KeyError as exc:
            raise ValueError(f"checkpoint.{exc.args[0]}: missing") from None

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        return cls.from_dict(json.loads(text))
