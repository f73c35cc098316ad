"""The posting in the standard recruitment format (標準募集様式, R-POST-2), as the HR officer
receives it when a posting is published."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.documents import render_posting
from activities.models import RenderPostingInput
from tests.unit import lifecycle_builders as lb


def test_R_POST_2_posting_renders_every_standard_format_field_in_japanese():
    deadline = datetime(2024, 5, 31, 8, 0, tzinfo=UTC)
    doc = render_posting(RenderPostingInput(role=lb.role(), details=lb.details(deadline=deadline)))
    for label in ("団体名", "団体コード", "人口", "職名", "人材像", "業務内容", "関与する取組",
                  "任用形態", "リモート勤務", "副業・兼業", "報酬", "任期", "必須要件", "歓迎要件",
                  "選考方法", "応募締切", "問合せ先"):
        assert f"| {label} |" in doc.markdown, label
        assert f"<th>{label}</th>" in doc.html, label
    assert "特別職非常勤職員" in doc.markdown  # the form, in Japanese
    assert "酒田市" in doc.markdown and "062049" in doc.markdown
    assert "書類選考" in doc.markdown and "面接（1回）" in doc.markdown
    assert doc.html.startswith("<!DOCTYPE html>") and 'lang="ja"' in doc.html
    assert len(doc.sha256) == 64


def test_html_escapes_what_the_officer_typed():
    role = lb.role(title="CIO補佐官 <script>alert(1)</script>")
    doc = render_posting(RenderPostingInput(role=role, details=lb.details()))
    assert "<script>" not in doc.html and "&lt;script&gt;" in doc.html
