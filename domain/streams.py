"""Stream ids — built and parsed here, and nowhere else (docs/interfaces.md "Stream ids").

A stream id is also the id of the workflow that writes it:

- campaign:    ``recruitment:{municipality_code}:{campaign_id}``
- application: ``application:{municipality_code}:{campaign_id}:{application_id}``
- appointment: ``appointment:{municipality_code}:{appointment_id}``
- claim:       ``subsidy:{municipality_code}:{fiscal_year}``
- documents:   ``document:{municipality_code}:{kind}:{the subject stream's ids}`` (the hashes
  of documents issued from a campaign, application, appointment or claim stream)

The category prefixes (``appointments_of(m)``, ``applications_of(m, c)`` ...) are what
``EventStore.read_category`` takes. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

StreamKind = Literal["recruitment", "application", "appointment", "subsidy"]
STREAM_KINDS: tuple[StreamKind, ...] = ("recruitment", "application", "appointment", "subsidy")
_PARTS = {"recruitment": 3, "application": 4, "appointment": 3, "subsidy": 3}
MUNICIPALITY_CODE = re.compile(r"[0-9]{6}", re.ASCII)  # ASCII only: no "０７４０８０"


def campaign(municipality_code: str, campaign_id: str) -> str:
    return f"recruitment:{municipality_code}:{campaign_id}"


def application(municipality_code: str, campaign_id: str, application_id: str) -> str:
    return f"application:{municipality_code}:{campaign_id}:{application_id}"


def appointment(municipality_code: str, appointment_id: str) -> str:
    return f"appointment:{municipality_code}:{appointment_id}"


def claim(municipality_code: str, fiscal_year: int) -> str:
    return f"subsidy:{municipality_code}:{fiscal_year}"


def document(municipality_code: str, kind: str, subject_stream: str) -> str:
    """Where the documents of ``kind`` issued from ``subject_stream`` are recorded: the
    subject's ids after its municipality (``recruitment:073024:c1`` -> ``...:posting:c1``)."""
    rest = subject_stream.split(":", 2)[2]
    return f"document:{municipality_code}:{kind}:{rest}"


# ---------------------------------------------------------------- categories (prefixes)


def campaigns_of(municipality_code: str) -> str:
    """Every campaign stream of a municipality (not its application streams)."""
    return f"recruitment:{municipality_code}:"


def applications_of(municipality_code: str, campaign_id: str) -> str:
    """Every application stream of one campaign."""
    return f"application:{municipality_code}:{campaign_id}:"


def all_applications_of(municipality_code: str) -> str:
    """Every application stream of every campaign of a municipality."""
    return f"application:{municipality_code}:"


def appointments_of(municipality_code: str) -> str:
    """Every appointment stream of a municipality."""
    return f"appointment:{municipality_code}:"


def claims_of(municipality_code: str) -> str:
    """Every subsidy claim stream of a municipality (one per fiscal year)."""
    return f"subsidy:{municipality_code}:"


# ---------------------------------------------------------------- parsing


class StreamId(NamedTuple):
    """A parsed stream id: its kind, municipality and the ids after it (``key``: campaign
    id, appointment id or fiscal year as text; ``application_id`` for application streams)."""

    kind: StreamKind
    municipality_code: str
    key: str
    application_id: str | None = None

    @property
    def campaign_id(self) -> str | None:
        return self.key if self.kind in ("recruitment", "application") else None

    @property
    def appointment_id(self) -> str | None:
        return self.key if self.kind == "appointment" else None

    @property
    def fiscal_year(self) -> int | None:
        return int(self.key) if self.kind == "subsidy" else None


def parse(stream_id: str) -> StreamId:
    """``recruitment:073024:c1`` -> ``StreamId("recruitment", "073024", "c1")``;
    ``ValueError`` for an id of no known shape."""
    kind, _, rest = stream_id.partition(":")
    if kind not in _PARTS:
        raise ValueError(f"{stream_id!r}: unknown stream kind {kind!r}")
    parts = rest.split(":")
    if len(parts) != _PARTS[kind] - 1 or not all(parts):
        raise ValueError(f"{stream_id!r}: a {kind} stream id has {_PARTS[kind]} parts")
    if kind == "subsidy" and not parts[1].isdigit():
        raise ValueError(f"{stream_id!r}: the fiscal year must be a number")
    return StreamId(kind, *parts)  # type: ignore[arg-type]


def is_stream(stream_id: str) -> bool:
    """Whether ``stream_id`` has the shape of one of the four stream kinds."""
    try:
        parse(stream_id)
    except ValueError:
        return False
    return True


def kind_of(stream_id: str) -> str:
    """The part before the first colon (``recruitment``, ``application`` ...), unchecked."""
    return stream_id.partition(":")[0]


def municipality_of(stream_id: str) -> str | None:
    """The municipality code of any id of a known kind with at least three parts (also a
    category prefix such as ``application:073024:c1``), else None; the code is not checked."""
    parts = stream_id.split(":")
    if len(parts) < 3 or parts[0] not in _PARTS:
        return None
    return parts[1]


def last_part(stream_id: str) -> str:
    """The id at the end of a stream id (campaign, application, appointment id or year)."""
    return stream_id.rsplit(":", 1)[-1]
