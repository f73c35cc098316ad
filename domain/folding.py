"""What the campaign fold (``domain.state``) and the appointment fold
(``domain.appointment_state``) share: the draft mechanics and the bookkeeping entries.

A fold works on a *draft*: the state's fields in a plain dict, whose dict-valued fields
(applications, readiness, ...) are copied once, the first time an event changes them, and
then updated in place. The draft is frozen into a new state once, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.events import (
    CostCategory,
    CostKind,
    CostRecorded,
    DomainEvent,
    ReminderSent,
)
from domain.values import Frozen


class CostEntry(Frozen):
    cost_id: str
    category: CostCategory
    kind: CostKind
    amount_yen: int
    paid_on: date
    fiscal_year: int


def own(f: dict, owned: set[str], name: str) -> dict:
    """Field ``name`` of the draft as a dict this fold may change (copied on first use)."""
    if name not in owned:
        f[name] = dict(f[name])
        owned.add(name)
    return f[name]


def freeze(s, f: dict, n: int):
    """The state ``s`` after ``n`` events gave the draft ``f``."""
    f["version"] = s.version + n
    old = s.__dict__
    return s.model_copy(update={k: v for k, v in f.items() if v is not old[k]})


def cost_entry(e: CostRecorded) -> CostEntry:
    return CostEntry(
        cost_id=e.cost_id,
        category=e.category,
        kind=e.kind,
        amount_yen=e.amount_yen,
        paid_on=e.paid_on,
        fiscal_year=e.fiscal_year,
    )


def apply_bookkeeping(f: dict, owned: set[str], e: DomainEvent) -> None:
    """The costs and reminders both folds keep, applied to the draft ``f``."""
    match e:
        case CostRecorded():
            own(f, owned, "costs")[e.cost_id] = cost_entry(e)
        case ReminderSent():
            own(f, owned, "reminders")[f"{e.kind}:{e.subject_id}"] = e.at


def draft_fold(state, events: Iterable[DomainEvent], apply) -> tuple[dict, int]:
    """Apply ``events`` to a mutable draft of ``state``'s fields (each container copied the
    first time an event changes it); returns the draft and how many events were applied."""
    f = dict(state.__dict__)
    owned: set[str] = set()
    n = 0
    for e in events:
        apply(f, owned, e)
        n += 1
    return f, n
