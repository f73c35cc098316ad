"""`ninyo person forget MUNICIPALITY PERSON_ID`: erase a person (issue 10 point 4).

Destroys the person's data key (their personal fields read ``[erased]`` everywhere in the
event store, for good) and records ``PersonForgotten`` (without the data). Reads
``NINYO_DATABASE_URL`` and the store's keys.
"""

from __future__ import annotations

import asyncio
import json

import typer

from domain.values import municipality_code_problem

app = typer.Typer(help="People's personal data: erasure.", no_args_is_help=True)


@app.command("forget")
def forget(
    municipality: str = typer.Argument(..., help="municipality code (6 digits)"),
    person_id: str = typer.Argument(..., help="the applicant's id in that municipality"),
    actor: str = typer.Option("admin-cli", "--actor", help="who erases (recorded)"),
) -> None:
    """Erase the person's personal data for good, and record the erasure."""
    from ninyo import bootstrap
    from ops.erasure import forget_person

    if municipality_code_problem(municipality) is not None:
        raise typer.BadParameter("not a municipality code", param_hint="MUNICIPALITY")

    async def work() -> dict:
        async with bootstrap.runtime(temporal=False) as rt:
            return await forget_person(rt.store, municipality, person_id, actor=actor,
                                       role="admin")

    typer.echo(json.dumps(asyncio.run(work()), ensure_ascii=False))
