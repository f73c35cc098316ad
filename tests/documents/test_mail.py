"""Mail through a real SMTP server (aiosmtpd) in the test run: the Japanese content and
the recipients, a retry after the server was down (queued, then sent), no duplicate after
a worker restart, a permanent refusal recorded as failed, authentication, per-municipality
templates, and the interview invitation's iCalendar attachment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from activities.delivery import MailDelivery, SmtpConfig, status
from activities.notifications import OutboxNotifier
from documents.mail import attachment, compose, interview_ics, recipient_role
from tests.documents.smtp import Inbox, free_port, serve
from tests.workflows.builders import notification


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def queue(tmp_path):
    n = OutboxNotifier.from_url(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    await n.create_table()
    yield n
    await n.close()


_note = notification


async def test_the_mail_arrives_in_japanese_to_the_right_person(queue):
    inbox, port = Inbox(), free_port()
    server = serve(inbox, port)
    try:
        n = _note()
        await queue.send(n)
        report = await MailDelivery(queue.engine, SmtpConfig("127.0.0.1", port)).run_once()
    finally:
        server.stop()
    assert report.sent == [str(n.notification_id)]
    [(rcpt, mail)] = inbox.messages
    assert rcpt == ["hr@town.example.lg.jp"] and mail["To"] == "hr@town.example.lg.jp"
    assert mail["Subject"] == "【募集締切】7日後に応募締切です"
    assert mail["Message-ID"] == f"<{n.notification_id}@ninyo>"
    body = mail.get_content()
    assert "令和8年12月10日（木）17時" in body and "担当者様" in body
    row = await status(queue.engine, str(n.notification_id))
    assert row["sent_at"] is not None and row["attempts"] == 1 and row["last_error"] is None
    assert recipient_role(n.kind) == "hr_officer"
    assert recipient_role("claim:drafted") == "approver"


async def test_server_down_keeps_it_queued_then_it_goes_out_once_and_never_twice(queue):
    inbox, port, clock = Inbox(), free_port(), Clock()
    n = _note()
    await queue.send(n)
    worker = MailDelivery(queue.engine, SmtpConfig("127.0.0.1", port), clock=clock,
                          base_backoff=timedelta(seconds=10))
    down = await worker.run_once()  # nothing listens on the port
    assert down.retried == [str(n.notification_id)] and not down.sent
    row = await status(queue.engine, str(n.notification_id))
    assert row["sent_at"] is None and row["attempts"] == 1 and row["last_error"]
    assert row["next_attempt_at"].replace(tzinfo=UTC) == clock.now + timedelta(seconds=10)
    assert not (await worker.run_once()).retried  # backing off: not due yet

    server = serve(inbox, port)
    try:
        clock.now += timedelta(seconds=11)
        up = await worker.run_once()
        assert up.sent == [str(n.notification_id)] and len(inbox.messages) == 1
        # the worker restarts (a new instance on the same outbox): nothing is sent again
        restarted = MailDelivery(queue.engine, SmtpConfig("127.0.0.1", port), clock=clock)
        clock.now += timedelta(hours=1)
        assert (await restarted.run_once()).sent == []
        # the activity retried after a lost response: the outbox keeps one row
        await queue.send(n)
        assert (await restarted.run_once()).sent == []
    finally:
        server.stop()
    assert len(inbox.messages) == 1
    assert (await status(queue.engine, str(n.notification_id)))["attempts"] == 2


async def test_a_refused_recipient_is_recorded_failed_and_others_still_go(queue):
    inbox, port = Inbox(), free_port()
    bad, good = _note(to="nobody@town.example.lg.jp"), _note()
    await queue.send(bad)
    await queue.send(good)
    server = serve(inbox, port)
    try:
        report = await MailDelivery(queue.engine, SmtpConfig("127.0.0.1", port)).run_once()
    finally:
        server.stop()
    assert report.failed == [str(bad.notification_id)]
    assert report.sent == [str(good.notification_id)]
    row = await status(queue.engine, str(bad.notification_id))
    assert row["failed_at"] is not None and "550" in row["last_error"]


async def test_smtp_authentication(queue):
    inbox, port = Inbox(), free_port()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"ninyo" and \
            auth_data.password == b"s3cret"
        return AuthResult(success=ok)

    with pytest.warns(UserWarning):  # AUTH without TLS: fine for a loopback test server
        server = serve(inbox, port, authenticator=authenticator, auth_require_tls=False,
                         auth_required=True)
    try:
        await queue.send(n := _note())
        wrong = await MailDelivery(queue.engine, SmtpConfig(
            "127.0.0.1", port, username="ninyo", password="wrong", timeout=1)).run_once()
        assert wrong.retried == [str(n.notification_id)] and not inbox.messages
        clock = Clock()
        clock.now = datetime.now(UTC) + timedelta(hours=1)
        right = await MailDelivery(queue.engine, SmtpConfig(
            "127.0.0.1", port, username="ninyo", password="s3cret"), clock=clock).run_once()
    finally:
        server.stop()
    assert right.sent == [str(n.notification_id)] and len(inbox.messages) == 1


async def test_a_municipality_overrides_a_template_as_data(tmp_path):
    own = tmp_path / "templates" / "074055"
    own.mkdir(parents=True)
    (own / "reminder.txt.j2").write_text("【会津若松市】{{ subject }}\n{{ body }}\n会津若松市 DX推進課\n")
    q = OutboxNotifier.from_url(f"sqlite+aiosqlite:///{tmp_path / 'o.db'}", str(tmp_path / "templates"))
    await q.create_table()
    try:
        await q.send(n := _note())
        await q.send(other := _note(municipality="062049"))
        rows = {r["notification_id"]: r for r in await q.pending()}
    finally:
        await q.close()
    assert rows[str(n.notification_id)]["subject"] == "【会津若松市】【募集締切】7日後に応募締切です"
    assert "会津若松市 DX推進課" in rows[str(n.notification_id)]["body"]
    assert rows[str(other.notification_id)]["subject"] == "【募集締切】7日後に応募締切です"
    assert "担当者様" in rows[str(other.notification_id)]["body"]  # the packaged template


def test_interview_invitation_carries_an_icalendar_attachment():
    start = datetime(2026, 12, 14, 1, 0, tzinfo=UTC)  # 10:00 JST
    ics = interview_ics(uid="iv-a1@ninyo", start=start, minutes=60, summary="CIO補佐官 面接",
                        location="酒田市役所 3階 会議室", organizer="dx@example.lg.jp")
    row = {"notification_id": str(uuid.uuid4()), "recipient": "taro@example.com",
           "subject": "【酒田市】面接の御案内", "body": "面接を行います。",
           "kind": "applicant:interview",
           "attachments": [attachment("interview.ics", "text/calendar; method=REQUEST", ics)]}
    mail = message_from_bytes(bytes(compose(row, sender="dx@example.lg.jp")),
                              policy=policy.default)
    [part] = list(mail.iter_attachments())
    assert part.get_content_type() == "text/calendar" and part.get_filename() == "interview.ics"
    text = part.get_content() if isinstance(part.get_content(), str) else part.get_content().decode()
    assert "BEGIN:VEVENT" in text and "DTSTART:20261214T010000Z" in text
    assert "METHOD:REQUEST" in text and "CIO補佐官 面接" in text


def _self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 (cert file, key file), made for this test."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
                ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


async def test_starttls_with_authentication(queue, tmp_path):
    import ssl

    cert, key = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=isinstance(auth_data, LoginPassword)
                          and auth_data.password == b"s3cret")

    server = serve(inbox, port, tls_context=ctx, require_starttls=True,
                   authenticator=authenticator, auth_required=True)
    try:
        await queue.send(n := _note())
        plain = await MailDelivery(queue.engine, SmtpConfig(
            "127.0.0.1", port, username="ninyo", password="s3cret", timeout=2)).run_once()
        assert plain.retried == [str(n.notification_id)]  # the server demands STARTTLS
        clock = Clock()
        clock.now = datetime.now(UTC) + timedelta(hours=1)
        tls = await MailDelivery(queue.engine, SmtpConfig(
            "127.0.0.1", port, starttls=True, ca_file=cert, username="ninyo",
            password="s3cret"), clock=clock).run_once()
    finally:
        server.stop()
    assert tls.sent == [str(n.notification_id)] and len(inbox.messages) == 1
