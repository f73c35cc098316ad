"""`ninyo assess subsidy|appointment|bid FILE`: the rule engine as a "what if" tool.

Reads one JSON document (FILE, or ``-`` for stdin), prints one JSON document on stdout
and exits 0 whenever it could assess, whatever the verdict. Invalid input (bad JSON, a
missing or mistyped field) exits 2 with ``{"error": {"code", "message", "field"}}`` on
stderr. ``--policy DIR`` reads policy tables (measures.json, bid_rule_sets.json,
pledges.json, forms.json — any subset) from DIR instead of the packaged ones.
See ../shared/contracts.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="Assess a case against the manual's rules (JSON in, JSON out).",
                  no_args_is_help=True)

_POLICY_FILES = {"measures": "measures.json", "bid": "bid_rule_sets.json",
                 "pledges": "pledges.json", "forms": "forms.json"}


@app.callback()
def _group() -> None:
    """Assess a subsidy claim, an appointment or a bid (contracts.md)."""


def _emit(stream: Any, doc: dict) -> None:
    data = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    stream.buffer.write(data.encode("utf-8"))
    stream.flush()


def _fail(code: str, message: str, field: str | None = None,
          params: dict | None = None) -> typer.Exit:
    from domain import i18n

    _emit(sys.stderr, {"error": i18n.error(code, message, field, params)})
    return typer.Exit(code=2)


def _read(file: str) -> Any:
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise _fail("invalid_input", f"cannot read {file}: {exc.strerror or exc}", "FILE") from None
    from domain.assessments import decode_document
    from domain.errors import RuleViolation

    try:
        return decode_document(raw)
    except RuleViolation as v:
        raise _fail(v.code, v.message, v.field, v.params) from None


def _policy(directory: Path | None):
    if directory is None:
        return None
    from pydantic import ValidationError

    from domain.policy import load_policy

    tables: dict[str, Any] = {}
    for name, filename in _POLICY_FILES.items():
        path = directory / filename
        if path.exists():
            try:
                tables[name] = json.loads(path.read_text("utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise _fail("invalid_policy", f"{path}: {exc}", "--policy") from None
    try:
        return load_policy(**tables)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise _fail("invalid_policy", f"{loc}: {err['msg']}", "--policy") from None


def _run(assessor: Callable[..., dict], file: str, policy_dir: Path | None) -> None:
    from domain.errors import RuleViolation

    policy = _policy(policy_dir)
    doc = _read(file)
    try:
        result = assessor(doc, policy)
    except RuleViolation as exc:
        raise _fail(exc.code, exc.message, exc.field, exc.params) from None
    _emit(sys.stdout, result)


FILE_ARG = typer.Argument(..., help="JSON input file, or - for stdin.")
POLICY_OPT = typer.Option(None, "--policy", help="Directory with policy tables overriding the packaged ones.",
                          file_okay=False, exists=True)


@app.command("subsidy")
def subsidy(file: str = FILE_ARG, policy: Path | None = POLICY_OPT) -> None:
    """Special allocation tax measure for one fiscal year (R-SUB)."""
    from domain.assessments import assess_subsidy

    _run(assess_subsidy, file, policy)


@app.command("appointment")
def appointment(file: str = FILE_ARG, policy: Path | None = POLICY_OPT) -> None:
    """Appointment form, pledges and readiness (R-FORM, R-PLEDGE, R-READY)."""
    from domain.assessments import assess_appointment

    _run(assess_appointment, file, policy)


@app.command("shares")
def shares(file: str = FILE_ARG, policy: Path | None = POLICY_OPT) -> None:
    """A joint appointment's costs split into each member's shares and each member's
    claim on its own shares (R-SHARE, issue 14)."""
    from domain.sharing import assess_shares

    _run(assess_shares, file, policy)


@app.command("bid")
def bid(file: str = FILE_ARG, policy: Path | None = POLICY_OPT) -> None:
    """Whether a bidder may bid under the chosen rule set (R-BID)."""
    from domain.assessments import assess_bid

    _run(assess_bid, file, policy)
