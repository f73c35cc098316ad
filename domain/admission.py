"""Refusals that depend only on a command and the clock, checked at the door.

Issue 11 point 4: a pledge signed in the future or a payment dated in the future is
refused (rule code and field). These checks run where a command is admitted — the
workflows' update validators — and not inside ``decide``: validators do not run when a
recorded history is replayed, so histories that accepted such a date before this check
existed still replay (docs/interfaces.md).
"""

from __future__ import annotations

from datetime import datetime

from domain.commands import Command, RecordCost, SignPledge
from domain.errors import RuleViolation
from domain.fiscal import japan_date


def admit(command: Command, now: datetime) -> None:
    """Raise ``RuleViolation`` when ``command`` carries a date after today (Japan time)."""
    today = japan_date(now)
    if isinstance(command, RecordCost) and command.paid_on > today:
        raise RuleViolation(
            "R-SUB-6",
            f"paid_on {command.paid_on.isoformat()} is in the future (today is "
            f"{today.isoformat()} in Japan): record a payment once it is made",
            "paid_on",
            params={"detail": "支払日が未来の日付です。支払った後に記録してください。"},
        )
    if isinstance(command, SignPledge) and command.signed_on > today:
        raise RuleViolation(
            "R-PLEDGE-3",
            f"signed_on {command.signed_on.isoformat()} is in the future (today is "
            f"{today.isoformat()} in Japan): record a pledge once it is signed",
            "signed_on",
            params={"detail": "署名日が未来の日付です。署名された後に記録してください。"},
        )
