"""Decisions shared by the campaign and the appointment: recording a cost, a reminder.

A campaign records recruitment costs (R-POST-3: agency fees, advertising — R-SUB-4), an
appointment records appointment costs (remuneration, term-end allowance, fees — R-SUB-2/3);
both record the reminders their timers sent. One implementation, two callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.commands import RecordCost, RecordReminder
from domain.costs import KINDS_BY_CATEGORY, CostCategory
from domain.errors import RuleViolation
from domain.events import CostRecorded, ReminderSent
from domain.fiscal import fiscal_year_of


def decide_cost(
    command: RecordCost,
    *,
    now: datetime,
    by: str,
    category: CostCategory,
    recorded: Mapping[str, object],
    elsewhere: str,
) -> list[CostRecorded]:
    """``CostRecorded`` in ``category``, or a refusal when the kind is not one of the
    category's (``domain.costs``: it belongs ``elsewhere``)
    or the cost id is already recorded (a retried command must not count a cost twice)."""
    if command.cost_kind not in KINDS_BY_CATEGORY[category]:
        raise RuleViolation(
            "STATE-COST-KIND",
            f"{command.cost_kind.value} is not among the {category.value} costs: record it on the {elsewhere}",
            "cost_kind",
        )
    if command.cost_id in recorded:
        raise RuleViolation("STATE-COST-EXISTS", "this cost is already recorded", "cost_id")
    return [
        CostRecorded(
            at=now,
            by=by,
            cost_id=command.cost_id,
            category=category,
            kind=command.cost_kind,
            amount_yen=command.amount_yen,
            paid_on=command.paid_on,
            fiscal_year=fiscal_year_of(command.accrual_date or command.paid_on),
            note=command.note,
            accrual_date=command.accrual_date,
        )
    ]


def reminder_sent(command: RecordReminder, *, now: datetime, by: str) -> list[ReminderSent]:
    """The event of a reminder a timer sent: what, about whom, due when, to which role."""
    return [
        ReminderSent(
            at=now,
            by=by,
            kind=command.reminder_kind,
            subject_id=command.subject_id,
            due=command.due,
            rule=command.rule,
            recipient_role=command.recipient_role,
        )
    ]


def record_reminder(
    state: object, command: RecordReminder, now: datetime, by: str
) -> list[ReminderSent]:
    """The decider of ``RecordReminder``, the same for the campaign and the appointment."""
    return reminder_sent(command, now=now, by=by)
