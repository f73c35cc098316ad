"""Templates to HTML, HTML to PDF (WeasyPrint, IPAex Gothic from the wheel).

Rendering is pure: the same context gives the same HTML and — metadata pinned, no
creation date, the PDF identifier computed from the content — the same PDF bytes, so the
SHA-256 recorded when a document was issued can be checked against the PDF in hand by
rendering it again from the log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import jinja2

from documents import ja
from documents.fonts import FONT_FAMILY, font_face_css

PDF = "application/pdf"
HTML = "text/html"


@dataclass(frozen=True)
class Rendered:
    kind: str
    title: str
    html: str
    pdf: bytes | None = None

    def body(self, media_type: str) -> bytes:
        if media_type == PDF:
            assert self.pdf is not None
            return self.pdf
        return self.html.encode()

    def sha256(self, media_type: str = PDF) -> str:
        return hashlib.sha256(self.body(media_type)).hexdigest()


def _yen(amount: int | None, per: str | None = None) -> str:
    return "—" if amount is None else ja.format_yen(int(amount), per)


def _date(d: date | str | None, western: bool = False) -> str:
    if d is None:
        return "—"
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    if isinstance(d, datetime):
        d = ja.jst_date(d)
    return ja.format_date(d, western=western)


def _instant(fmt):
    """A filter for an instant (datetime or ISO text) formatted in JST by ``fmt``."""

    def apply(instant: datetime | str | None) -> str:
        if instant is None:
            return "—"
        return fmt(datetime.fromisoformat(instant) if isinstance(instant, str) else instant)

    return apply


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("documents", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        yen=_yen, wareki=_date, jst=_instant(ja.format_datetime),
        deadline=_instant(ja.format_deadline), fy=ja.reiwa_year,
        label=lambda code, kind: ja.label(kind, str(code)),
    )
    env.globals.update(font_family=FONT_FAMILY)
    return env


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, with the wheel's font declared by ``@font-face`` and pinned metadata."""
    import weasyprint  # heavy: imported when a PDF is asked for

    css = weasyprint.CSS(string=font_face_css())
    doc = weasyprint.HTML(string=html, base_url=".").render(stylesheets=[css])
    doc.metadata.created = None
    doc.metadata.modified = None
    return doc.write_pdf()


def render(kind: str, template: str, title: str, *, pdf: bool = True, **context: Any) -> Rendered:
    html = render_html(template, title=title, **context)
    return Rendered(kind=kind, title=title, html=html, pdf=html_to_pdf(html) if pdf else None)
