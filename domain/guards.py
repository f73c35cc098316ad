"""Guards every aggregate's ``decide`` shares (campaign, appointment, claim)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from domain.commands import Actor, Command
from domain.errors import RuleViolation


def check_now(now: datetime) -> None:
    """Decide functions take ``now`` as an argument: it must be a timezone-aware instant."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware instant")


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise RuleViolation(
            "AUTH-ROLE",
            f"this command needs the role {' or '.join(roles)}, not {actor.role}",
            "actor.role",
        )


def dispatch(
    deciders: Mapping[type, Callable[..., list[Any]]],
    state: Any,
    command: Command,
    now: datetime,
    what: str,
) -> list[Any]:
    """Call the decider registered for ``command``'s class as ``fn(state, command, now, by)``;
    ``STATE-UNKNOWN-COMMAND`` when there is none (``what``: e.g. "a campaign command")."""
    decider = deciders.get(type(command))
    if decider is None:
        raise RuleViolation(
            "STATE-UNKNOWN-COMMAND", f"{type(command).__name__} is not {what}", None
        )
    return decider(state, command, now, command.actor.id)
