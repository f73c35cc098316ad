"""Entry point of the ``ninyo`` console script.

Each group lives in its own module; this file only assembles them.
"""

from __future__ import annotations

import typer

from cli import assess, audit, data, db, doc, person, reports, services, token, user

app = typer.Typer(
    name="ninyo",
    help="Ninyo (任用): recruit and appoint a municipal CIO advisor, event-sourced on Temporal.",
    no_args_is_help=True,
    add_completion=False,
    # a traceback's local variables may hold applicants' personal data: never print them
    pretty_exceptions_show_locals=False,
)

app.add_typer(assess.app, name="assess")
app.add_typer(audit.app, name="audit")
app.add_typer(data.app, name="data")
app.add_typer(db.app, name="db")
app.add_typer(person.app, name="person")
app.add_typer(token.app, name="token")
app.add_typer(user.app, name="user")
app.command("run")(services.run)
app.command("worker")(services.worker)
app.command("api")(services.api)
app.command("demo")(services.demo)
app.command("doc")(doc.doc)
app.command("report")(reports.report)


if __name__ == "__main__":  # pragma: no cover
    app()
