"""`ninyo data ...`: spreadsheets in and out (issue 15; the template: docs/data-import.md).

    ninyo data template costs OUT.xlsx                   # the import template (headers only)
    ninyo data export costs MUNICIPALITY [--appointment ID] --out FILE.xlsx
    ninyo data export campaigns|appointments|claims MUNICIPALITY --out FILE.xlsx
    ninyo data export applicants MUNICIPALITY CAMPAIGN --out FILE.xlsx [--personal]
    ninyo data import costs MUNICIPALITY FILE [--dry-run] [--good-rows] [--actor ID]

``import`` validates every row first and prints the row-level errors in Japanese (row,
column, code) as JSON; ``--dry-run`` writes nothing. The real import sends each row as
the appointment's ``RecordCost`` command (the workflow update the API sends), so the log
gets exactly the events the API would append; re-running the same file records nothing
new. A file with a bad row imports nothing unless ``--good-rows``. Exit 0 when every row
is recorded (or already was), 1 when some row was refused.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="Spreadsheets in and out: templates, .xlsx exports, imports.",
                  no_args_is_help=True)
template_app = typer.Typer(no_args_is_help=True, help="Import templates.")
export_app = typer.Typer(no_args_is_help=True, help=".xlsx exports.")
import_app = typer.Typer(no_args_is_help=True, help="Imports from .xlsx or CSV.")
app.add_typer(template_app, name="template")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


def _echo(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


@template_app.command("costs")
def template_costs(out: Path) -> None:
    """Write the cost import template (Japanese headers, no rows)."""
    from views.costs_io import cost_workbook

    out.write_bytes(cost_workbook([]))
    typer.echo(str(out))


@export_app.command("costs")
def export_costs(municipality: str, out: Path = typer.Option(..., "--out"),
                 appointment: str | None = typer.Option(None, "--appointment")) -> None:
    """The cost records of a municipality's appointments as .xlsx."""
    from views.costs_io import cost_sheet, export_rows

    async def build(store: Any) -> Any:
        return cost_sheet(await export_rows(store, municipality, appointment))

    _export_sheet(build, out)


def _export_sheet(build: Any, out: Path) -> None:
    """Write the sheet ``await build(store)`` returns as .xlsx to ``out``."""
    from ninyo import bootstrap
    from views.tabular import workbook

    async def work() -> int:
        async with bootstrap.runtime(temporal=False) as rt:
            sheet = await build(rt.store)
        if sheet is None:
            raise typer.BadParameter("not found")
        rows = list(sheet.rows)
        sheet.rows = rows
        out.write_bytes(workbook([sheet]))
        return len(rows)

    typer.echo(f"{asyncio.run(work())} rows -> {out}")


@export_app.command("campaigns")
def export_campaigns(municipality: str, out: Path = typer.Option(..., "--out")) -> None:
    """A municipality's campaigns as .xlsx."""
    from views import lists_io

    _export_sheet(lambda store: lists_io.campaigns_sheet(store, municipality), out)


@export_app.command("applicants")
def export_applicants(
    municipality: str,
    campaign: str,
    out: Path = typer.Option(..., "--out"),
    personal: bool = typer.Option(False, "--personal",
                                  help="include names and contacts (officer/auditor use only)"),
) -> None:
    """A campaign's applicants as .xlsx (no personal data unless --personal)."""
    from views import lists_io

    _export_sheet(lambda store: lists_io.applicants_sheet(store, municipality, campaign,
                                                          personal=personal), out)


@export_app.command("appointments")
def export_appointments(
    municipality: str,
    out: Path = typer.Option(..., "--out"),
    personal: bool = typer.Option(False, "--personal", help="include the appointee's name"),
) -> None:
    """A municipality's appointments as .xlsx."""
    from views import lists_io

    _export_sheet(lambda store: lists_io.appointments_sheet(store, municipality,
                                                            personal=personal), out)


@export_app.command("claims")
def export_claims(municipality: str, out: Path = typer.Option(..., "--out")) -> None:
    """A municipality's subsidy claims (one row per fiscal year) as .xlsx."""
    from views import lists_io

    _export_sheet(lambda store: lists_io.claims_sheet(store, municipality), out)


def temporal_sender(client: Any):
    """Send a ``RecordCost`` as the appointment workflow's ``command_view`` update; a
    refusal comes back as the domain's ``RuleViolation`` (as through the API)."""
    from temporalio.client import WorkflowUpdateFailedError

    from workflows import client as wf_client
    from workflows.appointment import AppointmentWorkflow

    async def send(workflow_id: str, command: Any) -> Any:
        handle = client.get_workflow_handle(workflow_id)
        try:
            return await handle.execute_update(AppointmentWorkflow.command_view, command)
        except WorkflowUpdateFailedError as exc:
            violation = wf_client.rule_violation(exc)
            if violation is None:
                raise
            raise violation from None

    return send


def report(plan: Any, result: Any | None, dry_run: bool) -> dict[str, Any]:
    errors = result.errors if result is not None else plan.errors
    doc: dict[str, Any] = {
        "rows": plan.rows, "valid": len(plan.commands), "dry_run": dry_run,
        "errors": [e.to_dict() for e in errors],
    }
    if result is not None:
        doc.update(sent=result.sent, recorded=len(result.recorded), already=len(result.already))
    return doc


@import_app.command("costs")
def import_costs(
    municipality: str,
    file: Path,
    dry_run: bool = typer.Option(False, "--dry-run", help="validate every row, write nothing"),
    good_rows: bool = typer.Option(False, "--good-rows",
                                   help="import the valid rows even when others are refused"),
    actor: str = typer.Option("import", "--actor", help="the officer recorded as actor"),
) -> None:
    """Import cost records (.xlsx or CSV in UTF-8 / Shift_JIS) through the template."""
    from domain.commands import Actor
    from ninyo import bootstrap
    from views.costs_io import apply_import, plan_import
    from views.tabular import TableError

    data = file.read_bytes()

    async def work() -> dict[str, Any]:
        async with bootstrap.runtime(temporal=not dry_run) as rt:
            plan = await plan_import(data, file.name, municipality=municipality,
                                     actor=Actor(id=actor, role="hr_officer"), store=rt.store)
            if dry_run:
                return report(plan, None, True)
            result = await apply_import(plan, temporal_sender(rt.client), good_rows=good_rows)
            return report(plan, result, False)

    try:
        doc = asyncio.run(work())
    except TableError as exc:
        _echo({"error": {"code": exc.code, "message": exc.message}})
        raise typer.Exit(2) from None
    _echo(doc)
    if doc["errors"]:
        raise typer.Exit(1)
