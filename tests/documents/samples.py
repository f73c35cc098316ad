"""Render one sample of every document from a seeded log and write page 1 of each as PNG
(pdftoppm) into docs/documents/, for the README:

    .venv/bin/python -m tests.documents.samples docs/documents
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from documents import sources
from documents.sources import Subject
from domain.appointment_lifecycle import decide as decide_appointment
from domain.commands import RecordCost
from domain.events import CostKind, event_payload, parse_event, personal_data_registry, upcasters
from domain.state import fold_appointment
from eventstore import EventStore, NewEvent
from tests.documents.conftest import M, seeded_campaign, write
from tests.unit import lifecycle_builders as lb

SAMPLES = [
    ("posting", Subject(M, campaign="c1"), {}),
    ("pledge", Subject(M, campaign="c1", application="a1"), {}),
    ("offer", Subject(M, campaign="c1", application="a1"), {}),
    ("rejection", Subject(M, campaign="c1", application="a2"), {"give_reason": True}),
    ("appointment_notice", Subject(M, appointment="ap1"), {}),
    ("subsidy", Subject(M, fiscal_year=2024), {}),
    ("audit", Subject(M, campaign="c1"), {}),
]


async def seed_costs(store: EventStore) -> None:
    recorded = await store.read_stream(f"appointment:{M}:ap1")
    state = fold_appointment([parse_event(e.type, e.data, e.schema_version) for e in recorded])
    now = datetime(2025, 4, 15, tzinfo=UTC)
    for i, paid in enumerate((date(2024, 7, 31), date(2024, 8, 30), date(2024, 12, 27))):
        kind = CostKind.term_end_allowance if paid.month == 12 else CostKind.remuneration
        for e in decide_appointment(state, RecordCost(
                actor=lb.OFFICER, cost_id=f"k{i}", cost_kind=kind, amount_yen=300_000,
                paid_on=paid), now):
            type_, version, data = event_payload(e)
            await store.append(f"appointment:{M}:ap1", None, [NewEvent(
                type=type_, data=data, schema_version=version,
                metadata={"actor": e.by, "role": "hr_officer", "municipality": M})],
                stream_type="appointment")


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = await EventStore.connect(
            f"sqlite+aiosqlite:///{tmp}/events.db", signing_key=os.urandom(32),
            master_key=os.urandom(32), personal=personal_data_registry(),
            upcasters=upcasters(), migrate=True)
        try:
            await write(store, seeded_campaign().events)
            await seed_costs(store)
            for kind, subj, opts in SAMPLES:
                doc, _ = await sources.build(store, kind, subj, **opts)
                pdf = Path(tmp) / f"{kind}.pdf"
                pdf.write_bytes(doc.pdf)
                subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1",
                                "-singlefile", str(pdf), str(out / kind)], check=True)
                print(out / f"{kind}.png", doc.title)
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/documents")))
