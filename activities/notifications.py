"""Notifications: reminders and notices leave the workflows through a ``Notifier``.

- ``OutboxNotifier`` (default): one row per notification in ``notifications_outbox``
  (migration 0002), keyed by the notification id the workflow drew with
  ``workflow.uuid4()`` — a retried activity stores it once. A mail relay or the UI reads it.
- ``SmtpNotifier``: when ``NINYO_SMTP_HOST`` is set, sends mail (stdlib smtplib, in a thread).

Bodies are Japanese, and never contain applicants' personal data.
"""

from __future__ import annotations

import asyncio
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from temporalio import activity

from activities.models import Delivered, Notification

metadata = sa.MetaData()
outbox = sa.Table(
    "notifications_outbox",
    metadata,
    sa.Column("notification_id", sa.String(36), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("municipality", sa.String(16), nullable=False),
    sa.Column("workflow_id", sa.String(300), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
)


class Notifier(Protocol):
    channel: str

    async def send(self, n: Notification) -> None: ...


class OutboxNotifier:
    channel = "outbox"

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> OutboxNotifier:
        return cls(create_async_engine(url))

    async def create_table(self) -> None:
        """For tests and throw-away databases; production uses the alembic migration."""
        async with self._engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def send(self, n: Notification) -> None:
        row = {
            "notification_id": str(n.notification_id), "created_at": datetime.now(UTC),
            "recipient": n.to, "subject": n.subject, "body": n.body, "kind": n.kind,
            "municipality": n.municipality, "workflow_id": n.workflow_id,
        }
        try:
            async with self._engine.begin() as conn:
                await conn.execute(outbox.insert().values(**row))
        except IntegrityError:
            pass  # already stored by an earlier attempt of this activity

    async def pending(self, workflow_id_prefix: str = "") -> list[dict]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                outbox.select()
                .where(outbox.c.workflow_id.startswith(workflow_id_prefix))
                .order_by(outbox.c.created_at)
            )
            return [dict(r._mapping) for r in rows]

    async def close(self) -> None:
        await self._engine.dispose()


class SmtpNotifier:
    channel = "smtp"

    def __init__(self, host: str, port: int = 25, sender: str = "ninyo@localhost") -> None:
        self._host, self._port, self._sender = host, port, sender

    async def send(self, n: Notification) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self._sender, n.to, n.subject
        msg["Message-ID"] = f"<{n.notification_id}@ninyo>"
        msg.set_content(n.body)
        await asyncio.to_thread(self._deliver, msg)

    def _deliver(self, msg: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=30) as smtp:
            smtp.send_message(msg)

    async def close(self) -> None:
        return None


def notifier_from_settings(settings) -> Notifier:
    if settings.smtp_host:
        return SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_from)
    return OutboxNotifier.from_url(settings.database_url)


class NotificationActivities:
    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier

    @activity.defn(name="notify")
    async def notify(self, n: Notification) -> Delivered:
        await self._notifier.send(n)
        activity.logger.info("notification %s (%s) delivered", n.notification_id, n.kind)
        return Delivered(notification_id=n.notification_id, channel=self._notifier.channel)
