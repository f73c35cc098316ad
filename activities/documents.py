"""The posting in the standard recruitment format (標準募集様式, R-POST-2) when it is
published: Markdown (the officer's mail) and HTML from ``documents`` (Jinja2), and the
HTML's SHA-256 recorded in a ``DocumentIssued`` event of the document stream. The PDF is
rendered (and its own hash recorded) when it is asked for.
"""

from __future__ import annotations

from typing import Any

from temporalio import activity

from activities.models import RenderedDocument, RenderPostingInput
from documents.kinds import posting_document, posting_markdown
from documents.render import HTML, PDF
from domain import streams
from domain.posting import Posting


def render_posting(req: RenderPostingInput, *, pdf: bool = True) -> tuple[RenderedDocument, Any]:
    posting = Posting(role=req.role, details=req.details)
    doc = posting_document(posting, pdf=pdf)
    rendered = RenderedDocument(
        markdown=posting_markdown(posting), html=doc.html,
        sha256=doc.sha256(PDF) if pdf else doc.sha256("text/html"),
    )
    return rendered, doc


class DocumentActivities:
    def __init__(self, store: Any = None) -> None:
        self._store = store

    @activity.defn(name="render_posting")
    async def render_posting(self, req: RenderPostingInput) -> RenderedDocument:
        # HTML only: the PDF (WeasyPrint, seconds of CPU on a busy machine) is made when
        # someone asks for it (GET /documents/..., ninyo doc), which records its own hash;
        # the worker's event loop is never held up by it
        rendered, doc = render_posting(req, pdf=False)
        sid = streams.parse(activity.info().workflow_id)  # the campaign's stream id
        if self._store is not None and sid.kind == "recruitment":
            from documents.sources import Subject, issue

            # one event per distinct document: a retried activity or a re-post of the same
            # posting is recorded once (the event id derives from the hash)
            subj = Subject(sid.municipality_code, campaign=sid.key)
            await issue(self._store, doc, subj, media_type=HTML)
        return rendered
