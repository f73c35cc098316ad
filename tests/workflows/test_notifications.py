"""Notifiers: the outbox stores a notification once however often the activity retries;
the SMTP delivery worker sends from it (tests/documents/test_mail.py)."""

from __future__ import annotations

from activities.notifications import NotificationActivities, OutboxNotifier, notifier_from_settings
from ninyo.settings import Settings
from tests.workflows.builders import notification

_note = notification


async def test_outbox_stores_a_retried_notification_once(store, outbox):
    from temporalio.testing import ActivityEnvironment

    n = _note()
    act = NotificationActivities(outbox)
    env = ActivityEnvironment()
    await env.run(act.notify, n)
    await env.run(act.notify, n)  # the activity retried after a lost response
    rows = await outbox.pending("recruitment:074055:c1")
    assert len(rows) == 1 and rows[0]["subject"] == n.subject and rows[0]["sent_at"] is None


def test_notifications_always_go_through_the_outbox_even_with_smtp_configured():
    """SMTP is the delivery worker's job (tests/documents/test_mail.py): the activity only
    queues, so a mail server that is down loses nothing."""
    notifier = notifier_from_settings(Settings(smtp_host="127.0.0.1", smtp_port=2525))
    assert isinstance(notifier, OutboxNotifier)


async def test_outbox_created_at_is_an_aware_instant(store, outbox):
    """Issue 11 point 10: created_at came back naive (UTC without a zone) from SQLite."""
    from temporalio.testing import ActivityEnvironment

    await ActivityEnvironment().run(NotificationActivities(outbox).notify, _note())
    [row] = await outbox.pending("recruitment:074055:c1")
    assert row["created_at"].tzinfo is not None
    assert row["created_at"].utcoffset().total_seconds() == 0
    [recent] = await outbox.recent(["074055"])
    assert recent["created_at"].tzinfo is not None
