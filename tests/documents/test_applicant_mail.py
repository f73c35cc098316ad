"""Mail to applicants from the log: receipt, interview invitation (.ics), rejection, offer
and pledge request (PDF attached, its hash in a DocumentIssued event) — only to an address
the applicant gave; queued once however often the mailer restarts; delivered through a real
SMTP server."""

from __future__ import annotations

import hashlib

from activities.delivery import MailDelivery, SmtpConfig
from activities.notifications import OutboxNotifier
from documents.applicant_mail import ApplicantMailer
from tests.documents.conftest import M, pdf_text
from tests.documents.smtp import Inbox, free_port, serve


async def _outbox(store, tmp_path) -> OutboxNotifier:
    q = OutboxNotifier.from_url(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    await q.create_table()
    return q


async def test_applicants_get_their_letters_once_with_the_hash_recorded(seeded, tmp_path):
    store = seeded.store
    q = await _outbox(store, tmp_path)
    try:
        queued = await ApplicantMailer(store, q.engine).run_once()
        rows = await q.pending()
        kinds = sorted(r["kind"] for r in rows)
        assert kinds == sorted([
            "applicant:receipt", "applicant:receipt",  # a1, a2 (agency channel)
            "applicant:interview", "applicant:offer", "applicant:pledge_request",  # a1
            "applicant:rejection",  # a2
        ]) and len(queued) == 6
        assert {r["recipient"] for r in rows} == {"taro@example.com"}
        # a restarted mailer queues nothing twice
        assert await ApplicantMailer(store, q.engine).run_once() == []
        assert len(await q.pending()) == 6

        # every attached document's hash is recorded
        rejection = next(r for r in rows if r["kind"] == "applicant:rejection")
        pdf = __import__("base64").b64decode(rejection["attachments"][0]["data"])
        issued = await store.read_stream(f"document:{M}:rejection:c1:a2")
        assert issued[-1].data["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert "採用を見送らせていただく" in pdf_text(pdf)
        assert "選考結果" in rejection["subject"] and "山田 太郎 様" in rejection["body"]
        receipt = next(r for r in rows if r["kind"] == "applicant:receipt")
        [text] = await store.read_stream(f"document:{M}:applicant_receipt:c1:a1")
        assert text.data["media_type"] == "text/plain"
        assert text.data["sha256"] == hashlib.sha256(
            f"{receipt['subject']}\n\n{receipt['body']}".encode()).hexdigest()

        # delivered through SMTP, with the invitation's .ics
        inbox, port = Inbox(), free_port()
        server = serve(inbox, port)
        try:
            report = await MailDelivery(q.engine, SmtpConfig("127.0.0.1", port)).run_once()
        finally:
            server.stop()
        assert len(report.sent) == 6
        # delivered letters leave the outbox: only who, when and what kind stay
        after = {r["kind"]: r for r in await q.pending()}["applicant:rejection"]
        assert after["body"] == "[sent]" and after["attachments"] is None
        invite = next(m for _, m in inbox.messages if "面接" in m["Subject"])
        [ics] = [p for p in invite.iter_attachments() if p.get_filename() == "interview.ics"]
        assert "BEGIN:VEVENT" in ics.get_content()
        offer = next(m for _, m in inbox.messages if "内定" in m["Subject"])
        [letter] = list(offer.iter_attachments())
        assert "内定通知書" in pdf_text(letter.get_content())
    finally:
        await q.close()


async def test_no_address_no_mail(seeded, tmp_path):
    store = seeded.store
    await store.forget("person-a2")  # a2's address is erased with the rest
    q = await _outbox(store, tmp_path)
    try:
        await ApplicantMailer(store, q.engine).run_once()
        kinds = sorted(r["kind"] for r in await q.pending())
    finally:
        await q.close()
    assert "applicant:rejection" not in kinds and kinds.count("applicant:receipt") == 1
