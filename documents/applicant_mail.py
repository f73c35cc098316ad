"""Mail to applicants, from the event log: receipt, interview invitation (with an .ics),
rejection, offer and pledge request (with the letter or form as PDF) — only to an address
the applicant gave, and each attached document's SHA-256 recorded in a ``DocumentIssued``
event.

:class:`ApplicantMailer` follows the log and queues one outbox row per event (the row's id
derives from the event id, so a restart or a second mailer queues nothing twice); the
delivery worker sends them. Applications from the public page get their receipt from the
page itself (with the status link), not from here.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.delivery import every
from activities.notifications import outbox
from documents import ja, mail, sources
from documents.render import PDF, Rendered
from domain import streams
from ninyo.logging import get_logger

log = get_logger(__name__)

#: event type -> (mail kind, document kind attached or None)
MAILS = {
    "ApplicationReceived": ("applicant:receipt", None),
    "InterviewScheduled": ("applicant:interview", None),
    "ApplicantRejected": ("applicant:rejection", "rejection"),
    "OfferMade": ("applicant:offer", "offer"),
    "PledgeRequested": ("applicant:pledge_request", "pledge"),
}
_NS = uuid.UUID("0f2d4c1e-8a55-4f5e-9a61-7d2b3c4e5f60")


def notification_id(event_id: Any) -> str:
    return str(uuid.uuid5(_NS, str(event_id)))


async def record_mail(store: Any, kind: str, subject: str, body: str,
                      subj: sources.Subject) -> str:
    """A mail without an attached document (receipt, invitation): the SHA-256 of its text
    in a ``DocumentIssued`` event (media type text/plain)."""
    text = Rendered(kind=kind.replace(":", "_"), title=subject, html=f"{subject}\n\n{body}")
    return await sources.issue(store, text, subj, media_type="text/plain")


class ApplicantMailer:
    def __init__(self, store: Any, engine: AsyncEngine, *, templates_dir: str | None = None,
                 give_reason: bool = False, max_age: timedelta = timedelta(days=7)) -> None:
        self._store, self._engine = store, engine
        self._max_age = max_age  # older events are history, not news: no mail for them
        self._templates, self._give_reason = templates_dir, give_reason
        self.position = 1  # the next log position to look at

    async def _queued(self, nid: str) -> bool:
        async with self._engine.connect() as conn:
            found = await conn.execute(sa.select(outbox.c.notification_id)
                                       .where(outbox.c.notification_id == nid))
            return found.first() is not None

    async def run_once(self) -> list[str]:
        """Queue the mails of the events recorded since the last call; their ids."""
        queued = []
        async for e in self._store.read_all(from_position=self.position):
            fresh = e.recorded_at >= datetime.now(UTC) - self._max_age
            if e.type in MAILS and fresh and not await self._queued(notification_id(e.event_id)):
                if await self._queue(e):  # raises: this event is tried again next pass
                    queued.append(notification_id(e.event_id))
            self.position = e.position + 1
        return queued

    async def _queue(self, e: Any) -> bool:
        sid = streams.parse(e.stream_id)
        code, campaign = sid.municipality_code, sid.key
        application = sid.application_id or e.data.get("application_id")
        if e.type == "ApplicationReceived" and e.data.get("channel") == "own_website":
            return False  # the public page sent the receipt with the status link
        _, state = await sources.campaign_log(self._store, code, campaign)
        app = state.applications.get(application or "")
        email = app.contact.email if app is not None and app.contact is not None else None
        if not email:
            return False  # no address given (or erased): nothing goes out
        kind, doc_kind = MAILS[e.type]
        contact = state.posting.details.contact if state.posting else None
        context: dict[str, Any] = {
            "municipality_name": state.municipality.name, "name": app.name,
            "post": state.role.title if state.role else "CIO補佐官等",
            "application_id": application, "status_url": "",
            "received_at": ja.format_datetime(e.recorded_at),
            "contact": f"{contact.department} {contact.email or contact.phone or ''}" if contact else "",
        }
        attachments = []
        subj = sources.Subject(code, campaign=campaign, application=application)
        if doc_kind is not None:
            doc, position = await sources.build(self._store, doc_kind, subj,
                                                give_reason=self._give_reason)
            await sources.issue(self._store, doc, subj, media_type=PDF, source_position=position)
            attachments.append(mail.attachment(f"{doc_kind}.pdf", PDF, doc.pdf or b""))
            if app.offer is not None and app.offer.expires_at:
                context["expires_at"] = ja.format_deadline(app.offer.expires_at)
            if app.pledges is not None:
                context["deadline"] = ja.format_deadline(app.pledges.deadline)
        if e.type == "InterviewScheduled":
            start = datetime.fromisoformat(e.data["scheduled_at"])
            context["scheduled_at"] = ja.format_datetime(start)
            ics = mail.interview_ics(
                uid=f"{e.data['interview_id']}.{application}.{campaign}.{code}@ninyo", start=start,
                minutes=60, summary=f"{context['post']} 面接（{state.municipality.name}）",
                location=contact.department if contact else state.municipality.name,
                organizer=(contact.email if contact and contact.email else "ninyo@localhost"))
            attachments.append(mail.attachment("interview.ics", "text/calendar; method=REQUEST", ics))
        subject, body = mail.render_mail(kind, code, context, templates_dir=self._templates)
        if doc_kind is None:  # the message itself is the document: its hash is recorded
            await record_mail(self._store, kind, subject, body, subj)
        async with self._engine.begin() as conn:
            await conn.execute(outbox.insert().values(
                notification_id=notification_id(e.event_id), created_at=datetime.now(UTC),
                recipient=email, subject=subject, body=body, kind=kind, municipality=code,
                workflow_id=streams.campaign(code, campaign), attachments=attachments or None))
        log.info("applicant_mail_queued", kind=kind, event_id=str(e.event_id))
        return True

    async def run(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        await every(stop, interval, self.run_once, "applicant_mail_error")
