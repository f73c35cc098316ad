"""The posting in the standard recruitment format (標準募集様式, R-POST-2): Markdown and HTML.

The fields and their Japanese labels come from the domain (``Posting.standard_format``);
this module only lays them out. Rendering is pure; the activity wraps it so the workflow
records the document's hash with PostingPublished.
"""

from __future__ import annotations

import hashlib
import html

from temporalio import activity

from activities.models import RenderedDocument, RenderPostingInput
from domain.posting import Posting

FORM_JA = {
    "specific_fixed_term": "特定任期付職員",
    "special_part_time": "特別職非常勤職員",
    "outsourcing": "業務委託",
    "enterprise_dispatch": "地域活性化起業人",
}


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "、".join(f"{k}: {_text(v)}" for k, v in value.items() if v is not None) or "—"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def posting_rows(posting: Posting) -> list[tuple[str, str]]:
    rows = []
    for label, value in posting.standard_format().items():
        if label == "任用形態":
            value = FORM_JA.get(str(value), value)
        rows.append((label, _text(value)))
    return rows


def render_posting(req: RenderPostingInput) -> RenderedDocument:
    posting = Posting(role=req.role, details=req.details)
    rows = posting_rows(posting)
    m = req.details.municipality
    title = f"{m.name} {req.role.title} 募集要項（標準募集様式）"
    md = [f"# {title}", "", "| 項目 | 内容 |", "|---|---|"]
    md += [f"| {k} | {v.replace('|', '｜')} |" for k, v in rows]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    page = (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<table>{body}</table></body></html>\n"
    )
    markdown = "\n".join(md) + "\n"
    return RenderedDocument(
        markdown=markdown, html=page, sha256=hashlib.sha256(markdown.encode()).hexdigest()
    )


class DocumentActivities:
    @activity.defn(name="render_posting")
    async def render_posting(self, req: RenderPostingInput) -> RenderedDocument:
        return render_posting(req)
