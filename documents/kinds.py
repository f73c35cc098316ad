"""The documents a municipality hands out, built from the domain's own objects.

Each function takes what the log says (a folded campaign, an ``Appointed`` event, a
year's assessment, recorded events) and returns a :class:`Rendered` (HTML, and PDF unless
``pdf=False``). Nothing here reads the database: ``documents.sources`` loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from documents import ja
from documents.render import Rendered, render
from domain import streams
from domain.policy import default_policy
from domain.posting import INITIATIVE_NAMES_JA, PayUnit, Posting
from domain.skill_standard import PERSONA_NAMES_JA, Importance

ERASED_JA = "（消去済み）"

# By appointment form: the legal basis, the appointment document and the pledge's wording.
# (Data, not logic: a municipality's wording is a data change.)
FORMS: dict[str, dict[str, str]] = {
    "specific_fixed_term": {
        "basis": "地方公共団体の一般職の任期付職員の採用に関する法律第3条第1項",
        "notice": "appointment_order",
        "notice_title": "任用通知書（辞令）",
        "pledge_intro": "{post}（{form}）として任用されるに当たり",
    },
    "special_part_time": {
        "basis": "地方公務員法第3条第3項第3号",
        "notice": "commission",
        "notice_title": "委嘱状",
        "pledge_intro": "{post}（{form}）として任用されるに当たり",
    },
    "outsourcing": {
        "basis": "業務委託契約（私法上の契約。守秘義務・公平性は契約書及び仕様書で担保）",
        "notice": "contract_clauses",
        "notice_title": "業務委託契約の条項一覧",
        "pledge_intro": "{post}に係る業務委託契約を締結するに当たり",
    },
    "enterprise_dispatch": {
        "basis": "地域活性化起業人（企業派遣型）に関する協定",
        "notice": "commission",
        "notice_title": "委嘱状",
        "pledge_intro": "{post}（{form}）として受け入れられるに当たり",
    },
}

PAY_PER = {PayUnit.month: "month", PayUnit.day: "day", PayUnit.hour: "hour", PayUnit.year: "year"}

# Pledge items: the wording of each item on the form (what the appointee promises).
PLEDGE_TEXT = {
    "appointment_terms": "任用期間、解職の事由その他任用及び解職に関する事項を承知し、これに従います。",
    "no_discrediting_acts": "職の信用を傷つけ、又は職全体の不名誉となるような行為をしません。",
    "confidentiality": "職務上知り得た秘密を漏らしません。その職を退いた後も同様とします。",
    "devotion_to_duty": "勤務時間中は職務に専念し、その職責を誠実に果たします。",
    "conflict_of_interest": "現に所属し、又は過去に所属した企業等に便宜を供与するなどの利益相反行為をしません。",
    "side_job_disclosure": "兼業先の企業等を開示し、変更があったときは速やかに届け出ます。",
    "holdings_disclosure": "保有する株式、知的財産権等を開示します。",
    "bid_restriction_cooperation": "入札制限等の措置に協力し、仕様書の作成・業者の選定に関する制限に従います。",
}

CONTRACT_CLAUSES = [
    ("confidentiality", "守秘義務", "受託者は、業務上知り得た秘密を第三者に漏らしてはならない。契約終了後も同様とする。", "R-FORM-3"),
    ("fairness", "公平性・透明性の確保", "受託者は、委託者の情報システムに関する調達において、自らの利益を図る助言をしてはならない。", "R-FORM-3"),
    ("bid_restriction", "入札参加の制限", "受託者は、本業務の契約履行期間及び契約完了後2年間、委託者のシステム設計・開発、運用及び監査等の委託業務の入札に参加することができない。", "R-BID-A"),
    ("no_spec_writing", "仕様書作成等の制限", "受託者の従業者は、受託者の入札参加が予想される案件について、仕様書の作成及び業者の選定に従事しない。", "R-BID-C"),
]


def _name(value: str | None) -> str:
    return value if value else ERASED_JA


def pay_text(amount_yen: int, unit: PayUnit | str, note: str = "") -> str:
    unit = PayUnit(unit)
    if unit is PayUnit.per_case:
        text = "個別に決定"
    else:
        text = ja.format_yen(amount_yen, PAY_PER[unit])
    return text + (f"（{note}）" if note else "")


def term_text(start: date, end: date) -> str:
    return f"{ja.format_date(start, western=False)}から{ja.format_date(end, western=False)}まで"


def _issuer(municipality: Any) -> str:
    return f"{municipality.name}長"


# ---------------------------------------------------------------- 1. 募集要項


def posting_rows(posting: Posting) -> list[tuple[str, list[tuple[str, str | list[str]]]]]:
    """The standard recruitment format (標準募集様式, R-POST-2) in sections of (label, value)."""
    r, d = posting.role, posting.details
    m, ws, s = d.municipality, r.work_style, d.selection

    def reqs(imp: Importance) -> list[str]:
        return [q.text or q.id for q in r.requirements if q.importance is imp] or ["なし"]

    selection = (["書類選考"] if s.document_review else []) + (["論文"] if s.essay else []) + (
        [f"面接（{s.interviews}回）"] if s.interviews else []) + ([s.other] if s.other else [])
    channels = [ja.label("channel", c.kind.value) + (f"（{c.name}）" if c.name else "")
                for c in d.channels]
    contact = [d.contact.department] + ([f"メール: {d.contact.email}"] if d.contact.email else []) + (
        [f"電話: {d.contact.phone}"] if d.contact.phone else [])
    form = r.form.value
    return [
        ("1 団体の概要", [
            ("団体名", m.name), ("団体コード", m.code or "—"), ("都道府県", m.prefecture),
            ("人口", f"{m.population:,}人" if m.population else "—"),
        ]),
        ("2 募集する職", [
            ("職名", r.title), ("人材像", PERSONA_NAMES_JA[r.persona]),
            ("業務内容", [duty.text for duty in r.duties]),
            ("関与するDXの取組", [INITIATIVE_NAMES_JA[i] for i in r.initiatives]),
        ]),
        ("3 任用形態・勤務条件", [
            ("任用形態", f"{ja.label('form', form)}（{FORMS[form]['basis']}）"),
            ("勤務日数（月）", f"{ws.days_per_month}日程度" if ws.days_per_month else "—"),
            ("勤務時間（月）", f"{ws.hours_per_month}時間程度" if ws.hours_per_month else "—"),
            ("うち現地勤務", f"月{ws.on_site_days_per_month}日" if ws.on_site_days_per_month is not None else "—"),
            ("リモート勤務", "可" if ws.remote_allowed else "不可"),
            ("副業・兼業", "可" if ws.side_job_allowed else "不可"),
            ("報酬", pay_text(r.pay.amount_yen, r.pay.unit, r.pay.note)),
            ("任期", term_text(r.term.start, r.term.end) + ("（更新あり）" if r.term.renewable else "")),
        ]),
        ("4 応募資格", [("必須要件", reqs(Importance.required)), ("歓迎要件", reqs(Importance.preferred))]),
        ("5 選考方法", [("選考方法", selection)]),
        ("6 応募方法", [
            ("応募締切", ja.format_deadline(d.deadline) + "必着"),
            ("募集経路", channels),
        ]),
        ("7 問合せ先", [("問合せ先", contact)] + ([("備考", d.notes)] if d.notes else [])),
    ]


def posting_markdown(posting: Posting) -> str:
    """The same fields as Markdown (the body of the officer's mail)."""
    title = f"{posting.details.municipality.name} {posting.role.title} 募集要項（標準募集様式）"
    out = [f"# {title}", "", "| 項目 | 内容 |", "|---|---|"]
    for _, rows in posting_rows(posting):
        for k, v in rows:
            text = "、".join(v) if isinstance(v, list) else v
            out.append(f"| {k} | {text.replace('|', '｜')} |")
    return "\n".join(out) + "\n"


def posting_document(posting: Posting, *, pdf: bool = True, doc_id: str = "") -> Rendered:
    m = posting.details.municipality
    title = f"{m.name} {posting.role.title} 募集要項"
    return render("posting", "posting.html.j2", title, pdf=pdf, posting=posting,
                  sections=posting_rows(posting), doc_id=doc_id)


# ---------------------------------------------------------------- 2. 誓約書


@dataclass(frozen=True)
class PledgeGroup:
    rule: str
    items: list[tuple[str, str, str]]  # (code, label, text)


def pledge_groups(required: list[tuple[str, str]]) -> list[PledgeGroup]:
    """``[(item, rule), ...]`` (``PledgeRequested.items``) grouped by rule, worded."""
    from domain.pledges import label_ja

    groups: dict[str, PledgeGroup] = {}
    for item, rule in required:
        g = groups.setdefault(rule, PledgeGroup(rule=rule, items=[]))
        g.items.append((item, label_ja(item), PLEDGE_TEXT.get(item, label_ja(item))))
    return list(groups.values())


def pledge_document(
    *, municipality: Any, title_of_post: str, form: str, appointee_name: str | None,
    required: list[tuple[str, str]], signed_on: date | None, deadline: datetime | None,
    pdf: bool = True, doc_id: str = "",
) -> Rendered:
    """誓約書 for one appointment form (R-PLEDGE-1/2); signed, it shows the signing day."""
    title = "誓約書"
    return render(
        "pledge", "pledge.html.j2", title, pdf=pdf, m=municipality, issuer=_issuer(municipality),
        post=title_of_post, form=form, form_ja=ja.label("form", form),
        intro=FORMS[form]["pledge_intro"].format(post=title_of_post, form=ja.label("form", form)),
        name=appointee_name, erased=appointee_name is None, groups=pledge_groups(required),
        signed_on=signed_on, deadline=deadline, doc_id=doc_id,
    )


# ---------------------------------------------------------------- 3. 内定通知書 / 不採用通知


def offer_letter(
    *, municipality: Any, title_of_post: str, applicant_name: str | None, terms: Any,
    expires_at: datetime | None, issued_on: date, pledges: list[tuple[str, str]],
    pdf: bool = True, doc_id: str = "",
) -> Rendered:
    return render(
        "offer", "offer.html.j2", "内定通知書", pdf=pdf, m=municipality,
        issuer=_issuer(municipality), post=title_of_post, name=applicant_name,
        form_ja=ja.label("form", terms.form.value), basis=FORMS[terms.form.value]["basis"],
        term=term_text(terms.term.start, terms.term.end),
        pay=pay_text(terms.pay.amount_yen, terms.pay.unit, terms.pay.note),
        duties=[d.text for d in terms.duties], expires_at=expires_at, issued_on=issued_on,
        pledges=pledge_groups(pledges), doc_id=doc_id,
    )


def rejection_letter(
    *, municipality: Any, title_of_post: str, applicant_name: str | None, reason_code: str | None,
    give_reason: bool, issued_on: date, pdf: bool = True, doc_id: str = "",
) -> Rendered:
    """不採用通知; the reason code's Japanese wording only when the municipality gives it."""
    reason = ja.label("reason", reason_code) if (give_reason and reason_code) else None
    return render(
        "rejection", "rejection.html.j2", "選考結果について（通知）", pdf=pdf, m=municipality,
        issuer=_issuer(municipality), post=title_of_post, name=applicant_name, reason=reason,
        reason_code=reason_code if give_reason else None, issued_on=issued_on, doc_id=doc_id,
    )


# ---------------------------------------------------------------- 4. 辞令 / 委嘱状 / 契約条項


def appointment_notice(appointed: Any, *, title_of_post: str, issued_on: date,
                       pdf: bool = True, doc_id: str = "") -> Rendered:
    """By form: 任用通知書（辞令）, 委嘱状, or 業務委託契約の条項一覧 (R-FORM-1..4)."""
    t = appointed.terms
    form = t.form.value
    spec = FORMS[form]
    base = set(default_policy().pledges.base.items)
    pledges = [(p, "R-PLEDGE-1" if p in base else "R-PLEDGE-2") for p in appointed.pledges_signed]
    return render(
        spec["notice"], f"{spec['notice']}.html.j2", spec["notice_title"], pdf=pdf,
        m=appointed.municipality, issuer=_issuer(appointed.municipality), post=title_of_post,
        name=appointed.appointee_name, employer=appointed.appointee_employer,
        form=form, form_ja=ja.label("form", form), basis=spec["basis"],
        term=term_text(t.term.start, t.term.end), term_start=t.term.start,
        pay=pay_text(t.pay.amount_yen, t.pay.unit, t.pay.note), duties=[d.text for d in t.duties],
        initiatives=[INITIATIVE_NAMES_JA[i] for i in t.initiatives],
        clauses=CONTRACT_CLAUSES, pledges=pledge_groups(pledges), issued_on=issued_on,
        appointment_id=appointed.appointment_id, doc_id=doc_id,
    )



# ---------------------------------------------------------------- 5. 特別交付税 算定資料

PAYMENT_KIND_JA = {
    "remuneration": "報酬", "term_end_allowance": "期末手当", "outsourcing_fee": "委託料",
    "agency_fee": "民間人材紹介会社手数料", "advertising": "広告費", "other": "その他",
}


def _fy(day: date) -> int:
    from domain.fiscal import fiscal_year_of

    return fiscal_year_of(day)


def subsidy_lines(document: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    """The year's costs line by line: counted or left out, and the rule that decided."""
    fy = document["fiscal_year"]
    eligible_forms = {f.value for f in default_policy().measures.appointment.eligible_payments}
    counted = (assessment.get("appointment") or {}).get("counted_advisor")
    rows: list[dict[str, Any]] = []
    for a in document.get("advisors", []):
        kinds = default_policy().measures.appointment.eligible_payments.get(a["form"], ())
        for p in a.get("payments", []):
            day = date.fromisoformat(str(p.get("accrual_date") or p["date"]))
            if _fy(day) != fy:
                verdict, rule = f"除外（{ja.reiwa_year(_fy(day))}の経費）", "R-SUB-6"
            elif a["form"] not in eligible_forms:
                verdict, rule = f"除外（{ja.label('form', a['form'])}は対象外）", "R-SUB-2"
            elif p["kind"] not in kinds:
                verdict, rule = "除外（対象外の経費区分）", "R-SUB-2"
            elif counted is not None and a["id"] != counted:
                verdict, rule = "除外（1団体1名分）", "R-SUB-5"
            else:
                verdict, rule = "算入", "R-SUB-3"
            rows.append({"who": a["id"], "form": ja.label("form", a["form"]), "date": p["date"],
                         "kind": PAYMENT_KIND_JA.get(p["kind"], p["kind"]),
                         "amount": p["amount_yen"], "verdict": verdict, "rule": rule})
    rec_kinds = set(default_policy().measures.recruitment.eligible_cost_kinds)
    rec_rows: list[dict[str, Any]] = []
    for c in document.get("recruitment_costs", []):
        day = date.fromisoformat(str(c.get("accrual_date") or c["date"]))
        if _fy(day) != fy:
            verdict, rule = f"除外（{ja.reiwa_year(_fy(day))}の経費）", "R-SUB-6"
        elif c["kind"] not in rec_kinds:
            verdict, rule = "除外（対象外の経費区分）", "R-SUB-4"
        else:
            verdict, rule = "算入", "R-SUB-4"
        rec_rows.append({"date": c["date"], "kind": PAYMENT_KIND_JA.get(c["kind"], c["kind"]),
                         "amount": c["amount_yen"], "verdict": verdict, "rule": rule})
    return {"appointment_rows": rows, "recruitment_rows": rec_rows}


def subsidy_sheet(document: dict[str, Any], assessment: dict[str, Any], *, issued_on: date,
                  municipality: Any, recorded_total: int | None = None, pdf: bool = True,
                  doc_id: str = "") -> Rendered:
    """特別交付税 算定資料: the R-SUB computation of one fiscal year, for the prefecture."""
    fy = document["fiscal_year"]
    title = f"{ja.reiwa_year(fy)} CIO補佐官等の任用等に要する経費に係る特別交付税 算定資料"
    return render(
        "subsidy", "subsidy.html.j2", title, pdf=pdf, doc=document, a=assessment, fy=fy,
        m=municipality, issued_on=issued_on, recorded_total=recorded_total,
        doc_id=doc_id, **subsidy_lines(document, assessment),
    )


# ---------------------------------------------------------------- 6. 監査記録

ERASED = "[erased]"


def _summary(type_: str, data: dict[str, Any]) -> str:
    """A short Japanese line of what an event says (ids, codes, amounts; personal data as
    recorded, or 消去済み)."""
    parts: list[str] = []
    for key, ja_key in (("application_id", "応募"), ("applicant_id", "応募者"),
                        ("appointment_id", "任用"), ("name", "氏名"),
                        ("appointee_name", "氏名"), ("reason_code", "理由"),
                        ("outcome", "書類選考"), ("amount_yen", "金額"), ("fiscal_year", "年度"),
                        ("kind", "種別"), ("items", "誓約項目")):
        if key not in data:
            continue
        v = data[key]
        if v == ERASED:
            text = "消去済み"
        elif key == "amount_yen":
            text = ja.format_yen(int(v))
        elif key == "fiscal_year":
            text = ja.reiwa_year(int(v))
        elif key == "reason_code":
            text = ja.label("reason", v)
        elif key == "items" and isinstance(v, list):
            text = "、".join(ja.label("pledge_item", i if isinstance(i, str) else i.get("item", ""))
                            for i in v)
        else:
            text = str(v)
        parts.append(f"{ja_key}: {text}")
    for key in ("deadline", "expires_at", "scheduled_at"):
        if data.get(key):
            parts.append(f"期限: {ja.format_deadline(datetime.fromisoformat(data[key]))}")
    if "posting" in data and isinstance(data["posting"], dict):
        parts.append(f"職名: {data['posting']['role']['title']}")
    return "、".join(parts) or "—"


def _rules(data: dict[str, Any]) -> list[str]:
    found = ([data["rule"]] if isinstance(data.get("rule"), str) else []) + [
        r for r in data.get("rules") or [] if isinstance(r, str)]
    found += [w.get("code") for w in data.get("warnings") or [] if isinstance(w, dict)]
    return list(dict.fromkeys(c for c in found if c))


def audit_record(
    *, title_of_campaign: str, municipality: Any, events: list[Any], applicants: list[dict[str, Any]],
    verify: Any, checkpoint: Any | None, issued_at: datetime, pdf: bool = True, doc_id: str = "",
) -> Rendered:
    """監査記録: events (Japanese names, JST, 和暦), every applicant's outcome, the log check."""
    rows = []
    for e in events:
        meta = dict(e.metadata or {})
        rows.append({
            "position": e.position, "stream": streams.kind_of(e.stream_id),
            "at": ja.format_datetime(datetime.fromisoformat(e.data["at"]))
            if isinstance(e.data.get("at"), str) else "—",
            "recorded": ja.format_datetime(e.recorded_at), "type": ja.label("event_type", e.type),
            "type_code": e.type, "actor": meta.get("actor", "—"),
            "role": ja.label("role", meta.get("role", "")) if meta.get("role") else "—",
            "rules": "、".join(_rules(e.data)), "summary": _summary(e.type, e.data),
        })
    return render(
        "audit", "audit.html.j2", f"監査記録 {title_of_campaign}", pdf=pdf, m=municipality,
        rows=rows, applicants=applicants, verify=verify, checkpoint=checkpoint,
        issued_at=issued_at, doc_id=doc_id,
    )
