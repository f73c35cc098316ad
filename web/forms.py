"""Form fields -> the domain's command bodies (the same pydantic models the API takes).

Each builder reads a posted form (``FormData``) and returns the dict that
``api.routes.lifecycle.build_command`` validates into the domain command, so a malformed
value is refused with the field named, exactly as the API refuses it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from starlette.datastructures import FormData

from domain.errors import RuleViolation

JST = timezone(timedelta(hours=9), "JST")
MAX_ROWS = 3


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


def flag(form: FormData, name: str) -> bool:
    return text(form, name) in ("on", "true", "1", "yes")


def integer(form: FormData, name: str, required: bool = True) -> int | None:
    raw = text(form, name).replace(",", "").replace("，", "")
    if not raw:
        if required:
            raise RuleViolation("invalid_input", f"{name}: required", field=name)
        return None
    try:
        return int(raw)
    except ValueError:
        raise RuleViolation("invalid_input", f"{name}: not a whole number", field=name) from None


def day(form: FormData, name: str, required: bool = True) -> date | None:
    raw = text(form, name)
    if not raw:
        if required:
            raise RuleViolation("invalid_input", f"{name}: required", field=name)
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise RuleViolation("invalid_input", f"{name}: not a date", field=name) from None


def instant(form: FormData, name: str, at: time = time(17, 0)) -> datetime:
    """A JST date (``2026-12-20``) or date-time (``2026-12-20T17:00``) -> an aware instant."""
    raw = text(form, name)
    try:
        if "T" in raw:
            value = datetime.fromisoformat(raw)
            return value if value.tzinfo else value.replace(tzinfo=JST)
        return datetime.combine(date.fromisoformat(raw), at, tzinfo=JST)
    except ValueError:
        raise RuleViolation("invalid_input", f"{name}: not a date", field=name) from None


def municipality(form: FormData) -> dict[str, Any]:
    return {
        "code": text(form, "muni_code"),
        "name": text(form, "muni_name"),
        "kind": text(form, "muni_kind", "city"),
        "prefecture": text(form, "muni_prefecture"),
        "population": integer(form, "muni_population", required=False) or 0,
    }


def role(form: FormData) -> dict[str, Any]:
    """The role of 募集の作成 (a ``RoleDefinition``)."""
    duties = []
    for i in range(MAX_ROWS):
        t = text(form, f"duty_text_{i}")
        if t:
            duties.append({"kind": text(form, f"duty_kind_{i}", "advice"), "text": t})
    requirements = []
    for i in range(MAX_ROWS):
        any_of: list[dict[str, Any]] = []
        exam = text(form, f"req_exam_{i}")
        experience = text(form, f"req_experience_{i}")
        if exam:
            any_of.append({"kind": "qualification", "exam": exam})
        if experience:
            years = text(form, f"req_years_{i}") or "0"
            any_of.append({"kind": "experience", "experience": experience,
                           "min_years": float(years) if years.replace(".", "", 1).isdigit() else 0})
        wording = text(form, f"req_text_{i}")
        if any_of:
            requirements.append({"id": f"r{i + 1}", "importance": text(form, f"req_importance_{i}",
                                                                       "required"),
                                 "any_of": any_of, "text": wording})
    start = day(form, "term_start", required=False)
    end = day(form, "term_end", required=False)
    return {
        "title": text(form, "title"),
        "persona": text(form, "persona", "producer"),
        "duties": duties,
        "initiatives": list(form.getlist("initiatives")),
        "form": text(form, "form", "special_part_time"),
        "work_style": {
            "days_per_month": integer(form, "days_per_month", required=False),
            "remote_allowed": flag(form, "remote_allowed"),
            "side_job_allowed": flag(form, "side_job_allowed"),
        },
        "pay": {"amount_yen": integer(form, "pay_amount", required=False) or 0,
                "unit": text(form, "pay_unit", "month"), "note": text(form, "pay_note")},
        "term": {"start": start.isoformat() if start else None,
                 "end": end.isoformat() if end else None,
                 "renewable": flag(form, "renewable")},
        "requirements": requirements,
    }


def posting_details(form: FormData, muni: dict[str, Any]) -> dict[str, Any]:
    channels = [{"kind": k, "name": text(form, f"channel_name_{k}")}
                for k in form.getlist("channels")]
    return {
        "municipality": muni,
        "deadline": instant(form, "deadline").isoformat(),
        "selection": {"document_review": True, "essay": flag(form, "essay"),
                      "interviews": integer(form, "interviews", required=False) or 1},
        "contact": {"department": text(form, "contact_department"),
                    "email": text(form, "contact_email") or None,
                    "phone": text(form, "contact_phone") or None},
        "channels": channels,
    }


def application(form: FormData, application_id: str) -> dict[str, Any]:
    """An application as the officer types it from the applicant's documents."""
    employer = text(form, "employer")
    since = day(form, "employer_since", required=False)
    employment = {"company": employer, "from_date": since.isoformat() if since else None}
    qualifications = [{"exam": e} for e in form.getlist("exams")]
    experiences = []
    if text(form, "experience"):
        experiences.append({"kind": text(form, "experience"),
                            "years": float(text(form, "experience_years") or 0),
                            "description": text(form, "experience_text")})
    return {
        "application_id": application_id,
        "applicant_id": f"person-{application_id}",
        "channel": text(form, "channel", "own_website"),
        "name": text(form, "name"),
        "contact": {"email": text(form, "email") or None},
        "career_history": [employment] if employer else [],
        "profile": {"qualifications": qualifications, "experiences": experiences},
        "conflict_of_interest": {
            "current_employers": [employment] if employer else [],
            "past_employers": [],
            "side_jobs": [],
            "groups": ([{"parent": text(form, "group_parent") or None, "members": [employer]}]
                       if employer else []),
            "declared_on": date.today().isoformat(),
        },
    }


def interview_record(form: FormData) -> dict[str, Any]:
    years = text(form, "years")
    return {
        "interview_id": text(form, "interview_id"),
        "record": {
            "projects": [{
                "project": text(form, "project"), "position": text(form, "position"),
                "result": text(form, "result"), "employer": text(form, "employer"),
                "years": float(years) if years else None,
            }],
            "assessment": text(form, "assessment"),
            "recommendation": text(form, "recommendation", "proceed"),
        },
    }


def cost(form: FormData, cost_id: str) -> dict[str, Any]:
    """A ``RecordCost`` body: kind, whole yen, the payment date (today when left out)."""
    return {"cost_id": cost_id, "cost_kind": text(form, "cost_kind"),
            "amount_yen": integer(form, "amount_yen"),
            "paid_on": (day(form, "paid_on", required=False) or date.today()).isoformat(),
            "accrual_date": accrual.isoformat() if (accrual := day(form, "accrual_date",
                                                                   required=False)) else None,
            "note": text(form, "note")}
