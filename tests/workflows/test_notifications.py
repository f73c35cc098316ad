"""Notifiers: the outbox stores a notification once however often the activity retries;
SMTP delivers a Japanese mail when NINYO_SMTP_HOST is set."""

from __future__ import annotations

import asyncio
import uuid
from email import message_from_bytes, policy

from activities.models import Notification
from activities.notifications import NotificationActivities, SmtpNotifier, notifier_from_settings
from ninyo.settings import Settings


def _note(**changes) -> Notification:
    base = Notification(
        notification_id=uuid.uuid4(), to="hr@town.example.lg.jp",
        subject="【募集締切】7日後に応募締切です", body="応募締切は 2026-12-10 です。",
        kind="reminder:posting_deadline_7d", municipality="074055",
        workflow_id="recruitment:074055:c1",
    )
    return base.model_copy(update=changes)


async def test_outbox_stores_a_retried_notification_once(store, outbox):
    from temporalio.testing import ActivityEnvironment

    n = _note()
    act = NotificationActivities(outbox)
    env = ActivityEnvironment()
    await env.run(act.notify, n)
    await env.run(act.notify, n)  # the activity retried after a lost response
    rows = await outbox.pending("recruitment:074055:c1")
    assert len(rows) == 1 and rows[0]["subject"] == n.subject and rows[0]["sent_at"] is None


class _SmtpSink:
    """A minimal SMTP server (enough for smtplib's send_message) keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                writer.write(b"354 go\r\n")
                await writer.drain()
                data = b""
                while (chunk := await reader.readline()) != b".\r\n":
                    data += chunk
                self.messages.append(data)
                writer.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


async def test_smtp_notifier_sends_the_mail_when_configured():
    sink = _SmtpSink()
    server = await asyncio.start_server(sink.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        notifier = notifier_from_settings(Settings(smtp_host="127.0.0.1", smtp_port=port))
        assert isinstance(notifier, SmtpNotifier)
        n = _note()
        await notifier.send(n)
    finally:
        server.close()
    [raw] = sink.messages
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["To"] == "hr@town.example.lg.jp"
    assert mail["Subject"] == n.subject
    assert "2026-12-10" in mail.get_content()
