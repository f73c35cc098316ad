"""Fixtures of the document tests: a real event store (SQLite file) holding a campaign
driven through the domain's decide functions, written the way the workflows write it
(campaign stream, one stream per application, the appointment stream)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest

from domain.commands import RecordCost, RejectApplicant
from domain.events import CostCategory, CostKind, event_payload, personal_data_registry, upcasters
from domain.screening import RejectionReasonCode
from eventstore import EventStore, NewEvent
from tests.unit import lifecycle_builders as lb

M = lb.SAKATA.code  # 062049


@dataclass
class Seeded:
    store: EventStore
    campaign: lb.Campaign
    appointment_id: str = "ap1"


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    """The PDF's text, lines joined (a table cell wraps where the page width says)."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", "")


def stream_of(e) -> str:
    if type(e).stream == "application":
        return f"application:{M}:c1:{e.application_id}"
    return f"recruitment:{M}:c1"


async def write(store: EventStore, events: list, actor: str = "officer-1") -> None:
    """Append domain events to their streams, one append per event (like the workflows)."""
    for e in events:
        stream = stream_of(e)
        type_, version, data = event_payload(e)
        role = {"deputy-mayor": "approver", "system": "system"}.get(e.by, "hr_officer")
        meta = {"actor": e.by, "role": role, "municipality": M}
        await store.append(stream, None, [NewEvent(type=type_, data=data, schema_version=version,
                                                   metadata=meta)],
                           stream_type=stream.split(":", 1)[0])
        if type_ == "Appointed":
            await store.append(f"appointment:{M}:{e.appointment_id}", None, [NewEvent(
                type=type_, data=data, schema_version=version, metadata=meta)],
                stream_type="appointment")


def seeded_campaign() -> lb.Campaign:
    """Appointed a1; a2 rejected with a reason code; costs recorded in FY2024."""
    c = lb.Campaign().posted()
    c.with_application("a1").with_application("a2")
    c.closed_posting()
    c.do(lb.ScreenDocuments(actor=lb.OFFICER, application_id="a2"))
    c.do(RejectApplicant(actor=lb.OFFICER, application_id="a2",
                         reason_code=RejectionReasonCode.requirements_not_met,
                         reason="必須要件（UISSレベル4相当）を確認できなかった"))
    c.shortlisted("a1")
    c.appointed("a1")
    c.now = c.now + timedelta(days=60)
    return c


@pytest.fixture
async def store(tmp_path):
    s = await EventStore.connect(
        f"sqlite+aiosqlite:///{tmp_path / 'events.db'}", signing_key=os.urandom(32),
        master_key=os.urandom(32), personal=personal_data_registry(), upcasters=upcasters(),
        migrate=True,
    )
    yield s
    await s.close()


@pytest.fixture
async def seeded(store) -> Seeded:
    c = seeded_campaign()
    await write(store, c.events)
    return Seeded(store=store, campaign=c)


__all__ = ["CostCategory", "CostKind", "RecordCost", "Seeded", "pdf_text", "write"]
