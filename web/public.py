"""The public application page (公募ページ): a published posting for anyone, no sign-in,
with the application form; and each applicant's status page behind an unguessable link.

    GET  /public/{code}/{campaign}          the posting (標準募集様式) and the form
    POST /public/{code}/{campaign}/apply    multipart form: starts the application
    GET  /public/status/{token}             the applicant's own stage, nothing else

Submitting sends the campaign workflow the same ``ReceiveApplication`` command an officer
sends (through ``api.gateway``: same validation, same rule codes), as the
applicant (role ``applicant``, actor id = their applicant id). Refusals come back as the
form again with a Japanese message per field.

Hardening: a request body cap (``Content-Length`` required) and a résumé cap; the résumé
must *be* a PDF (its bytes, read back by pypdf; name and declared type are ignored); a
CSRF token (signed, double-submitted in a cookie); rate limits per client address and per
posting; closed postings refuse; nothing the applicant typed is logged. The résumé is
stored as personal data of the applicant (``ResumeReceived``, sealed with their data key),
so ``forget`` erases it with the rest. The receipt mail goes to the given address through
the outbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import secrets
import time
import uuid
from collections import defaultdict, deque
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from domain import i18n, streams
from domain.errors import RuleViolation

router = APIRouter(prefix="/public", include_in_schema=False)

MAX_BODY = 3 * 1024 * 1024  # bytes of the whole multipart request
MAX_RESUME = 2 * 1024 * 1024  # bytes of the résumé PDF
MAX_TEXT = 4000  # characters of one text field
PER_ADDRESS = (5, 600.0)  # submissions per client address per 10 minutes
PER_POSTING = (100, 3600.0)  # submissions per posting per hour
CSRF_COOKIE = "ninyo_public_csrf"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates" / "public")),
    autoescape=True, undefined=jinja2.StrictUndefined,
)


# ---------------------------------------------------------------- secrets and tokens


def _key(request: Request) -> bytes:
    """The page's signing key: derived from the API's token secret, or one per process."""
    state = request.app.state
    if not hasattr(state, "public_key"):
        secret = getattr(state.settings, "jwt_secret", None)
        raw = secret.get_secret_value().encode() if secret else os.urandom(32)
        state.public_key = hashlib.sha256(b"ninyo-public-page|" + raw).digest()
    return state.public_key


def _sign(key: bytes, text: str) -> str:
    mac = hmac.new(key, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def status_token(key: bytes, code: str, campaign: str, application_id: str) -> str:
    """An unguessable link to one application's stage (HMAC over its ids)."""
    return f"{code}.{campaign}.{application_id}.{_sign(key, f'{code}:{campaign}:{application_id}')}"


def _read_status_token(key: bytes, token: str) -> tuple[str, str, str] | None:
    parts = token.split(".")
    if len(parts) != 4:
        return None
    code, campaign, app_id, sig = parts
    if not hmac.compare_digest(sig, _sign(key, f"{code}:{campaign}:{app_id}")):
        return None
    return code, campaign, app_id


def _csrf_pair(key: bytes) -> tuple[str, str]:
    nonce = secrets.token_urlsafe(16)
    return nonce, f"{nonce}.{_sign(key, 'csrf:' + nonce)}"


def _csrf_ok(key: bytes, cookie: str | None, field: str | None) -> bool:
    if not cookie or not field or "." not in field:
        return False
    nonce, sig = field.split(".", 1)
    return hmac.compare_digest(nonce, cookie) and hmac.compare_digest(sig, _sign(key, "csrf:" + nonce))


# ---------------------------------------------------------------- rate limits


class RateLimit:
    """Sliding windows per key, in this process (one API process serves the page)."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str, limit: tuple[int, float], now: float | None = None) -> bool:
        count, window = limit
        now = time.monotonic() if now is None else now
        hits = self._hits[key]
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= count:
            return False
        hits.append(now)
        return True


LIMITS = RateLimit()


# ---------------------------------------------------------------- reading the log


async def _campaign(request: Request, code: str, campaign: str) -> Any:
    """The campaign's own stream folded (no application streams: no personal data here)."""
    from domain.events import parse_event
    from domain.state import fold_recruitment

    store = request.app.state.store
    recorded = await store.read_stream(streams.campaign(code, campaign))
    if not recorded:
        return None
    return fold_recruitment([parse_event(e.type, e.data, e.schema_version) for e in recorded])


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={
        "Cache-Control": "no-store", "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'",
        "Referrer-Policy": "no-referrer"})


def _refuse(status: int, title: str, message: str) -> HTMLResponse:
    return _page("message.html.j2", status, title=title, message=message)


def _posting_context(state: Any) -> dict[str, Any]:
    from documents.kinds import posting_rows

    return {"posting": state.posting, "sections": posting_rows(state.posting),
            "deadline": i18n.format_deadline(state.deadline) if state.deadline else "—",
            "open": bool(state.posting_open)}


# ---------------------------------------------------------------- routes


@router.get("/status/{token}", response_class=HTMLResponse, name="status_page")
async def status_page(token: str, request: Request) -> Response:
    found = _read_status_token(_key(request), token)
    if found is None:
        return _refuse(404, "見つかりません", "このリンクは無効です。")
    code, campaign, application_id = found
    from documents.sources import DocumentNotAvailable, campaign_log

    try:
        _, state = await campaign_log(request.app.state.store, code, campaign)
    except DocumentNotAvailable:
        return _refuse(404, "見つかりません", "このリンクは無効です。")
    app = state.applications.get(application_id)
    if app is None:
        return _page("status.html.j2", title=state.role.title if state.role else "",
                     municipality=state.municipality.name, stage="受付処理中",
                     application_id=application_id)
    return _page("status.html.j2", title=state.role.title if state.role else "",
                 municipality=state.municipality.name,
                 stage=i18n.label("application_status", app.status.value),
                 application_id=application_id)


@router.get("/{code}/{campaign}", response_class=HTMLResponse)
async def posting_page(code: str, campaign: str, request: Request) -> Response:
    state = await _campaign(request, code, campaign)
    if state is None or state.posting is None:
        return _refuse(404, "募集が見つかりません", "この募集は公開されていません。")
    key = _key(request)
    nonce, token = _csrf_pair(key)
    resp = _page("posting.html.j2", code=code, campaign=campaign, csrf=token, errors={},
                 values={}, consent_text=_consent_text(state), **_posting_context(state))
    resp.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict",
                    path=f"/public/{code}/{campaign}")
    return resp


def _consent_text(state: Any) -> str:
    m = state.municipality
    notes = state.posting.details.notes if state.posting else ""
    return (f"{m.name}は、この応募で提供された個人情報を、CIO補佐官等の選考及び任用の手続のためにのみ"
            "利用し、法令に基づく場合を除き第三者に提供しません。選考の記録は監査のために保存され、"
            "不採用となった方の個人情報は、求めに応じて消去します。" + (f"\n{notes}" if notes else ""))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _ym(text: str) -> date | None:
    """'2016-04' / '2016/4' / '2016-04-01' -> date; '現在' or empty -> None."""
    text = text.strip().replace("/", "-")
    if not text or text in ("現在", "now"):
        return None
    parts = [int(p) for p in text.split("-")[:3]]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _employments(text: str, field: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    """One per line: ``会社名, 開始(YYYY-MM), 終了(YYYY-MM または 現在)``."""
    out = []
    for n, line in enumerate(_lines(text), start=1):
        parts = [p.strip() for p in line.replace("，", ",").replace("、", ",").split(",")]
        try:
            out.append({"company": parts[0], "from_date": _ym(parts[1]) if len(parts) > 1 else None,
                        "to_date": _ym(parts[2]) if len(parts) > 2 else None})
        except (ValueError, IndexError):
            errors[field] = f"{n}行目: 「会社名, 開始年月, 終了年月（または 現在）」の形で入力してください"
    return out


def _groups(text: str) -> list[dict[str, Any]]:
    """One per line: ``親会社: 子会社1, 子会社2``."""
    out = []
    for line in _lines(text):
        parent, _, members = line.replace("：", ":").partition(":")
        names = [m.strip() for m in members.replace("、", ",").split(",") if m.strip()]
        out.append({"parent": parent.strip() or None, "members": names})
    return out


def _pdf_ok(data: bytes) -> bool:
    """The résumé is a PDF by its content: the signature, and pypdf can read its pages."""
    if not data.startswith(b"%PDF-"):
        return False
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages) > 0
    except Exception:  # noqa: BLE001 - anything unreadable is not a PDF we accept
        return False


FIELD_JA = {"name": "氏名", "email": "メールアドレス", "phone": "電話番号",
            "career": "職歴", "current_employers": "現在の勤務先", "past_employers": "過去10年の勤務先",
            "side_jobs": "兼業先", "groups": "企業グループ", "consent": "個人情報の取扱いへの同意",
            "resume": "履歴書（PDF）"}


@router.post("/{code}/{campaign}/apply", response_class=HTMLResponse)
async def apply(code: str, campaign: str, request: Request) -> Response:
    length = request.headers.get("content-length")
    if length is None:
        return _refuse(411, "送信できません", "送信内容の大きさが分かりません。")
    if not length.isdigit() or int(length) > MAX_BODY:
        return _refuse(413, "送信できません", f"送信内容が大きすぎます（上限 {MAX_BODY // 1024 // 1024}MB）。")
    client = request.client.host if request.client else "unknown"
    limits = LIMITS
    if not limits.allow(f"addr:{client}", PER_ADDRESS):
        return _refuse(429, "しばらくお待ちください", "短時間に多くの応募が送信されました。時間をおいて送信してください。")
    if not limits.allow(f"posting:{code}:{campaign}", PER_POSTING):
        return _refuse(429, "しばらくお待ちください", "この募集への応募が集中しています。時間をおいて送信してください。")
    key = _key(request)
    form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_RESUME + 1024)
    if not _csrf_ok(key, request.cookies.get(CSRF_COOKIE), _text(form, "csrf")):
        return _refuse(403, "送信できません", "フォームの有効期限が切れました。募集ページを開き直してください。")
    state = await _campaign(request, code, campaign)
    if state is None or state.posting is None:
        return _refuse(404, "募集が見つかりません", "この募集は公開されていません。")
    if not state.posting_open:
        return _refuse(409, "募集は締め切られました", "この募集の受付は終了しました。")

    errors: dict[str, str] = {}
    values = {k: _text(form, k) for k in FIELD_JA if k not in ("resume", "consent")}
    for k, v in values.items():
        if len(v) > MAX_TEXT:
            errors[k] = f"{MAX_TEXT}文字以内で入力してください"
    if not values["name"]:
        errors["name"] = "氏名を入力してください"
    if not values["email"]:
        errors["email"] = "連絡先のメールアドレスを入力してください"
    if form.get("consent") != "yes":
        errors["consent"] = "個人情報の取扱いに同意してください"
    resume = form.get("resume")
    data = await resume.read(MAX_RESUME + 1) if hasattr(resume, "read") else b""
    if not data:
        errors["resume"] = "履歴書（PDF）を添付してください"
    elif len(data) > MAX_RESUME:
        errors["resume"] = f"履歴書は {MAX_RESUME // 1024 // 1024}MB 以内にしてください"
    elif not _pdf_ok(data):
        errors["resume"] = "履歴書は PDF ファイルを添付してください（内容が PDF ではありません）"
    career = _employments(values["career"], "career", errors)
    current = _employments(values["current_employers"], "current_employers", errors)
    past = _employments(values["past_employers"], "past_employers", errors)
    side = _employments(values["side_jobs"], "side_jobs", errors)

    application_id = f"w{uuid.uuid4().hex[:16]}"
    applicant_id = f"applicant-{uuid.uuid4().hex}"
    cmd = None
    if not errors:
        from domain.commands import ReceiveApplication

        try:
            cmd = ReceiveApplication.model_validate({
                "actor": {"id": applicant_id, "role": "applicant"},
                "application_id": application_id, "applicant_id": applicant_id,
                "channel": "own_website", "name": values["name"],
                "contact": {"email": values["email"], "phone": values["phone"] or None},
                "career_history": career, "profile": {},
                "conflict_of_interest": {
                    "current_employers": current, "past_employers": past, "side_jobs": side,
                    "groups": _groups(values["groups"]), "declared_on": _today()},
            })
        except ValidationError as exc:
            for e in i18n.field_errors(list(exc.errors()), _form_field):
                errors.setdefault(e["field"] or "form", e["message"])
    if cmd is not None and not errors:
        errors = await _submit(request, code, campaign, cmd)
    if errors:  # the form again, with what was typed (the résumé must be attached again)
        return _page("posting.html.j2", 422, code=code, campaign=campaign,
                     csrf=_text(form, "csrf"), errors=errors, values=values, labels=FIELD_JA,
                     consent_text=_consent_text(state), **_posting_context(state))

    await _keep_resume(request, code, campaign, application_id, applicant_id, resume, data)
    token = status_token(key, code, campaign, application_id)
    status_url = str(request.url_for("status_page", token=token))
    await _queue_receipt(request, state, code, campaign, application_id, values, status_url)
    return _page("received.html.j2", title=state.posting.role.title,
                 municipality=state.municipality.name, status_url=status_url,
                 application_id=application_id)


def _today() -> str:
    from domain.fiscal import japan_date

    return japan_date(datetime.now(UTC)).isoformat()


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


_FORM_FIELDS = {"name": "name", "contact": "email", "career_history": "career",
                "current_employers": "current_employers", "past_employers": "past_employers",
                "side_jobs": "side_jobs", "groups": "groups"}


def _form_field(loc: tuple) -> str | None:
    for part in reversed([str(p) for p in loc]):
        if part in _FORM_FIELDS:
            return _FORM_FIELDS[part]
    return None


async def _submit(request: Request, code: str, campaign: str, cmd: Any) -> dict[str, str]:
    """The officer's path: the campaign workflow's command update through the API's one
    door to Temporal (``api.gateway``), so the same validator decides."""
    from api.deps import get_client, get_gateway
    from api.errors import ApiError
    from workflows.recruitment import RecruitmentWorkflow

    try:
        gateway = await get_gateway(request, await get_client(request))
        await gateway.update(streams.campaign(code, campaign), RecruitmentWorkflow.command_view,
                             cmd)
    except RuleViolation as v:
        found: dict[str, str] = {}
        for e in (v.params or {}).get("errors") or []:  # every gap, each on its own field
            found.setdefault(_form_field(tuple((e.get("field") or "").split("."))) or "form",
                             f"{e['message']}（{v.code}）")
        if not found:
            field = _form_field(tuple((v.field or "").split("."))) or "form"
            found[field] = i18n.error(v.code, v.message, v.field)["message"]
        return found
    except ApiError as exc:
        return {"form": exc.message if exc.status < 500 else "ただいま受付できません。時間をおいて送信してください。"}
    return {}


async def _keep_resume(request: Request, code: str, campaign: str, application_id: str,
                       applicant_id: str, upload: Any, data: bytes) -> None:
    from domain.events import ResumeReceived, event_payload
    from eventstore import NewEvent

    event = ResumeReceived(
        at=datetime.now(UTC), by=applicant_id, application_id=application_id,
        applicant_id=applicant_id, filename=(getattr(upload, "filename", None) or "resume.pdf")[:200],
        content=base64.b64encode(data).decode(), size=len(data),
        sha256=hashlib.sha256(data).hexdigest())
    type_, version, payload = event_payload(event)
    await request.app.state.store.append(
        streams.document(code, "resume", streams.application(code, campaign, application_id)), None,
        [NewEvent(type=type_, data=payload, schema_version=version,
                  metadata={"actor": applicant_id, "role": "applicant", "municipality": code})],
        stream_type="document")


async def _queue_receipt(request: Request, state: Any, code: str, campaign: str,
                         application_id: str, values: dict[str, str], status_url: str) -> None:
    """The receipt mail (applicant:receipt) into the outbox, once per application."""
    from activities.notifications import outbox
    from documents.mail import render_mail

    settings = request.app.state.settings
    contact = state.posting.details.contact
    subject, body = render_mail("applicant:receipt", code, {
        "municipality_name": state.municipality.name, "post": state.posting.role.title,
        "name": values["name"], "application_id": application_id,
        "received_at": i18n.format_datetime(datetime.now(UTC)), "status_url": status_url,
        "contact": f"{contact.department} {contact.email or contact.phone or ''}"},
        templates_dir=getattr(settings, "mail_templates_dir", None))
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = getattr(request.app.state, "outbox_engine", None)
    if engine is None:
        engine = request.app.state.outbox_engine = create_async_engine(settings.database_url)
    from documents.applicant_mail import record_mail
    from documents.sources import Subject

    await record_mail(request.app.state.store, "applicant:receipt", subject, body,
                      Subject(code, campaign=campaign, application=application_id))
    nid = uuid.uuid5(uuid.NAMESPACE_URL, f"ninyo:receipt:{code}:{campaign}:{application_id}")
    async with engine.begin() as conn:
        await conn.execute(outbox.insert().values(
            notification_id=str(nid), created_at=datetime.now(UTC), recipient=values["email"],
            subject=subject, body=body, kind="applicant:receipt", municipality=code,
            workflow_id=streams.campaign(code, campaign)))
