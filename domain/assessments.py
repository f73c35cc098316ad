"""The assessment contract (../shared/contracts.md): one JSON document in, one out.

``assess_subsidy``, ``assess_appointment`` and ``assess_bid`` are what the CLI
(``ninyo assess``) and the HTTP API (``POST /assessments/{kind}``) call. Input is parsed
strictly (unknown fields refused, no type coercion: ``"300000"`` is not a number, ``1.5``
is not whole yen); invalid input raises ``RuleViolation(code="invalid_input", message,
field="dotted.path")`` naming the first offending field.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from domain import bid_restriction, i18n, subsidy
from domain.appointment import Appointee, Duty, check_appointment
from domain.bid_restriction import BidCase
from domain.errors import RuleViolation
from domain.pledges import PledgeItem
from domain.policy import Policy
from domain.subsidy import AdvisorCosts, RecruitmentCost
from domain.values import AppointmentForm, Frozen, Municipality

M = TypeVar("M", bound=BaseModel)


class SubsidyInput(Frozen):
    municipality: Municipality
    fiscal_year: int = Field(ge=1990, le=9000)
    advisors: tuple[AdvisorCosts, ...] = ()
    recruitment_costs: tuple[RecruitmentCost, ...] = ()


class Term(Frozen):
    start: dt.date
    end: dt.date  # last day, inclusive


class AppointmentInput(Frozen):
    municipality: Municipality
    form: AppointmentForm
    term: Term
    duties: tuple[Duty, ...] = ()
    initiatives: tuple[str, ...] = ()
    appointee: Appointee = Appointee()
    pledges_signed: tuple[PledgeItem, ...] = ()
    readiness_confirmed: tuple[int, ...] = ()
    # turn 2, outsourcing: the measures as contract clauses (null = absent)
    contract_clauses: tuple[Literal["confidentiality", "fairness"], ...] | None = None


def _path(loc: tuple[Any, ...]) -> str | None:
    # drop pydantic's tagged-union / function markers, keep field names and list indices
    parts = [str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))]
    return ".".join(parts) or None


def decode_document(raw: bytes) -> Any:
    """The JSON document of an assessment request (CLI file/stdin or HTTP body).

    Every way the bytes can fail to be JSON is an ``invalid_input`` refusal — never a
    crash: not UTF-8, not JSON, nested too deeply, an integer too long to convert.
    """
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RuleViolation("invalid_input", f"input is not UTF-8: {exc}") from None
    except json.JSONDecodeError as exc:
        raise RuleViolation(
            "invalid_input", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise RuleViolation("invalid_input", "not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise RuleViolation("invalid_input", f"not valid JSON: {exc}") from None


def parse(model: type[M], doc: Any) -> M:
    """Validate ``doc`` (a JSON-shaped dict) strictly as ``model``; RuleViolation on error."""
    if not isinstance(doc, dict):
        raise RuleViolation("invalid_input", "the input must be a JSON object", field=None)
    try:
        text = json.dumps(doc, default=_json_default, ensure_ascii=False)
        return model.model_validate_json(text, strict=True)
    except ValidationError as exc:  # every bad field at once, in ``params["errors"]``
        items = i18n.field_errors(list(exc.errors()), _path)
        field = items[0]["field"]
        more = len(items) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        raise RuleViolation("invalid_input", f"{field or 'input'}: {items[0]['message_en']}{tail}",
                            field=field, params={"errors": items}) from None
    except (TypeError, ValueError) as exc:
        raise RuleViolation("invalid_input", f"not JSON-shaped: {exc}", field=None) from None
    except RecursionError:
        raise RuleViolation("invalid_input", "the input is nested too deeply", field=None) from None


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _unique(values: list[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise RuleViolation("invalid_input", f"{field}.{i}.id: duplicate {what} {v!r}",
                                field=f"{field}.{i}.id")
        seen.add(v)


# --- subsidy ----------------------------------------------------------------------------------


def assess_subsidy(doc: dict, policy: Policy | None = None) -> dict:
    """R-SUB-1..8 for one municipality and fiscal year (``ninyo assess subsidy``)."""
    data = parse(SubsidyInput, doc)
    _unique([a.id for a in data.advisors], "advisors", "advisor id")
    result = subsidy.assess(data.municipality, data.fiscal_year, data.advisors,
                            data.recruitment_costs, policy)
    return result.to_contract()


# --- appointment ------------------------------------------------------------------------------


def assess_appointment(doc: dict, policy: Policy | None = None) -> dict:
    """R-FORM, R-POST-1, R-PLEDGE, R-READY for a proposed appointment."""
    data = parse(AppointmentInput, doc)
    if data.term.end < data.term.start:
        raise RuleViolation("invalid_input",
                            f"term.end {data.term.end.isoformat()} is before term.start "
                            f"{data.term.start.isoformat()}", field="term.end")
    for i, item in enumerate(data.readiness_confirmed):
        if not 1 <= item <= 6:
            raise RuleViolation("invalid_input",
                                f"readiness_confirmed.{i}: readiness items are numbered 1-6, not {item}",
                                field=f"readiness_confirmed.{i}")
    violations, warnings = check_appointment(
        data.form, data.term.start, data.term.end, data.duties, data.initiatives,
        data.appointee, data.pledges_signed, data.readiness_confirmed, data.municipality, policy,
        contract_clauses=data.contract_clauses,
    )
    return {
        "valid": not violations,
        "violations": [v.to_dict() for v in violations],
        "warnings": [w.to_dict(always_field=False) for w in warnings],
    }


# --- bid --------------------------------------------------------------------------------------


def assess_bid(doc: dict, policy: Policy | None = None) -> dict:
    """R-BID-A/B1/B2/C/DA for one bidder on one procurement."""
    case = parse(BidCase, doc)
    _unique([p.id for p in case.people], "people", "person id")
    for i, person in enumerate(case.people):
        for key in ("employments", "side_jobs"):
            for j, e in enumerate(getattr(person, key)):
                if e.to is not None and e.to < e.from_:
                    where = f"people.{i}.{key}.{j}.to"
                    raise RuleViolation("invalid_input", f"{where}: ends before it starts",
                                        field=where)
    if case.contract is not None and case.contract.end < case.contract.start:
        raise RuleViolation("invalid_input", "contract.end: the contract ends before it starts",
                            field="contract.end")
    if case.rule_set == "A" and case.contract is None:
        raise RuleViolation("invalid_input", "contract: rule set A needs the contract (company, start, end)",
                            field="contract")
    return bid_restriction.assess(case, policy).to_contract()


ASSESSORS = {"subsidy": assess_subsidy, "appointment": assess_appointment, "bid": assess_bid}
