"""Documents from the event log: load what a document needs, render it, record its hash.

Used by the API (``GET /documents/...``), the CLI (``ninyo doc ...``) and the tests. Reads
the event store only; issuing appends one ``DocumentIssued`` event (its SHA-256) to the
stream ``document:{code}:{kind}:{subject}``. The event id is derived from the hash, so the
same document issued twice is recorded once.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from documents import ja, kinds
from documents.render import PDF, Rendered, html_to_pdf
from domain import streams
from domain.events import DocumentIssued, event_payload, parse_event

KINDS = ("posting", "pledge", "offer", "rejection", "appointment_notice", "subsidy", "audit")
_NS = uuid.UUID("6b1c9a52-3d0e-4c1e-9a7e-1f3c2f6e0d13")


class DocumentNotAvailable(LookupError):
    """The log has nothing this document could be made from (HTTP 404 / exit 1)."""


@dataclass(frozen=True)
class Subject:
    municipality: str
    campaign: str | None = None
    application: str | None = None
    appointment: str | None = None
    fiscal_year: int | None = None

    @property
    def stream(self) -> str:
        m = self.municipality
        if self.appointment:
            return streams.appointment(m, self.appointment)
        if self.fiscal_year is not None:
            return streams.claim(m, self.fiscal_year)
        if self.application:
            return streams.application(m, self.campaign or "", self.application)
        return streams.campaign(m, self.campaign or "")


async def campaign_log(store: Any, m: str, campaign: str) -> tuple[list, Any]:
    """The campaign stream and its applications' streams (position order), and the fold."""
    from domain.state import fold_recruitment

    own = await store.read_stream(streams.campaign(m, campaign))
    apps = await store.read_category(streams.applications_of(m, campaign))
    recorded = sorted([*own, *apps], key=lambda e: e.position)
    if not own:
        raise DocumentNotAvailable(f"no campaign recruitment:{m}:{campaign}")
    events = [parse_event(e.type, e.data, e.schema_version) for e in recorded]
    return recorded, fold_recruitment(events)


def _today(recorded: list) -> date:
    """Letters are dated by the log (the last event they reflect), never by the wall clock:
    rendering again gives the same document."""
    return ja.jst_date(recorded[-1].recorded_at)


def _application(state: Any, application: str | None) -> Any:
    app = state.applications.get(application or "")
    if app is None:
        raise DocumentNotAvailable(f"no application {application!r} in this campaign")
    return app


async def build(store: Any, kind: str, subj: Subject, *, pdf: bool = True,
                give_reason: bool = False) -> tuple[Rendered, int]:
    """Render ``kind`` for ``subj`` from the log: (document, last position reflected).
    The PDF is made in a worker thread (WeasyPrint is CPU-bound and synchronous)."""
    doc, position = await _build(store, kind, subj, give_reason=give_reason)
    if pdf:
        doc = replace(doc, pdf=await asyncio.to_thread(html_to_pdf, doc.html))
    return doc, position


async def _build(store: Any, kind: str, subj: Subject, *, pdf: bool = False,
                 give_reason: bool = False) -> tuple[Rendered, int]:
    if kind not in KINDS:
        raise DocumentNotAvailable(f"unknown document kind {kind!r}")
    m = subj.municipality
    if kind == "subsidy":
        return await _subsidy(store, subj, pdf=pdf)
    if kind in ("appointment_notice",) or (kind == "pledge" and subj.appointment):
        recorded = await store.read_stream(streams.appointment(m, subj.appointment or ""))
        first = next((e for e in recorded if e.type == "Appointed"), None)
        if first is None:
            raise DocumentNotAvailable(f"no appointment {subj.appointment!r}")
        appointed = parse_event(first.type, first.data, first.schema_version)
        _, state = await campaign_log(store, m, appointed.campaign_id)
        post = state.role.title if state.role else "CIO補佐官等"
        if kind == "appointment_notice":
            doc = kinds.appointment_notice(appointed, title_of_post=post,
                                           issued_on=ja.jst_date(appointed.at), pdf=pdf,
                                           doc_id=subj.stream)
            return doc, first.position
        subj = Subject(municipality=m, campaign=appointed.campaign_id,
                       application=appointed.application_id)
    if not subj.campaign:
        raise DocumentNotAvailable("this document needs a campaign")
    recorded, state = await campaign_log(store, m, subj.campaign)
    position = recorded[-1].position
    if kind == "posting":
        if state.posting is None:
            raise DocumentNotAvailable("the campaign has no published posting")
        return kinds.posting_document(state.posting, pdf=pdf, doc_id=subj.stream), position
    if kind == "audit":
        return await _audit(store, recorded, state, subj, pdf=pdf), position
    app = _application(state, subj.application)
    post = state.role.title if state.role else "CIO補佐官等"
    if kind == "pledge":
        if app.pledges is None or app.offer is None:
            raise DocumentNotAvailable("no pledge has been requested from this applicant")
        signed = set(app.pledges.signed)
        signed_on = None
        if signed and not app.pledges.unsigned:
            signed_on = max((e.at for e in _events_of(recorded, "PledgeSigned", app.application_id)),
                            default=None)
        return kinds.pledge_document(
            municipality=state.municipality, title_of_post=post, form=app.offer.terms.form.value,
            appointee_name=app.name, required=[(p.item, p.rule) for p in app.pledges.required],
            signed_on=ja.jst_date(signed_on) if signed_on else None, deadline=app.pledges.deadline,
            pdf=pdf, doc_id=subj.stream,
        ), position
    if kind == "offer":
        if app.offer is None or app.offer.expires_at is None:
            raise DocumentNotAvailable("no offer has been made to this applicant")
        made = list(_events_of(recorded, "OfferMade", app.application_id))
        from domain.pledges import pledge_sets

        reqs = [(i.value, rule) for rule, items in pledge_sets(
            app.offer.terms.form, app.offer.appointee_for_profit,
            app.offer.terms.advises_on_procurement) for i in items]
        return kinds.offer_letter(
            municipality=state.municipality, title_of_post=post, applicant_name=app.name,
            terms=app.offer.terms, expires_at=app.offer.expires_at,
            issued_on=ja.jst_date(made[-1].at) if made else _today(recorded), pledges=reqs,
            pdf=pdf, doc_id=subj.stream,
        ), position
    if kind == "rejection":
        rejected = list(_events_of(recorded, "ApplicantRejected", app.application_id))
        if not rejected:
            raise DocumentNotAvailable("this applicant has not been rejected")
        return kinds.rejection_letter(
            municipality=state.municipality, title_of_post=post, applicant_name=app.name,
            reason_code=rejected[-1].reason_code.value, give_reason=give_reason,
            issued_on=ja.jst_date(rejected[-1].at), pdf=pdf, doc_id=subj.stream,
        ), position
    raise DocumentNotAvailable(f"{kind} needs an appointment")  # pragma: no cover


def _events_of(recorded: list, type_: str, application_id: str):
    for e in recorded:
        if e.type == type_ and e.data.get("application_id") == application_id:
            yield parse_event(e.type, e.data, e.schema_version)


async def _audit(store: Any, recorded: list, state: Any, subj: Subject, *, pdf: bool) -> Rendered:
    applicants = []
    for app in state.applications.values():
        reason = ja.label("reason", app.rejection_code.value) if app.rejection_code else ""
        applicants.append({
            "application_id": app.application_id, "name": app.name,
            "received_at": app.received_at,
            "screening": ja.label("screening_outcome", app.screening_outcome.value)
            if app.screening_outcome else "—",
            "status": ja.label("application_status", app.status.value), "reason": reason,
        })
    verify = await store.verify()
    checkpoint = await store.checkpoint(verify=False) if verify.ok else None
    title = f"{state.role.title if state.role else ''}（{subj.campaign}）"
    return kinds.audit_record(
        title_of_campaign=title, municipality=state.municipality, events=recorded,
        applicants=applicants, verify=verify, checkpoint=checkpoint,
        issued_at=recorded[-1].recorded_at, pdf=pdf, doc_id=subj.stream,
    )


async def _subsidy(store: Any, subj: Subject, *, pdf: bool) -> tuple[Rendered, int]:
    """The year's costs exactly as the claim gathers them (``domain.claim_costs``)."""
    from domain.claim_costs import assess_year, costs_of_year

    m, fy = subj.municipality, subj.fiscal_year
    if fy is None:  # the route's fiscal_year is optional for the other kinds
        raise DocumentNotAvailable("the subsidy document is per fiscal year: give fiscal_year")
    recorded = [*await store.read_category(streams.appointments_of(m)),
                *await store.read_category(streams.campaigns_of(m))]
    events = [(r.stream_id, parse_event(r.type, r.data, r.schema_version)) for r in recorded]
    municipality = next((e.municipality for _, e in events if e.type == "Appointed"), None)
    if municipality is None:
        raise DocumentNotAvailable(f"no appointment in {m}: nothing to claim")
    costs = costs_of_year(fy, events)
    assessment = assess_year(municipality, costs).to_contract()
    document = {"fiscal_year": fy, **costs.model_dump(mode="json", include={
        "advisors", "recruitment_costs"})}
    claim = await store.read_stream(streams.claim(m, fy))
    assessed = next((e for e in reversed(claim) if e.type == "SubsidyAssessed"), None)
    last = max([e.position for e in [*recorded, *claim]] or [0])
    issued_on = ja.jst_date(assessed.recorded_at) if assessed else date(fy + 1, 3, 31)
    doc = kinds.subsidy_sheet(
        document, assessment, issued_on=issued_on,
        recorded_total=assessed.data["total_measure_yen"] if assessed else None, pdf=pdf,
        doc_id=subj.stream, municipality=municipality,
    )
    return doc, last


async def issue(store: Any, doc: Rendered, subj: Subject, *, media_type: str = PDF,
                source_position: int | None = None, actor: str = "system",
                role: str = "system") -> str:
    """Record the document's SHA-256 in a ``DocumentIssued`` event; returns the hash."""
    from eventstore import NewEvent

    sha = doc.sha256(media_type)
    stream = streams.document(subj.municipality, doc.kind, subj.stream)
    event = DocumentIssued(
        at=datetime.now(UTC), by=actor, kind=doc.kind, subject=subj.stream,
        media_type=media_type, sha256=sha, source_position=source_position, title=doc.title,
    )
    type_, version, data = event_payload(event)
    await store.append(stream, None, [NewEvent(
        type=type_, data=data, schema_version=version,
        event_id=uuid.uuid5(_NS, f"{stream}|{media_type}|{sha}"),
        metadata={"actor": actor, "role": role, "municipality": subj.municipality},
    )], stream_type="document")
    return sha
