"""`ninyo token create | show`: bearer tokens for the HTTP API (HS256, see docs/api.md)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import typer

app = typer.Typer(help="Bearer tokens (JWT, HS256) for the HTTP API.", no_args_is_help=True)

_TTL = re.compile(r"^(\d+)([smhd]?)$")
_UNITS = {"": "seconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_ttl(value: str) -> timedelta:
    """``3600``, ``90s``, ``30m``, ``8h``, ``7d`` -> timedelta."""
    m = _TTL.match(value.strip())
    if not m or int(m.group(1)) == 0:
        raise typer.BadParameter("expected a positive duration like 3600, 30m, 8h or 7d", param_hint="--ttl")
    return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


@app.callback()
def _group() -> None:
    """Bearer tokens for officers, approvers, auditors and admins."""


@app.command("create")
def create(
    sub: str = typer.Option(..., "--sub", help="The actor (recorded in every event it causes)."),
    role: str = typer.Option(..., "--role", help="hr_officer | approver | auditor | admin"),
    municipality: list[str] = typer.Option(
        [], "--municipality", "-m", help="Municipality code (6 digits); repeat for several."
    ),
    ttl: str = typer.Option("8h", "--ttl", help="Lifetime: seconds, or 30m, 8h, 7d."),
) -> None:
    """Print a signed bearer token on stdout."""
    from ninyo.auth import Role, create_token
    from ninyo.settings import get_settings

    try:
        role_value = Role(role)
    except ValueError:
        raise typer.BadParameter(
            f"{role!r}; expected one of {', '.join(r.value for r in Role)}", param_hint="--role"
        ) from None
    try:
        token = create_token(
            get_settings(), sub=sub, role=role_value, municipalities=municipality, ttl=parse_ttl(ttl)
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(token)


@app.command("show")
def show(token: str = typer.Argument(..., help="A token from `ninyo token create`.")) -> None:
    """Verify a token with this installation's secret and print its claims."""
    from ninyo.auth import AuthError, decode_token
    from ninyo.settings import get_settings

    try:
        p = decode_token(get_settings(), token)
    except AuthError as exc:
        typer.echo(json.dumps({"error": {"code": "unauthenticated", "message": str(exc)}}), err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps({"sub": p.sub, "role": p.role.value,
                           "municipalities": sorted(p.municipalities)}, ensure_ascii=False))
