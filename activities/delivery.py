"""The SMTP delivery worker: sends what the notifications outbox holds (aiosmtplib,
STARTTLS / implicit TLS and authentication from settings) and records, per message, that
it was sent or why it failed.

- **Never lost**: a row stays queued until the server accepted it (``sent_at``) or refused
  it for good (an SMTP 5xx answer: ``failed_at`` + ``last_error``). While the server is
  down or answers 4xx, the row is retried with exponential backoff (``next_attempt_at``).
- **Never sent twice**: a row is claimed with a conditional update (``lease_until``) so two
  workers never send the same one, and ``sent_at`` is written right after the server
  accepted it; a restarted worker skips sent rows. The one window left — a crash between
  the server's 250 and that write — resends after the lease with the same Message-ID
  (``<notification id@ninyo>``), which receivers use to drop the duplicate.
- No personal data in logs: only notification ids, kinds and error classes are logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.notifications import outbox
from documents.mail import compose
from ninyo.logging import get_logger

log = get_logger(__name__)


@dataclass
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "ninyo@localhost"
    starttls: bool = False
    tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None  # a private CA's certificate(s) to trust (PEM)

    @classmethod
    def from_settings(cls, s: Any) -> SmtpConfig:
        return cls(host=s.smtp_host, port=s.smtp_port, sender=s.smtp_from,
                   starttls=s.smtp_starttls, tls=s.smtp_tls, username=s.smtp_username,
                   password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                   ca_file=getattr(s, "smtp_ca_file", None))


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class MailDelivery:
    def __init__(
        self, engine: AsyncEngine, smtp: SmtpConfig, *, batch: int = 50,
        base_backoff: timedelta = timedelta(seconds=10), max_backoff: timedelta = timedelta(minutes=15),
        lease: timedelta = timedelta(minutes=2), clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine, self._smtp, self._batch = engine, smtp, batch
        self._base, self._max, self._lease, self._now = base_backoff, max_backoff, lease, clock

    def backoff(self, attempts: int) -> timedelta:
        return min(self._base * (2 ** max(attempts - 1, 0)), self._max)

    async def _claim(self) -> list[dict[str, Any]]:
        now = self._now()
        o = outbox.c
        due = (o.sent_at.is_(None) & o.failed_at.is_(None)
               & (o.next_attempt_at.is_(None) | (o.next_attempt_at <= now))
               & (o.lease_until.is_(None) | (o.lease_until < now)))
        async with self._engine.begin() as conn:
            rows = [dict(r._mapping) for r in await conn.execute(
                outbox.select().where(due).order_by(o.created_at).limit(self._batch))]
            claimed = []
            for r in rows:
                res = await conn.execute(
                    outbox.update().where(o.notification_id == r["notification_id"], due)
                    .values(lease_until=now + self._lease, attempts=o.attempts + 1))
                if res.rowcount == 1:
                    r["attempts"] += 1
                    claimed.append(r)
        return claimed

    async def _mark(self, row: dict[str, Any], **values: Any) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(outbox.update().where(
                outbox.c.notification_id == row["notification_id"]).values(**values))

    async def _retry(self, row: dict[str, Any], error: str, report: Report) -> None:
        await self._mark(row, lease_until=None, last_error=error,
                         next_attempt_at=self._now() + self.backoff(row["attempts"]))
        report.retried.append(row["notification_id"])

    async def run_once(self) -> Report:
        """Send every due row once; returns what happened to each."""
        report = Report()
        rows = await self._claim()
        if not rows:
            return report
        c = self._smtp
        smtp = aiosmtplib.SMTP(hostname=c.host, port=c.port, use_tls=c.tls,
                               start_tls=c.starttls if not c.tls else False, timeout=c.timeout,
                               cert_bundle=c.ca_file)
        try:
            await smtp.connect()
            if c.username:
                await smtp.login(c.username, c.password or "")
        except (aiosmtplib.SMTPException, OSError) as exc:
            smtp.close()
            log.warning("smtp_unavailable", error=type(exc).__name__, queued=len(rows))
            for r in rows:
                await self._retry(r, f"{type(exc).__name__}: {exc}", report)
            return report
        try:
            for r in rows:
                await self._send_one(smtp, r, report)
        finally:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()
        return report

    async def _send_one(self, smtp: aiosmtplib.SMTP, r: dict[str, Any], report: Report) -> None:
        nid = r["notification_id"]
        try:
            await smtp.send_message(compose(r, sender=self._smtp.sender))
        except aiosmtplib.SMTPRecipientsRefused as exc:
            permanent = all(e.code >= 500 for e in exc.recipients)
            await self._failed_or_retry(r, permanent, f"recipient refused: {exc}", report)
        except aiosmtplib.SMTPResponseException as exc:
            await self._failed_or_retry(r, exc.code >= 500, f"{exc.code} {exc.message}", report)
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._retry(r, f"{type(exc).__name__}: {exc}", report)
        else:
            sent: dict[str, Any] = {"sent_at": self._now(), "lease_until": None, "last_error": None}
            if r["kind"].startswith("applicant:"):
                # an applicant's letter is personal data: once delivered, the outbox keeps
                # only who/when/what kind (its hash is in the DocumentIssued event)
                sent.update(body="[sent]", attachments=None)
            await self._mark(r, **sent)
            report.sent.append(nid)
            log.info("mail_sent", notification_id=nid, kind=r["kind"])

    async def _failed_or_retry(self, r: dict[str, Any], permanent: bool, error: str,
                               report: Report) -> None:
        if permanent:
            await self._mark(r, failed_at=self._now(), lease_until=None, last_error=error)
            report.failed.append(r["notification_id"])
            log.warning("mail_failed", notification_id=r["notification_id"], kind=r["kind"])
        else:
            await self._retry(r, error, report)

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Deliver until ``stop`` is set (the worker process runs this beside Temporal)."""
        await every(stop, interval, self.run_once, "mail_delivery_error")


async def every(stop: asyncio.Event, interval: float, step: Callable[[], Any],
                error_event: str) -> None:
    """Run ``step`` every ``interval`` seconds until ``stop``; an error is logged (its class
    only) and the next round tries again — queued rows stay queued."""
    while not stop.is_set():
        try:
            await step()
        except Exception as exc:  # noqa: BLE001 - keep going
            log.error(error_event, error=type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass


async def status(engine: AsyncEngine, notification_id: str) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        row = (await conn.execute(outbox.select().where(
            outbox.c.notification_id == notification_id))).first()
    return dict(row._mapping) if row else None


__all__ = ["MailDelivery", "Report", "SmtpConfig", "every", "status"]
