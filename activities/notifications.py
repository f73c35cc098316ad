"""Notifications: reminders and notices leave the workflows through a ``Notifier``.

- ``OutboxNotifier`` (default): one row per notification in ``notifications_outbox``
  (migration 0002), keyed by the notification id the workflow drew with
  ``workflow.uuid4()`` — a retried activity stores it once. A mail relay or the UI reads it.
- the SMTP delivery worker (``activities/delivery.py``) sends the queued rows when
  ``NINYO_SMTP_HOST`` is set, and records sent / failed per row.

Bodies are Japanese, and never contain applicants' personal data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from temporalio import activity

from activities.models import Delivered, Notification
from eventstore.schema import UTCDateTime

metadata = sa.MetaData()
outbox = sa.Table(
    "notifications_outbox",
    metadata,
    sa.Column("notification_id", sa.String(36), primary_key=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("municipality", sa.String(16), nullable=False),
    sa.Column("workflow_id", sa.String(300), nullable=False),
    sa.Column("sent_at", UTCDateTime(), nullable=True),
    # delivery state (migration 0004_mail_delivery; activities/delivery.py)
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("failed_at", UTCDateTime(), nullable=True),
    sa.Column("attachments", sa.JSON, nullable=True),
)


class Notifier(Protocol):
    channel: str

    async def send(self, n: Notification) -> None: ...


class OutboxNotifier:
    channel = "outbox"

    def __init__(self, engine: AsyncEngine, templates_dir: str | None = None) -> None:
        self._engine = engine
        self.templates_dir = templates_dir

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @classmethod
    def from_url(cls, url: str, templates_dir: str | None = None) -> OutboxNotifier:
        return cls(create_async_engine(url), templates_dir)

    async def create_table(self) -> None:
        """For tests and throw-away databases; production uses the alembic migration."""
        async with self._engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def send(self, n: Notification) -> None:
        from documents.mail import render_mail

        # the kind's Japanese template (the municipality's own when it has one) frames
        # what the workflow wrote; the delivery worker sends it as stored
        subject, body = render_mail(n.kind, n.municipality, {"subject": n.subject,
                                                              "body": n.body, "kind": n.kind,
                                                              "municipality": n.municipality},
                                    templates_dir=self.templates_dir)
        row = {
            "notification_id": str(n.notification_id), "created_at": datetime.now(UTC),
            "recipient": n.to, "subject": subject, "body": body, "kind": n.kind,
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

    async def recent(self, municipalities: list[str], workflow_id: str | None = None,
                     limit: int = 100) -> list[dict]:
        """The newest notifications of ``municipalities`` (of one workflow when given)."""
        stmt = outbox.select().where(outbox.c.municipality.in_(municipalities))
        if workflow_id is not None:
            stmt = stmt.where(outbox.c.workflow_id == workflow_id)
        stmt = stmt.order_by(outbox.c.created_at.desc()).limit(limit)
        async with self._engine.connect() as conn:
            return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]

    async def close(self) -> None:
        await self._engine.dispose()


def notifier_from_settings(settings) -> Notifier:
    """Always the outbox (a transactional queue): the SMTP delivery worker
    (activities/delivery.py) sends what it holds when ``NINYO_SMTP_HOST`` is set, retrying
    while the server is down, so nothing is lost and nothing is sent twice."""
    return OutboxNotifier.from_url(settings.database_url, settings.mail_templates_dir)


class NotificationActivities:
    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier

    @activity.defn(name="notify")
    async def notify(self, n: Notification) -> Delivered:
        from ninyo import telemetry

        try:
            await self._notifier.send(n)
        except Exception:
            telemetry.notification_outcome(n.kind, ok=False)
            raise
        telemetry.notification_outcome(n.kind, ok=True)
        activity.logger.info("notification %s (%s) delivered", n.notification_id, n.kind)
        return Delivered(notification_id=n.notification_id, channel=self._notifier.channel)
