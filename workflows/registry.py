"""Every workflow and activity of Ninyo, so the worker, the tests and the replayer
register exactly the same set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflows.appointment import AppointmentWorkflow
from workflows.recruitment import RecruitmentWorkflow
from workflows.subsidy_claim import SubsidyClaimWorkflow

WORKFLOWS: list[type] = [RecruitmentWorkflow, AppointmentWorkflow, SubsidyClaimWorkflow]


def activities(*, store: Any, notifier: Any, client: Any = None) -> list[Callable]:
    """The activity callables, built on the given adapters (composition root: worker.py)."""
    from activities.claims import ClaimActivities
    from activities.documents import DocumentActivities
    from activities.event_store import EventStoreActivities
    from activities.notifications import NotificationActivities
    from workflows.claim_start import ClaimStarter

    es = EventStoreActivities(store)
    nt = NotificationActivities(notifier)
    docs = DocumentActivities(store)
    claims = ClaimActivities(store)
    starter = ClaimStarter(client)
    return [
        es.append_events, es.read_stream, nt.notify, docs.render_posting,
        starter.ensure_claim, claims.assess_claim_year,
    ]
