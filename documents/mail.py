"""Mail in Japanese from Jinja2 templates, one per message kind, overridable per
municipality as data.

A notification kind (``reminder:posting_deadline_7d``, ``claim:drafted``,
``applicant:receipt`` ...) picks its template: ``{kind}.txt.j2`` with ``:`` as ``_``, else the
kind's family (``reminder``, ``applicant_...``), else ``default``. A municipality overrides
any of them by putting a file of the same name under ``NINYO_MAIL_TEMPLATES_DIR/{code}/``.
A template's first line is the subject; the rest is the body.

Who gets what (``RECIPIENT_ROLE``): the approver when something waits for approval, the
HR officer for reminders and documents, applicants only for receipt, rejection, offer,
pledge request and interview invitation — and only at an address they gave.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.utils import formatdate
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

FAMILIES = {"reminder": "reminder", "claim": "approval", "approval": "approval"}
RECIPIENT_ROLE = {
    "reminder": "hr_officer", "posting": "hr_officer", "claim": "approver",
    "approval": "approver", "applicant": "applicant",
}


def recipient_role(kind: str) -> str:
    return RECIPIENT_ROLE.get(kind.split(":", 1)[0], "hr_officer")


@cache
def _environment(templates_dir: str | None, municipality: str) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir:
        own = Path(templates_dir) / municipality
        if own.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(own)))
    loaders.append(jinja2.PackageLoader("documents", "templates/mail"))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                              keep_trailing_newline=True, undefined=jinja2.ChainableUndefined)


def template_names(kind: str) -> list[str]:
    family, _, rest = kind.partition(":")
    names = [f"{kind.replace(':', '_')}.txt.j2"]
    if family in FAMILIES:
        names.append(f"{FAMILIES[family]}.txt.j2")
    return [*names, "default.txt.j2"]


def render_mail(kind: str, municipality: str, context: dict[str, Any], *,
                templates_dir: str | None = None) -> tuple[str, str]:
    """(subject, body) of a message of ``kind`` for ``municipality``."""
    env = _environment(templates_dir, municipality)
    text = env.select_template(template_names(kind)).render(**context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.lstrip("\n")


def compose(row: dict[str, Any], *, sender: str) -> EmailMessage:
    """The message of one outbox row (subject and body were rendered when it was queued).
    Its Message-ID is the notification id: a receiver can tell a repeated delivery."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, row["recipient"], row["subject"]
    msg["Message-ID"] = f"<{row['notification_id']}@ninyo>"
    msg["Date"] = formatdate(localtime=False)
    msg["X-Ninyo-Kind"] = row["kind"]
    msg.set_content(row["body"])
    for a in row.get("attachments") or []:
        ctype, *extra = [p.strip() for p in a["content_type"].split(";")]
        maintype, _, subtype = ctype.partition("/")
        params = dict(p.split("=", 1) for p in extra if "=" in p)
        data = base64.b64decode(a["data"])
        if maintype == "text":  # e.g. text/calendar; method=REQUEST — UTF-8 text
            msg.add_attachment(data.decode("utf-8"), subtype=subtype, filename=a["filename"],
                               params=params)
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=a["filename"],
                               params=params)
    return msg


def attachment(filename: str, content_type: str, data: bytes) -> dict[str, str]:
    return {"filename": filename, "content_type": content_type,
            "data": base64.b64encode(data).decode()}


def interview_ics(*, uid: str, start: Any, minutes: int, summary: str, location: str,
                  organizer: str) -> bytes:
    """An iCalendar invitation (METHOD:REQUEST) for an interview."""
    from datetime import timedelta

    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Ninyo//CIO補佐官等 募集//JA")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", start)
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=minutes))
    ev.add("summary", summary)
    ev.add("location", location)
    ev.add("organizer", f"mailto:{organizer}")
    cal.add_component(ev)
    return cal.to_ical()
