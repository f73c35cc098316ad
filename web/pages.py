"""The pages under ``/ui/``: home, campaigns (募集), applicants (応募者), appointments (任用),
claims (特別交付税), audit (監査) and notifications (通知).

Reads fold the event store with the domain's own folds (``api.audit_views``), so a page
shows what was recorded, right after the command that recorded it. Writes build the
domain command exactly as the API does (``lifecycle.build_command``), after the API's
authorisation (:func:`web.core.authorize`), and send it to the workflow with the API's
``send_command`` (update ``command_view``); a refusal comes back as the rule's Japanese
sentence. After a write the browser is redirected (303) to the page, with the recorded
events named in a notice.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api.deps import get_client
from api.errors import field_of
from api.gateway import Gateway
from api.routes import claims as claim_routes
from api.routes import notifications as notification_routes
from api.routes import recruitments as recruitment_routes
from api.routes.common import build_command
from domain import commands as c
from domain import i18n, streams
from domain.errors import RuleViolation
from domain.state import RecruitmentState
from ninyo.auth import Role
from views import audit as audit_views
from views import records
from web import core, forms
from web.core import Page, Viewer, Writer, authorize, may_read
from workflows import ids
from workflows.appointment import AppointmentWorkflow
from workflows.models import CampaignReply, ClaimView
from workflows.recruitment import RecruitmentWorkflow
from workflows.subsidy_claim import SubsidyClaimWorkflow

router = APIRouter(prefix="/ui", include_in_schema=False)

CODE = r"^\d{6}$"
IDENT = r"^[A-Za-z0-9_-]{1,64}$"


# ---------------------------------------------------------------- reads


def _store(request: Request) -> Any:
    return request.app.state.store


async def campaign_state(request: Request, m: str, campaign: str) -> RecruitmentState:
    """The campaign folded from the log (its stream and its applications' streams).

    Folding a campaign with hundreds of applicants reads and decrypts every application,
    so the folded state is kept per process and reused while no event of the campaign was
    appended since (the newest global position of its streams, one indexed query) and for
    at most ``FOLD_TTL`` seconds (personal data erased by ``forget`` shows within that)."""
    wf = ids.campaign_id(m, campaign)

    async def fold() -> RecruitmentState:
        state = await records.campaign_state(_store(request), wf)
        if state is None:
            raise core.NotFound("campaign not found")
        return state

    return await _while_unchanged(request, "web_folds", wf,
                                  streams.applications_of(m, campaign), fold)


async def _while_unchanged(request: Request, cache_name: str, stream: str, prefix: str,
                           build: Any) -> Any:
    """``await build()``, reused while no event was appended to ``stream`` or the streams
    under ``prefix`` (their newest position) and for at most ``FOLD_TTL`` seconds."""
    head = await _newest_position(request, stream, prefix)
    if head is None:
        raise core.NotFound("stream not found")
    cache: dict = request.app.state.__dict__.setdefault(cache_name, {})
    now = time.monotonic()
    hit = cache.get(stream)
    if hit is not None and hit[0] == head and now - hit[1] < FOLD_TTL:
        return hit[2]
    value = await build()
    if len(cache) >= FOLD_CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[stream] = (head, now, value)
    return value


FOLD_TTL = 60.0
FOLD_CACHE_SIZE = 256


async def _newest_position(request: Request, stream: str, prefix: str) -> int | None:
    """The newest global position among ``stream`` and the streams under ``prefix``."""
    import sqlalchemy as sa

    from eventstore.schema import events as E

    stmt = sa.select(sa.func.max(E.c.position)).where(sa.or_(
        E.c.stream_id == stream,
        sa.and_(E.c.stream_id >= prefix, E.c.stream_id < prefix + "\uffff")))
    async with request.app.state.idempotency.engine.connect() as conn:
        return await conn.scalar(stmt)


async def appointment_state(request: Request, m: str, appointment: str) -> Any:
    wf = ids.appointment_id(m, appointment)
    events = await _store(request).read_stream(wf)
    if not events:
        raise core.NotFound("appointment not found")
    return records.fold("appointment", events)


async def _streams(request: Request, prefix: str) -> dict[str, list]:
    """The recorded events of every stream whose id starts with ``prefix``, per stream."""
    by_stream: dict[str, list] = {}
    for e in await _store(request).read_category(prefix):
        by_stream.setdefault(e.stream_id, []).append(e)
    return by_stream


async def _campaigns(request: Request, municipalities: list[str]) -> list[tuple[str, str, Any]]:
    """Every campaign of these municipalities, folded: ``(municipality, campaign, state)``."""
    out = []
    for m in sorted(municipalities):
        for stream in await _streams(request, f"recruitment:{m}:"):
            campaign = stream.split(":", 2)[2]
            out.append((m, campaign, await campaign_state(request, m, campaign)))
    return out


async def _appointments(request: Request, municipalities: list[str]) -> list[tuple[str, str, Any]]:
    out = []
    for m in sorted(municipalities):
        for stream, evs in (await _streams(request, f"appointment:{m}:")).items():
            out.append((m, stream.split(":", 2)[2], records.fold("appointment", evs)))
    return out


# ---------------------------------------------------------------- writes


async def _send_campaign(page: Page, m: str, campaign: str, command: type, data: dict,
                         **ids_: Any) -> CampaignReply:
    authorize(page.principal, command, m)
    cmd = build_command(command, page.principal, data, **ids_)
    gateway = await _gateway(page.request)
    return await gateway.update(ids.campaign_id(m, campaign), RecruitmentWorkflow.command_view,
                                cmd)


async def _gateway(request: Request) -> Gateway:
    """The API's gateway to Temporal (retries, error mapping), as its routes get it."""
    from api.deps import get_gateway

    return await get_gateway(request, await get_client(request))


def _done(url: str, events: list[str]) -> RedirectResponse:
    labels = "・".join(dict.fromkeys(i18n.label("event_type", e) for e in events))
    sep = "&" if "?" in url else "?"
    from urllib.parse import quote

    return core.redirect(f"{url}{sep}done={quote(labels)}" if labels else url)


def _campaign_url(m: str, campaign: str) -> str:
    return f"/ui/c/{m}/{campaign}"


def _applicant_url(m: str, campaign: str, app: str) -> str:
    return f"/ui/c/{m}/{campaign}/a/{app}"


# ---------------------------------------------------------------- home


def _tasks(principal: Any, m: str, campaign: str, s: RecruitmentState) -> list[dict]:
    """What waits for this user on one campaign, with the deadline the workflow holds."""
    url = _campaign_url(m, campaign)
    title = s.role.title if s.role else campaign
    out: list[dict] = []
    role = principal.role

    def add(what: str, link: str, due: Any = None, rule: str | None = None) -> None:
        out.append({"what": what, "campaign": title, "url": link, "due": due, "rule": rule})

    if role is Role.approver and s.stage.value == "awaiting_approval":
        add("役割定義の承認", url, rule="R-POST-1")
    if role is Role.hr_officer:
        if s.stage.value == "draft":
            add("役割定義の承認申請", url)
        if s.stage.value == "approved":
            add("募集要項の公開", url, rule="R-POST-2")
    for app in s.applications.values():
        link = _applicant_url(m, campaign, app.application_id)
        status = app.status.value
        if role is Role.approver and status == "shortlisted" and app.offer is None:
            add("内定の承認", link, rule="R-FORM")
        if role is Role.approver and app.pledges is not None and not app.pledges.expired and \
                {p.item for p in app.pledges.required} <= set(app.pledges.signed) and \
                status != "appointed":
            add("任用", link, rule="R-PLEDGE-3")
        if role is not Role.hr_officer:
            continue
        if status == "received" and not s.posting_open:
            add("書類選考", link, app.received_at + timedelta(days=14), "R-SCR-1")
        for iv in app.interviews.values():
            if not iv.recorded:
                add("面接結果の記録", link, iv.scheduled_at + timedelta(days=3), "R-SCR-2")
        if app.offer is not None and app.offer.status.value == "approved":
            add("内定の通知", link)
        if app.offer is not None and app.offer.status.value == "made":
            add("内定の回答の記録", link, app.offer.expires_at)
        if app.pledges is not None and not app.pledges.expired:
            missing = [p for p in app.pledges.required if p.item not in app.pledges.signed]
            if missing:
                add(f"誓約書の受領（残り{len(missing)}件）", link, app.pledges.deadline,
                    "R-PLEDGE-3")
    return out


@router.get("/home", response_class=HTMLResponse)
async def home(page: Viewer, done: str = "") -> HTMLResponse:
    p = page.principal
    if p.role is Role.admin:
        return core.redirect("/ui/admin")
    campaigns = await _campaigns(page.request, sorted(p.municipalities))
    tasks: list[dict] = []
    stages: Counter[str] = Counter()
    deadlines = []
    for m, campaign, s in campaigns:
        stages[s.stage.value] += 1
        tasks += _tasks(p, m, campaign, s)
        if s.deadline is not None and s.posting_open:
            deadlines.append({"what": "応募締切", "campaign": s.role.title if s.role else campaign,
                              "url": _campaign_url(m, campaign), "due": s.deadline})
        for name, due in s.reminders.items():
            deadlines.append({"what": i18n.label("reminder", name.split(":")[0]),
                              "campaign": s.role.title if s.role else campaign,
                              "url": _campaign_url(m, campaign), "due": due})
    far = datetime.max.replace(tzinfo=UTC)
    tasks.sort(key=lambda t: t["due"] or far)
    deadlines.sort(key=lambda d: d["due"])
    appointments = await _appointments(page.request, sorted(p.municipalities))
    return page.render("home.html", tasks=tasks, stages=stages, campaigns=campaigns,
                       deadlines=deadlines[:10], appointments=appointments, done=done)


# ---------------------------------------------------------------- 募集の作成


def _role_findings(data: dict[str, Any], muni: dict[str, Any]) -> tuple[list[dict], Any]:
    """R-FORM findings and R-SKILL-5 advice on the role as typed, from the domain's
    own checks (``check_appointment``, ``lint_posting``, ``validate_role``)."""
    from domain.appointment import check_appointment
    from domain.posting import RoleDefinition, lint_posting, validate_role

    findings: list[dict] = []
    try:
        role = RoleDefinition.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors()[:5]:
            findings.append({"level": "error", "code": "invalid_input",
                             "field": field_of(("role", *err["loc"])), "text": err["msg"]})
        return findings, None
    try:
        validate_role(role)
    except RuleViolation as v:
        findings.append({"level": "error", "code": v.code, "field": v.field, "text": v.message})
    try:
        from domain.values import Municipality

        municipality = Municipality.model_validate(muni) if muni.get("name") else None
    except ValidationError:
        municipality = None
    violations, warnings = check_appointment(
        role.form, role.term.start, role.term.end, role.duties,
        [i.value for i in role.initiatives], None, [], [], municipality)
    # pledges, readiness and the appointee come later (offer, appointment): not the role's
    role_rules = ("R-FORM", "R-POST-1")
    for level, found in (("error", violations), ("warning", warnings)):
        for f in found:
            if f.code.startswith(role_rules):
                findings.append({"level": level, "code": f.code, "field": f.field,
                                 "text": f.message})
    for a in lint_posting(role):
        findings.append({"level": "advice", "code": a.code, "field": a.field, "text": a.message})
    return findings, role


def _new_context(page: Page, values: dict[str, Any]) -> dict[str, Any]:
    from domain.skill_standard import skill_standard

    std = skill_standard()
    return {"std": std, "values": values, "municipalities": sorted(page.principal.municipalities)}


@router.get("/campaigns/new", response_class=HTMLResponse)
async def new_campaign(page: Viewer) -> HTMLResponse:
    page.principal.require_role(*core.DEFINE_ROLES, action="DefineRole")
    today = date.today()
    start = date(today.year + (1 if today.month >= 4 else 0), 4, 1)
    values = {"campaign_id": f"c{today:%Y%m%d}-{uuid.uuid4().hex[:4]}", "title": "CIO補佐官",
              "persona": "producer", "form": "special_part_time", "pay_unit": "month",
              "term_start": start.isoformat(),
              "term_end": date(start.year + 1, 3, 31).isoformat(),
              "days_per_month": "4", "remote_allowed": "on", "side_job_allowed": "on",
              "muni_kind": "city"}
    return page.render("campaign_new.html", findings=None, error=None, **_new_context(page, values))


def _values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf"}
    values["initiatives"] = list(form.getlist("initiatives"))
    return values


@router.post("/campaigns/new/check", response_class=HTMLResponse)
async def check_campaign(page: Writer) -> HTMLResponse:
    """htmx: the findings panel for the role as typed (nothing is written)."""
    form = await page.request.form()
    try:
        findings, _ = _role_findings(forms.role(form), forms.municipality(form))
    except RuleViolation as v:
        findings = [{"level": "error", "code": v.code, "field": v.field, "text": v.message}]
    return page.render("_findings.html", findings=findings)


@router.post("/campaigns/new", response_class=HTMLResponse)
async def define_campaign(page: Writer) -> HTMLResponse:
    p = page.principal
    p.require_role(*core.DEFINE_ROLES, action="DefineRole")
    form = await page.request.form()
    values = _values(form)
    muni = forms.municipality(form)
    p.require_municipality(muni["code"], "municipality")
    try:
        data = forms.role(form)
        findings, role = _role_findings(data, muni)
    except RuleViolation as v:
        findings, role = [{"level": "error", "code": v.code, "field": v.field,
                           "text": v.message}], None
    blocking = [f for f in findings if f["level"] == "error"]
    if text_action(form) == "check" or blocking or role is None:
        return page.render("campaign_new.html", status_code=422 if blocking else 200,
                           findings=findings, error=bool(blocking), **_new_context(page, values))
    campaign = forms.text(form, "campaign_id")
    body = recruitment_routes.DefineRoleRequest.model_validate(
        {"campaign_id": campaign, "municipality": muni, "role": data})
    await recruitment_routes.start_campaign(body, p, await _gateway(page.request))
    return _done(_campaign_url(muni["code"], campaign), ["RoleDefined"])


def text_action(form: Any) -> str:
    return forms.text(form, "action")


# ---------------------------------------------------------------- campaign page


def _board(s: RecruitmentState) -> dict[str, list]:
    board: dict[str, list] = {}
    for app in sorted(s.applications.values(), key=lambda a: a.received_at):
        board.setdefault(app.status.value, []).append(app)
    return board


@router.get("/c/{m}/{campaign}", response_class=HTMLResponse)
async def campaign_page(page: Viewer, m: str, campaign: str, done: str = "") -> HTMLResponse:
    may_read(page.principal, m)
    s = await campaign_state(page.request, m, campaign)
    from domain.posting import lint_posting

    advice = lint_posting(s.role) if s.role else []
    personal = page.principal.role in core.PERSONAL_READERS
    from domain.campaign_applications import CLOSED_APPLICATION

    still_open = sum(1 for a in s.applications.values() if a.status not in CLOSED_APPLICATION)
    return page.render(
        "campaign.html", m=m, campaign=campaign, s=s, board=_board(s), advice=advice,
        personal=personal, done=done, c=c, still_open=still_open,
        today=date.today(), default_deadline=(date.today() + timedelta(days=30)).isoformat(),
        stream=ids.campaign_id(m, campaign),
    )


@router.post("/c/{m}/{campaign}/{action}", response_class=HTMLResponse)
async def campaign_action(page: Writer, m: str, campaign: str, action: str) -> HTMLResponse:
    form = await page.request.form()
    commands: dict[str, type] = {
        "submit": c.SubmitRoleForApproval, "approve": c.ApproveRole, "return": c.ReturnRole,
        "posting": c.PublishPosting, "deadline": c.ExtendPostingDeadline,
        "close-posting": c.ClosePosting, "applications": c.ReceiveApplication,
        "costs": c.RecordCost, "cancel": c.CancelCampaign, "close": c.CloseCampaign,
        "readiness": c.ConfirmReadinessItem, "repost": c.Repost,
        "close-out": c.CloseOutApplicants,
    }
    command = commands.get(action)
    if command is None:
        raise core.NotFound()
    authorize(page.principal, command, m)  # before anything is read or parsed
    data: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    url = _campaign_url(m, campaign)
    if command is c.ReturnRole or command is c.CancelCampaign or command is c.CloseCampaign:
        data = {"reason": forms.text(form, "reason")}
    elif command is c.PublishPosting or command is c.Repost:
        s = await campaign_state(page.request, m, campaign)
        muni = s.municipality.model_dump(mode="json") if s.municipality else {}
        data = {"details": forms.posting_details(form, muni)}
        if command is c.Repost:
            data["reason"] = forms.text(form, "reason")
    elif command is c.ExtendPostingDeadline:
        data = {"new_deadline": forms.instant(form, "new_deadline").isoformat()}
    elif command is c.ClosePosting:
        data = {"reason": "closed_by_officer"}
    elif command is c.ReceiveApplication:
        app_id = f"a{uuid.uuid4().hex[:8]}"
        data = forms.application(form, app_id)
    elif command is c.RecordCost:
        data = forms.cost(form, f"k{uuid.uuid4().hex[:8]}")
    elif command is c.ConfirmReadinessItem:
        data = {"item": forms.integer(form, "item"), "note": forms.text(form, "note")}
    elif command is c.CloseOutApplicants:
        data = {"reason_code": forms.text(form, "reason_code"), "reason": forms.text(form, "reason")}
    reply = await _send_campaign(page, m, campaign, command, data, **extra)
    return _done(url, reply.accepted.events)


@router.get("/c/{m}/{campaign}/posting", response_class=HTMLResponse)
async def posting_page(page: Viewer, m: str, campaign: str) -> HTMLResponse:
    """The posting in the standard recruitment format (the rows of the posting document)
    with the linter's findings beside it."""
    may_read(page.principal, m)
    s = await campaign_state(page.request, m, campaign)
    if s.posting is None:
        raise core.NotFound("no posting yet")
    from documents.kinds import posting_rows
    from domain.posting import lint_posting

    return page.render("posting.html", m=m, campaign=campaign, s=s,
                       sections=posting_rows(s.posting), advice=lint_posting(s.posting))


# ---------------------------------------------------------------- applicant page


def _may_see_applicant(page: Page, m: str, app: Any) -> None:
    """R-SCR-3: officers and auditors; the approver sees the candidate whose offer or
    appointment it approves (shortlisted, or with an offer)."""
    p = page.principal
    if p.role is Role.approver and app is not None and (
            app.status.value in ("shortlisted", "appointed") or app.offer is not None):
        p.require_municipality(m, "campaign")
        return
    may_read(p, m, core.PERSONAL_READERS)


def _bid_check(app: Any, bidder: str, rule_set: str, published: str, advised: bool,
               wrote_spec: bool = False) -> dict:
    """What-if (nothing is written): may ``bidder`` bid on a procurement this applicant
    advised on? The domain's bid assessment over the applicant's declared employers and
    groups (R-BID-*), the same code as ``POST /assessments/bid``."""
    from domain.assessments import assess_bid

    decl = app.conflict_of_interest
    person_id = app.applicant_id

    def jobs(items: Any) -> list[dict]:
        return [{"company": e.company, "from": e.from_date.isoformat(),
                 "to": e.to_date.isoformat() if e.to_date else None}
                for e in items if e.from_date is not None]

    doc = {
        "rule_set": rule_set, "bidder": bidder,
        "procurement": {"id": "what-if", "published": published or date.today().isoformat(),
                        "advised_by": [person_id] if advised else [],
                        "spec_writers": [person_id] if wrote_spec else []},
        "people": [{"id": person_id,
                    "employments": jobs([*decl.current_employers, *decl.past_employers]),
                    "side_jobs": jobs(decl.side_jobs)}] if decl else [],
        "groups": [{"parent": g.parent, "members": list(g.members)}
                   for g in (decl.groups if decl else ()) if g.parent],
        "advisors": [person_id],
    }
    if rule_set == "A":
        doc["contract"] = {"company": bidder, "start": published or date.today().isoformat(),
                           "end": published or date.today().isoformat()}
    try:
        return {"ok": True, "bidder": bidder, "rule_set": rule_set, **assess_bid(doc)}
    except RuleViolation as v:
        return {"ok": False, "bidder": bidder, "rule_set": rule_set, "code": v.code,
                "field": v.field}


@router.get("/c/{m}/{campaign}/a/{app_id}", response_class=HTMLResponse)
async def applicant_page(page: Viewer, m: str, campaign: str, app_id: str,
                         done: str = "", bidder: str = "", rule_set: str = "C",
                         published: str = "", advised: str = "",
                         wrote_spec: str = "") -> HTMLResponse:
    may_read(page.principal, m)
    s = await campaign_state(page.request, m, campaign)
    app = s.applications.get(app_id)
    _may_see_applicant(page, m, app)
    if app is None:
        raise core.NotFound("application not found")
    soon = datetime.now(UTC).astimezone(forms.JST) + timedelta(days=3)
    all_signed = app.pledges is not None and \
        {p.item for p in app.pledges.required} <= set(app.pledges.signed)
    recorded = await _store(page.request).read_stream(
        streams.application(m, campaign, app_id))
    records_ = [e.data for e in recorded if e.type == "InterviewRecorded"]
    bid = _bid_check(app, bidder.strip(), rule_set, published, advised == "on",
                     wrote_spec == "on") \
        if bidder.strip() and app.conflict_of_interest else None
    return page.render(
        "applicant.html", m=m, campaign=campaign, s=s, app=app, done=done, c=c, bid=bid,
        interview_records=records_,
        bid_form={"bidder": bidder, "rule_set": rule_set, "published": published,
                  "advised": advised == "on", "wrote_spec": wrote_spec == "on"},
        default_interview=soon.strftime("%Y-%m-%dT10:00"),
        in_two_weeks=(date.today() + timedelta(days=14)).isoformat(),
        today=date.today().isoformat(), all_signed=all_signed,
        requirements={r.id: r for r in (s.role.requirements if s.role else ())},
    )


APPLICANT_COMMANDS: dict[str, type] = {
    "screening": c.ScreenDocuments, "interviews": c.ScheduleInterview,
    "interview-records": c.RecordInterview, "shortlist": c.ShortlistApplicant,
    "reject": c.RejectApplicant, "offer-approval": c.ApproveOffer, "offer": c.MakeOffer,
    "offer-accepted": c.RecordOfferAccepted, "offer-declined": c.RecordOfferDeclined,
    "pledges": c.SignPledge, "appoint": c.Appoint, "withdraw": c.WithdrawApplication,
}


@router.post("/c/{m}/{campaign}/a/{app_id}/{action}", response_class=HTMLResponse)
async def applicant_action(page: Writer, m: str, campaign: str, app_id: str,
                           action: str) -> HTMLResponse:
    command = APPLICANT_COMMANDS.get(action)
    if command is None:
        raise core.NotFound()
    authorize(page.principal, command, m)
    form = await page.request.form()
    data: dict[str, Any] = {}
    url = _applicant_url(m, campaign, app_id)
    if command is c.ScheduleInterview:
        data = {"interview_id": f"iv{uuid.uuid4().hex[:6]}",
                "scheduled_at": forms.instant(form, "scheduled_at").isoformat()}
    elif command is c.RecordInterview:
        data = forms.interview_record(form)
    elif command is c.ShortlistApplicant:
        data = {"note": forms.text(form, "note")}
    elif command is c.RejectApplicant:
        data = {"reason_code": forms.text(form, "reason_code"), "reason": forms.text(form, "reason")}
    elif command is c.ApproveOffer:
        s = await campaign_state(page.request, m, campaign)
        if s.role is None:
            raise core.NotFound()
        r = s.role
        data = {"terms": {"form": r.form.value, "term": r.term.model_dump(mode="json"),
                          "duties": [d.model_dump(mode="json") for d in r.duties],
                          "initiatives": [i.value for i in r.initiatives],
                          "pay": r.pay.model_dump(mode="json"),
                          "advises_on_procurement": forms.flag(form, "advises_on_procurement")},
                "appointee_for_profit": forms.flag(form, "appointee_for_profit"),
                "appointee_employer": forms.text(form, "appointee_employer") or None}
    elif command is c.MakeOffer:
        data = {"expires_at": forms.instant(form, "expires_at").isoformat()}
    elif command is c.RecordOfferAccepted:
        data = {"pledge_deadline": forms.instant(form, "pledge_deadline").isoformat()}
    elif command is c.RecordOfferDeclined or command is c.WithdrawApplication:
        data = {"reason": forms.text(form, "reason")}
    elif command is c.SignPledge:
        data = {"items": list(form.getlist("items")),
                "signed_on": (forms.day(form, "signed_on") or date.today()).isoformat()}
    elif command is c.Appoint:
        data = {"appointment_id": f"ap{uuid.uuid4().hex[:8]}"}
    reply = await _send_campaign(page, m, campaign, command, data, application_id=app_id)
    if command is c.Appoint and reply.status.appointment_id:
        # the appointment's workflow writes its own stream right after: wait for it (bounded)
        await _stream_written(_store(page.request),
                              ids.appointment_id(m, reply.status.appointment_id))
        return _done(f"/ui/appointments/{m}/{reply.status.appointment_id}",
                     reply.accepted.events)
    return _done(url, reply.accepted.events)


async def _stream_written(store: Any, stream: str, timeout: float = 10.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + timeout, 0.02
    while await store.stream_version(stream) < 1 and loop.time() < deadline:
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)


# ---------------------------------------------------------------- 任用 (appointment)


@router.get("/appointments/{m}/{appointment}", response_class=HTMLResponse)
async def appointment_page(page: Viewer, m: str, appointment: str,
                           done: str = "") -> HTMLResponse:
    may_read(page.principal, m, what="appointment")
    a = await appointment_state(page.request, m, appointment)
    fy_costs: dict[int, int] = {}
    for cost in a.costs.values():
        fy_costs[cost.fiscal_year] = fy_costs.get(cost.fiscal_year, 0) + cost.amount_yen
    return page.render("appointment.html", m=m, appointment=appointment, a=a, done=done, c=c,
                       today=date.today().isoformat(), fy_costs=fy_costs,
                       next_review=_next_review(a),
                       fiscal_year=_fiscal_year(date.today()),
                       stream=ids.appointment_id(m, appointment))


REVIEW_ITEM = 6  # R-READY: 外部人材の活動内容の定期的な確認 (recurring)


def _next_review(a: Any) -> datetime | None:
    """The periodic activity review (R-READY item 6) the workflow has scheduled after the
    last one recorded: the reminder it holds, not a second computation of the interval."""
    last = max(a.activity_reviews, default=None)
    due = [t for k, t in a.reminders.items()
           if k.startswith("activity_review") and (last is None or t > last)]
    return min(due, default=None)


def _fiscal_year(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


@router.post("/appointments/{m}/{appointment}/{action}", response_class=HTMLResponse)
async def appointment_action(page: Writer, m: str, appointment: str,
                             action: str) -> HTMLResponse:
    commands = {"readiness": c.ConfirmReadinessItem, "review": c.ConfirmReadinessItem,
                "costs": c.RecordCost, "renew": c.RenewTerm, "end": c.EndTerm}
    command = commands.get(action)
    if command is None:
        raise core.NotFound()
    authorize(page.principal, command, m, scope="appointment", what="appointment")
    form = await page.request.form()
    if action == "review":  # the periodic activity review is readiness item 6, again
        data: dict[str, Any] = {"item": REVIEW_ITEM, "note": forms.text(form, "note")}
    elif command is c.ConfirmReadinessItem:
        data = {"item": forms.integer(form, "item"), "note": forms.text(form, "note")}
    elif command is c.RecordCost:
        data = forms.cost(form, f"k{uuid.uuid4().hex[:8]}")
    elif command is c.RenewTerm:
        data = {"new_end": (forms.day(form, "new_end") or date.today()).isoformat()}
    else:
        data = {"ended_on": (forms.day(form, "ended_on") or date.today()).isoformat(),
                "reason": forms.text(form, "reason"), "note": forms.text(form, "note")}
    cmd = build_command(command, page.principal, data)
    gateway = await _gateway(page.request)
    reply = await gateway.update(ids.appointment_id(m, appointment),
                                 AppointmentWorkflow.command_view, cmd)
    return _done(f"/ui/appointments/{m}/{appointment}", reply.accepted.events)


# ---------------------------------------------------------------- 特別交付税 (claim)


async def _claim(page: Page, m: str, fy: int) -> ClaimView | None:
    from api.errors import ApiError

    gateway = await _gateway(page.request)
    try:
        return await gateway.query(ids.claim_id(m, fy), SubsidyClaimWorkflow.status)
    except ApiError as exc:
        if exc.status == 404:  # not started yet
            return None
        raise


@router.get("/claims/{m}/{fy}", response_class=HTMLResponse)
async def claim_page(page: Viewer, m: str, fy: int, done: str = "") -> HTMLResponse:
    may_read(page.principal, m, what="claim")
    claim = await _claim(page, m, fy)
    appointments = [a for a in await _appointments(page.request, [m])]
    return page.render("claim.html", m=m, fy=fy, claim=claim, done=done,
                       appointments=appointments, today=date.today().isoformat(),
                       stream=ids.claim_id(m, fy))


@router.post("/claims/{m}/{fy}/draft", response_class=HTMLResponse)
async def claim_draft(page: Writer, m: str, fy: int) -> HTMLResponse:
    """Draft the year's claim now: start (or signal) the claim workflow for every
    appointment of the municipality, as the fiscal-year end does (``ensure_claim``)."""
    authorize(page.principal, "redraft", m, scope="claim", what="claim")
    from temporalio.common import WorkflowIDReusePolicy
    from temporalio.exceptions import WorkflowAlreadyStartedError

    from workflows.models import AppointmentYearClosed, ClaimInput

    appointments = await _appointments(page.request, [m])
    if not appointments:
        raise RuleViolation("R-SUB-1", "no appointment to claim for", field="appointments")
    client = await get_client(page.request)
    wf = ids.claim_id(m, fy)
    municipality = appointments[0][2].municipality
    first = AppointmentYearClosed(appointment_id=appointments[0][1])
    try:
        await client.start_workflow(
            "SubsidyClaimWorkflow", ClaimInput(municipality=municipality, fiscal_year=fy,
                                               settle=timedelta(seconds=1)),
            id=wf, task_queue=page.request.app.state.settings.task_queue,
            start_signal="appointment_year_closed", start_signal_args=[first],
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        pass
    handle = client.get_workflow_handle(wf)
    for _, appointment, _ in appointments[1:]:
        await handle.signal("appointment_year_closed", AppointmentYearClosed(
            appointment_id=appointment))
    return core.redirect(f"/ui/claims/{m}/{fy}?done=" + "申請案の作成を開始しました")


@router.post("/claims/{m}/{fy}/{action}", response_class=HTMLResponse)
async def claim_action(page: Writer, m: str, fy: int, action: str) -> HTMLResponse:
    by_path = {a.path.strip("/"): a for a in claim_routes.CLAIM_ACTIONS}
    act = by_path.get(action)
    if act is None:
        raise core.NotFound()
    authorize(page.principal, act.name, m, scope="claim", what="claim")
    form = await page.request.form()
    data: dict[str, Any] = {}
    if act.name == "record_submission":
        data = {"submitted_on": (forms.day(form, "submitted_on") or date.today()).isoformat()}
    elif act.name == "record_decision":
        data = {"decided_on": (forms.day(form, "decided_on") or date.today()).isoformat(),
                "granted_yen": forms.integer(form, "granted_yen")}
    cmd = build_command(act.model, page.principal, data)
    gateway = await _gateway(page.request)
    result = await gateway.update(ids.claim_id(m, fy), act.update, cmd)
    return _done(f"/ui/claims/{m}/{fy}", result.events)


# ---------------------------------------------------------------- 監査 (audit)


def _stream_of(page: Page, stream: str) -> str:
    m = audit_views.municipality_of(stream)
    may_read(page.principal, m, core.AUDIT_READERS, what="stream")
    return m


def _summary(entry: dict) -> str:
    """A short Japanese line of what an event says (labels, never bare codes)."""
    d = entry["data"] or {}
    parts = []
    if "reason_code" in d:
        parts.append(i18n.label("reason", d["reason_code"]))
    if "reason" in d and isinstance(d["reason"], str) and d["reason"]:
        parts.append(i18n.label("posting_close_reason", d["reason"]))
    for key, kind in (("cost_kind", "cost_kind"), ("outcome", "screening_outcome"),
                      ("recommendation", "recommendation")):
        if key in d and isinstance(d[key], str):
            parts.append(i18n.label(kind, d[key]))
    if "amount_yen" in d and isinstance(d["amount_yen"], int):
        parts.append(i18n.format_yen(d["amount_yen"]))
    if "role" in d and isinstance(d["role"], dict) and "title" in d["role"]:
        parts.append(d["role"]["title"])
    if "items" in d and isinstance(d["items"], list):
        parts.append("、".join(i18n.label("pledge_item", x) for x in d["items"]
                              if isinstance(x, str)))
    if "deadline" in d and isinstance(d["deadline"], str):
        parts.append("締切 " + i18n.format_deadline(datetime.fromisoformat(d["deadline"])))
    return " / ".join(p for p in parts if p)


@router.get("/audit", response_class=HTMLResponse)
async def audit_index(page: Viewer, done: str = "") -> HTMLResponse:
    p = page.principal
    p.require_role(*core.AUDIT_READERS, *core.LOG_KEEPERS, action="audit")
    campaigns = await _campaigns(page.request, sorted(p.municipalities))
    appointments = await _appointments(page.request, sorted(p.municipalities))
    return page.render("audit_index.html", campaigns=campaigns, appointments=appointments,
                       checkpoint=_checkpoint_status(page.request), done=done)


def _checkpoint_status(request: Request, result: Any = None) -> dict[str, Any] | None:
    """The newest checkpoint this server signed (a checkpoint is kept by the auditor outside
    the database, docs/eventstore.md): when, up to which position, whether its signature
    holds under this store's key — and, after a check, whether the log still extends it."""
    cp = getattr(request.app.state, "latest_checkpoint", None)
    if cp is None:
        return None
    store = _store(request)
    return {
        "created_at": datetime.fromisoformat(cp.created_at) if cp.created_at else None,
        "position": cp.position, "head_hash": cp.head_hash, "json": cp.to_json(),
        "signature_valid": cp.signature_valid() and cp.public_key == store.public_key,
        "result": result,
    }


@router.post("/audit/checkpoint", response_class=HTMLResponse)
async def audit_checkpoint(page: Writer) -> HTMLResponse:
    """Sign the head of the log (verified first, as ``POST /audit/checkpoint``)."""
    page.principal.require_role(*core.LOG_KEEPERS, action="sign a checkpoint")
    page.request.app.state.latest_checkpoint = await _store(page.request).checkpoint()
    from urllib.parse import quote

    return core.redirect("/ui/audit?done=" + quote("チェックポイントの署名"))


@router.post("/audit/checkpoint/verify", response_class=HTMLResponse)
async def audit_checkpoint_verify(page: Writer) -> HTMLResponse:
    """Prove the log up to the latest checkpoint is the one that was signed."""
    page.principal.require_role(*core.LOG_KEEPERS, action="verify the event log")
    cp = getattr(page.request.app.state, "latest_checkpoint", None)
    if cp is None:
        raise core.NotFound("no checkpoint yet")
    result = await _store(page.request).verify(checkpoint=cp)
    p = page.principal
    campaigns = await _campaigns(page.request, sorted(p.municipalities))
    appointments = await _appointments(page.request, sorted(p.municipalities))
    return page.render("audit_index.html", campaigns=campaigns, appointments=appointments,
                       checkpoint=_checkpoint_status(page.request, result))


@router.get("/audit/timeline", response_class=HTMLResponse)
async def audit_timeline(page: Viewer, stream: str, at: str = "", at2: str = "",
                         start: int = 0) -> HTMLResponse:
    m = _stream_of(page, stream)
    kind = stream.split(":", 1)[0]
    store = _store(page.request)
    entries = await _timeline(page.request, stream, kind)
    start = max(0, min(start, max(len(entries) - 1, 0)))
    shown = entries[start:start + TIMELINE_PAGE]
    as_of = diff = None
    if at:
        as_of = await _as_of(store, stream, at)
        if at2:
            later = await _as_of(store, stream, at2)
            diff = _diff(as_of["facts"], later["facts"])
            as_of["later"] = later
    return page.render("audit_timeline.html", stream=stream, m=m, kind=kind, entries=shown,
                       total=len(entries), start=start, page_size=TIMELINE_PAGE,
                       at=at, at2=at2, as_of=as_of, diff=diff)


TIMELINE_PAGE = 200


async def _timeline(request: Request, stream: str, kind: str) -> list[dict]:
    """Every event of a campaign (with its applications) or an appointment, as timeline
    entries; reused while the streams did not change (like :func:`campaign_state`)."""
    prefix = streams.applications_of(*stream.split(":")[1:3]) if kind == "recruitment" \
        else stream + ":"

    async def build() -> list[dict]:
        store = _store(request)
        if kind == "recruitment":
            recorded = await records.campaign_events(store, stream)
        else:
            recorded = await store.read_stream(stream)
        entries = [audit_views.history_entry(e) for e in recorded]
        for e in entries:
            e["summary"] = _summary(e)
        return entries

    return await _while_unchanged(request, "web_timelines", stream, prefix, build)


async def _as_of(store: Any, stream: str, at: str) -> dict[str, Any]:
    try:
        value = datetime.fromisoformat(at)
    except ValueError:
        raise RuleViolation("invalid_input", "at: not a date", field="at") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=forms.JST)
    view = await audit_views.state_as_of(store, stream, value)
    state = view["state"] or {}
    kind = stream.split(":", 1)[0]
    return {"at": value, "events": view["events_applied"], "facts": _facts(kind, state)}


def _facts(kind: str, st: dict[str, Any]) -> dict[str, str]:
    """The facts of a replayed state an auditor compares, with Japanese names and values."""
    if not st:
        return {"状態": "まだ記録がありません"}
    if kind == "recruitment":
        apps = st.get("applications") or {}
        by_status = Counter(a.get("status") for a in apps.values())
        facts = {
            "段階": i18n.label("stage", st.get("stage") or "new"),
            "募集中": "はい" if st.get("posting_open") else "いいえ",
            "応募締切": _deadline_text(st.get("deadline")),
            "役割の承認者": st.get("role_approved_by") or "—",
            "応募数": f"{len(apps)}件",
            "再募集の回数": f"{st.get('repost_count') or 0}回",
            "任用": st.get("appointment_id") or "—",
        }
        for status in ("received", "screened", "interviewing", "shortlisted", "rejected",
                       "withdrawn", "appointed"):
            label = i18n.label("application_status", status)
            facts[f"応募者（{label}）"] = f"{by_status.get(status, 0)}件"
        offers = [a["offer"]["status"] for a in apps.values() if a.get("offer")]
        facts["内定"] = "、".join(i18n.label("offer_status", o) for o in offers) or "—"
        return facts
    costs = st.get("costs") or {}
    total = sum(c.get("amount_yen", 0) for c in costs.values())
    return {
        "状況": i18n.label("appointment_status", st.get("status") or "none"),
        "任期の終わり": (i18n.format_date(date.fromisoformat(st["term_end"]))
                       if st.get("term_end") else "—"),
        "更新の回数": f"{st.get('renewals') or 0}回",
        "受入準備の確認": f"{len(st.get('readiness') or {})}/6項目",
        "経費": f"{len(costs)}件・{i18n.format_yen(total)}",
    }


def _deadline_text(value: Any) -> str:
    return i18n.format_deadline(datetime.fromisoformat(value)) if value else "—"


def _diff(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    return [{"field": k, "before": before.get(k, "—"), "after": after.get(k, "—")}
            for k in dict.fromkeys([*before, *after])
            if before.get(k) != after.get(k) and k != "状態"]


@router.get("/audit/export", response_class=HTMLResponse)
async def audit_export(page: Viewer, stream: str) -> HTMLResponse:
    """An appointment's complete record (the API's export, HTML with Japanese labels)."""
    _stream_of(page, stream)
    if not stream.startswith("appointment:"):
        raise core.NotFound("only appointments are exported")
    report = await audit_views.export_appointment(_store(page.request), stream)
    return HTMLResponse(audit_views.render_html(report))


@router.post("/audit/verify", response_class=HTMLResponse)
async def audit_verify(page: Writer) -> HTMLResponse:
    page.principal.require_role(*core.LOG_KEEPERS, action="verify the event log")
    result = await _store(page.request).verify()
    partial = page.request.headers.get("HX-Request") == "true"
    return page.render("_verify.html" if partial else "verify_page.html", result=result)


# ---------------------------------------------------------------- 通知 (notifications)


@router.get("/notifications", response_class=HTMLResponse)
async def notifications_page(page: Viewer) -> HTMLResponse:
    p = page.principal
    p.require_role(*core.READERS, action="read notifications")
    listing = await notification_routes.notifications(page.request, p, None, None, 200)
    by_person: dict[str, list] = {}
    for n in listing.items:
        by_person.setdefault(n.recipient, []).append(n)
    return page.render("notifications.html", by_person=by_person)
