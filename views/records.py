"""A campaign's or an appointment's recorded events, folded with the domain's own folds
(the same ones the workflows use)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import streams


async def campaign_events(store: Any, stream_id: str, instant: datetime | None = None) -> list:
    """A campaign's stream plus its applications' streams, in global position order
    (as they were at ``instant`` when given)."""
    sid = streams.parse(stream_id)
    own = await store.read_category(stream_id, as_of=instant)
    own = [e for e in own if e.stream_id == stream_id]
    apps_prefix = streams.applications_of(sid.municipality_code, sid.key)
    apps = await store.read_category(apps_prefix, as_of=instant)
    return sorted([*own, *apps], key=lambda e: e.position)


def fold(kind: str, recorded: list) -> Any:
    """Fold recorded events of a ``recruitment`` or an ``appointment`` into its state."""
    from domain import state
    from domain.events import parse_event

    events = [parse_event(e.type, e.data, e.schema_version) for e in recorded]
    fold_ = state.fold_recruitment if kind == "recruitment" else state.fold_appointment
    return fold_(events)


async def campaign_state(store: Any, stream_id: str) -> Any | None:
    """The campaign's current state from the log; None when nothing is recorded."""
    events = await campaign_events(store, stream_id)
    return fold("recruitment", events) if events else None
