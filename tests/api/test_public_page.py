"""The public application page against the real app, dev Temporal server and PostgreSQL:
an application submitted through the page is in the campaign (the same command an officer
sends), the receipt mail is queued, the résumé is kept as the applicant's personal data
(forget erases it), the status link shows only the stage — and each abuse case is refused."""

from __future__ import annotations

import io
import logging
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfWriter
from sqlalchemy.ext.asyncio import create_async_engine

from tests.api.conftest import OWN
from tests.api.flow import Flow
from web import public

NAME, EMAIL = "公募 花子", "hanako@example.com"


def a_pdf() -> bytes:
    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    monkeypatch.setattr(public, "LIMITS", public.RateLimit())


async def open_form(http, f: Flow) -> str:
    page = await http.get(f"/public/{OWN}/{f.campaign}")
    assert page.status_code == 200, page.text
    assert "CIO補佐官 募集要項" in page.text and "個人情報の取扱い" in page.text
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def form(csrf: str, **changes) -> dict:
    base = {"csrf": csrf, "name": NAME, "email": EMAIL, "phone": "",
            "career": "株式会社例システムズ, 2020-04, 現在",
            "current_employers": "株式会社例システムズ, 2020-04, 現在",
            "past_employers": "旧商事株式会社, 2017-04, 2020-03", "side_jobs": "",
            "groups": "例ホールディングス: 株式会社例システムズ\n: 旧商事株式会社", "consent": "yes"}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


async def submit(http, f: Flow, data: dict, resume: bytes | None = None,
                 filename: str = "cv.pdf", **kw):
    files = {"resume": (filename, resume if resume is not None else a_pdf(), "application/pdf")}
    return await http.post(f"/public/{OWN}/{f.campaign}/apply", data=data, files=files, **kw)


async def test_an_application_through_the_public_page_is_in_the_campaign(
        temporal_api, tokens, store, api_settings, caplog):
    http = temporal_api.http
    f = await Flow(http, tokens).posted()
    csrf = await open_form(http, f)
    with caplog.at_level(logging.DEBUG):
        r = await submit(http, f, form(csrf))
    assert r.status_code == 200, r.text
    assert "応募を受け付けました" in r.text
    status_url = re.search(r'href="([^"]+/public/status/[^"]+)"', r.text).group(1)
    # no applicant data in the logs
    logged = "\n".join(rec.getMessage() + str(rec.__dict__) for rec in caplog.records)
    assert NAME not in logged and EMAIL not in logged

    # the campaign has it, received through the same command an officer sends
    view = await http.get(f"/recruitments/{OWN}/{f.campaign}",
                          headers=tokens("hr_officer", OWN))
    assert view.json()["applications"] == 1
    recorded = await store.read_category(f"application:{OWN}:{f.campaign}:")
    [received] = [e for e in recorded if e.type == "ApplicationReceived"]
    assert received.data["name"] == NAME and received.data["channel"] == "own_website"
    assert received.metadata["role"] == "applicant"
    applicant = received.data["applicant_id"]

    # the status link shows the stage only
    s = await http.get(status_url.replace("http://ninyo.test", ""))
    assert s.status_code == 200 and "受付済み" in s.text and NAME not in s.text
    assert (await http.get(status_url.replace("http://ninyo.test", "")[:-3] + "AAA")).status_code == 404

    # the receipt mail waits in the outbox for the delivery worker
    engine = create_async_engine(api_settings.database_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.text(
            "select recipient, subject, body from notifications_outbox where kind = "
            "'applicant:receipt' and workflow_id = :w"), {"w": f.stream})).all()
    await engine.dispose()
    assert [(r.recipient, "応募を受け付けました" in r.subject) for r in rows] == [(EMAIL, True)]
    assert "/public/status/" in rows[0].body

    # the résumé is the applicant's personal data: forget erases it
    [resume] = await store.read_category(f"document:{OWN}:resume:{f.campaign}:")
    assert resume.data["content"] and resume.data["size"] > 0
    await store.forget(applicant)
    [resume] = await store.read_category(f"document:{OWN}:resume:{f.campaign}:")
    assert resume.data["content"] == "[erased]" and resume.data["filename"] == "[erased]"


async def test_abuse_cases_are_refused(temporal_api, tokens, monkeypatch):
    http = temporal_api.http
    f = await Flow(http, tokens).posted()
    csrf = await open_form(http, f)
    # no CSRF token, or a forged one
    assert (await submit(http, f, form(""))).status_code == 403
    assert (await submit(http, f, form(csrf.split(".")[0] + ".forged"))).status_code == 403
    # not a PDF by content, whatever its name says
    r = await submit(http, f, form(csrf), resume=b"MZ\x90\x00 not a pdf", filename="cv.pdf")
    assert r.status_code == 422 and "PDF ファイルを添付してください" in r.text
    # a résumé over the limit
    big = a_pdf() + b"%" + b"0" * public.MAX_RESUME
    r = await submit(http, f, form(csrf), resume=big)
    assert r.status_code == 422 and "2MB 以内" in r.text
    # a body over the limit is refused before it is read
    monkeypatch.setattr(public, "MAX_BODY", 10_000)
    r = await submit(http, f, form(csrf), resume=a_pdf() + b"0" * 20_000)
    assert r.status_code == 413
    monkeypatch.setattr(public, "MAX_BODY", 3 * 1024 * 1024)
    # Japanese errors per field, the same rules as the officer's command
    r = await submit(http, f, form(csrf, name="", consent=None, email="not-an-address"))
    assert r.status_code == 422
    assert "氏名を入力してください" in r.text and "同意してください" in r.text
    monkeypatch.setattr(public, "LIMITS", public.RateLimit())
    # rate limit per client address
    monkeypatch.setattr(public, "PER_ADDRESS", (2, 600.0))
    codes = [(await submit(http, f, form(csrf, name=""))).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    # rate limit per posting (every address together)
    monkeypatch.setattr(public, "LIMITS", public.RateLimit())
    monkeypatch.setattr(public, "PER_ADDRESS", (100, 600.0))
    monkeypatch.setattr(public, "PER_POSTING", (1, 3600.0))
    codes = [(await submit(http, f, form(csrf, name=""))).status_code for _ in range(2)]
    assert codes == [422, 429]


async def test_a_closed_posting_refuses_and_an_unknown_one_is_not_found(temporal_api, tokens):
    http = temporal_api.http
    f = await Flow(http, tokens).posted()
    csrf = await open_form(http, f)
    await f.post("/close-posting", {"reason": "closed_by_officer"})
    r = await submit(http, f, form(csrf))
    assert r.status_code == 409 and "締め切られました" in r.text
    page = await http.get(f"/public/{OWN}/{f.campaign}")
    assert "受付は終了しました" in page.text and "<form" not in page.text
    assert (await http.get(f"/public/{OWN}/nope")).status_code == 404
