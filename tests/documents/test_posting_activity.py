"""The posting in the standard recruitment format (標準募集様式, R-POST-2), as the HR officer
receives it when a posting is published: Markdown for the mail, HTML and its hash
recorded in a DocumentIssued event."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities, render_posting
from activities.models import RenderPostingInput
from tests.unit import lifecycle_builders as lb


def test_R_POST_2_posting_renders_every_standard_format_field_in_japanese():
    deadline = datetime(2024, 5, 31, 8, 0, tzinfo=UTC)
    doc, _ = render_posting(RenderPostingInput(role=lb.role(), details=lb.details(deadline=deadline)),
                            pdf=False)
    for label in ("団体名", "団体コード", "人口", "職名", "人材像", "業務内容", "関与するDXの取組",
                  "任用形態", "リモート勤務", "副業・兼業", "報酬", "任期", "必須要件", "歓迎要件",
                  "選考方法", "応募締切", "問合せ先"):
        assert f"| {label} |" in doc.markdown, label
        assert f"<th>{label}</th>" in doc.html, label
    assert "特別職非常勤職員" in doc.markdown  # the form, in Japanese
    assert "酒田市" in doc.markdown and "062049" in doc.markdown
    assert "書類選考" in doc.markdown and "面接（1回）" in doc.markdown
    assert "300,000円（月額）" in doc.markdown and "令和6年5月31日（金）17時必着" in doc.markdown
    assert doc.html.startswith("<!DOCTYPE html>") and 'lang="ja"' in doc.html
    assert len(doc.sha256) == 64


def test_html_escapes_what_the_officer_typed():
    role = lb.role(title="CIO補佐官 <script>alert(1)</script>")
    doc, _ = render_posting(RenderPostingInput(role=role, details=lb.details()), pdf=False)
    assert "<script>" not in doc.html and "&lt;script&gt;" in doc.html


async def test_the_activity_records_the_document_hash_once(store):
    act = DocumentActivities(store)
    env = ActivityEnvironment()
    env.info = env.info.__class__(**{**env.info.__dict__, "workflow_id": "recruitment:062049:c9"})
    req = RenderPostingInput(role=lb.role(), details=lb.details())
    first = await env.run(act.render_posting, req)
    await env.run(act.render_posting, req)  # retried after a lost response
    issued = await store.read_stream("document:062049:posting:c9")
    assert len(issued) == 1 and issued[0].data["sha256"] == first.sha256
    assert issued[0].data["media_type"] == "text/html"
