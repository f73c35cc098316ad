"""Every document renders to HTML and PDF from the event log, in Japanese (read back with
pypdf), with 令和 dates, 月額 pay and the deadline as 令和N年M月D日（曜）17時; issuing one
records its SHA-256 in a DocumentIssued event."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from documents import sources
from documents.fonts import font_path
from documents.render import HTML, PDF
from documents.sources import Subject
from domain.appointment_lifecycle import decide as decide_appointment
from domain.commands import RecordCost
from domain.events import CostKind, parse_event
from domain.i18n import label
from domain.state import fold_appointment
from domain.values import AppointmentForm
from tests.documents.conftest import M, pdf_text, write
from tests.unit import lifecycle_builders as lb


def test_the_font_comes_from_a_wheel_not_the_system():
    path = font_path()
    assert "site-packages" in str(path) and path.name.startswith("ipaexg")


async def test_R_POST_2_posting_has_every_standard_format_field(seeded):
    doc, _ = await sources.build(seeded.store, "posting", Subject(M, campaign="c1"))
    text = pdf_text(doc.pdf)
    for field in ("団体名", "団体コード", "都道府県", "人口", "職名", "人材像", "業務内容",
                  "関与するDXの取組", "任用形態", "勤務日数（月）", "リモート勤務", "副業・兼業",
                  "報酬", "任期", "必須要件", "歓迎要件", "選考方法", "応募締切", "募集経路",
                  "問合せ先"):
        assert field in text, field
        assert f"<th>{field}</th>" in doc.html, field
    assert "酒田市 CIO補佐官 募集要項" in text and "062049" in text
    assert "300,000円（月額）" in text  # not "300,000円/month"
    assert "令和6年7月1日から令和7年3月31日まで" in text
    # deadline 2024-05-01 00:00 UTC = 09:00 JST on Wednesday 1 May 2024
    assert "令和6年5月1日（水）9時必着" in text
    assert "特別職非常勤職員（地方公務員法第3条第3項第3号）" in text
    assert "民間人材紹介会社（Example Agency）" in text


async def test_R_PLEDGE_1_2_pledge_lists_the_required_items_name_and_signing_line(seeded):
    doc, _ = await sources.build(seeded.store, "pledge", Subject(M, campaign="c1", application="a1"))
    text = pdf_text(doc.pdf)
    assert "誓約書" in text and "山田 太郎" in text and "酒田市長" in text
    for item in ("任用及び解職に関する事項", "信用失墜行為の禁止", "守秘義務", "職務専念義務",  # R-PLEDGE-1
                 "利益相反行為の禁止", "兼業先の開示", "保有株式・保有知的財産権等の開示",
                 "入札制限への協力"):  # R-PLEDGE-2: for-profit employer, advises on procurement
        assert item in text, item
    assert "R-PLEDGE-1" in text and "R-PLEDGE-2" in text
    assert "住所" in text and "氏名" in text and "印" in text
    # signed: the signed state records the day it was signed (in the log)
    assert "署名済み" in text and "令和6年" in text
    # the same pledge through the appointment
    again, _ = await sources.build(seeded.store, "pledge", Subject(M, appointment="ap1"))
    assert again.html == doc.html


async def test_offer_and_rejection_letters(seeded):
    offer, _ = await sources.build(seeded.store, "offer", Subject(M, campaign="c1", application="a1"))
    text = pdf_text(offer.pdf)
    assert "内定通知書" in text and "山田 太郎" in text and "300,000円（月額）" in text
    assert "回答期限" in text and "（" in text and "時" in text
    silent, _ = await sources.build(seeded.store, "rejection",
                                    Subject(M, campaign="c1", application="a2"))
    told, _ = await sources.build(seeded.store, "rejection",
                                  Subject(M, campaign="c1", application="a2"), give_reason=True)
    assert "採用を見送らせていただく" in pdf_text(silent.pdf)
    wording = label("reason", "requirements_not_met")  # the reason code's Japanese wording
    assert wording != "requirements_not_met"
    assert "理由" not in pdf_text(silent.pdf) and wording not in pdf_text(silent.pdf)
    assert f"理由 {wording}" in pdf_text(told.pdf)


async def test_R_FORM_appointment_notice_by_form(seeded):
    doc, _ = await sources.build(seeded.store, "appointment_notice", Subject(M, appointment="ap1"))
    text = pdf_text(doc.pdf)
    assert doc.kind == "commission" and "委嘱状" in text  # special part-time: 委嘱
    assert "山田 太郎" in text and "令和6年7月1日から令和7年3月31日まで" in text


def test_R_FORM_outsourcing_gets_contract_clauses_and_fixed_term_an_order(seeded):
    from documents import kinds

    c = seeded.campaign
    appointed = next(e for e in c.events if type(e).__name__ == "Appointed")
    for form, title, must in (
        ("outsourcing", "業務委託契約の条項一覧", ("守秘義務", "公平性・透明性の確保", "R-FORM-3")),
        ("specific_fixed_term", "任用通知書（辞令）", ("任用する", "地方公共団体の一般職の任期付職員")),
    ):
        terms = appointed.terms.model_copy(update={"form": AppointmentForm(form)})
        doc = kinds.appointment_notice(appointed.model_copy(update={"terms": terms}),
                                       title_of_post="CIO補佐官", issued_on=date(2024, 6, 1))
        text = pdf_text(doc.pdf)
        assert title in text, form
        for m in must:
            assert m in text, (form, m)


async def test_R_SUB_computation_line_by_line_with_what_was_left_out(seeded):
    store = seeded.store
    recorded = await store.read_stream(f"appointment:{M}:ap1")
    state = fold_appointment([parse_event(e.type, e.data, e.schema_version) for e in recorded])
    now = datetime(2025, 4, 15, tzinfo=UTC)
    costs = []
    for i, (paid, amount) in enumerate(((date(2024, 7, 31), 300_000), (date(2024, 8, 31), 300_000),
                                        (date(2025, 4, 10), 300_000))):
        costs += decide_appointment(state, RecordCost(
            actor=lb.OFFICER,
            cost_id=f"k{i}", cost_kind=CostKind.remuneration, amount_yen=amount, paid_on=paid),
            now)
    await _write_appointment(store, costs)
    doc, _ = await sources.build(store, "subsidy", Subject(M, fiscal_year=2024))
    text = pdf_text(doc.pdf)
    assert "令和6年度" in text and "算定資料" in text
    assert "600,000円" in text and "300,000円" in text  # eligible cost, measure (0.5)
    assert "R-SUB-3" in text and "R-SUB-4" in text
    # a payment of another fiscal year is not listed here (load_costs keeps the year's),
    # and the sheet says which rules decided
    assert "算入" in text


async def _write_appointment(store, events) -> None:
    from domain.events import event_payload
    from eventstore import NewEvent

    for e in events:
        type_, version, data = event_payload(e)
        await store.append(f"appointment:{M}:ap1", None, [NewEvent(
            type=type_, data=data, schema_version=version,
            metadata={"actor": e.by, "role": "hr_officer", "municipality": M})],
            stream_type="appointment")


async def test_audit_record_every_applicant_verification_and_erased_person(seeded):
    store = seeded.store
    doc, _ = await sources.build(store, "audit", Subject(M, campaign="c1"))
    text = pdf_text(doc.pdf)
    assert "監査記録" in text and "改ざんなし（検証成功）" in text and "Ed25519" in text
    for type_ in ("ApplicationReceived", "DocumentScreeningCompleted", "ApplicantRejected",
                  "Appointed", "PledgeSigned", "PostingPublished"):
        name = label("event_type", type_)
        assert name != type_ and name in text, name  # Japanese event names, not type codes
        assert type_ not in text
    assert "a1" in text and "a2" in text and "任用" in text and "不採用" in text
    assert "令和6年" in text and "日本時間" in text
    assert '"type"' not in doc.html and "{" not in text  # tables, not JSON
    assert "山田 太郎" in text
    await store.forget("person-a2")
    after, _ = await sources.build(store, "audit", Subject(M, campaign="c1"))
    after_text = pdf_text(after.pdf)
    assert "消去済み" in after_text
    assert after_text.count("山田 太郎") < text.count("山田 太郎")  # a2's name is gone


async def test_issuing_records_the_sha256_once_per_document(seeded):
    store = seeded.store
    subj = Subject(M, campaign="c1")
    doc, pos = await sources.build(store, "posting", subj)
    sha = await sources.issue(store, doc, subj, media_type=PDF, source_position=pos)
    assert sha == hashlib.sha256(doc.pdf).hexdigest()
    again, _ = await sources.build(store, "posting", subj)
    assert again.pdf == doc.pdf  # rendering is deterministic: the PDF in hand can be checked
    await sources.issue(store, again, subj, media_type=PDF, source_position=pos)
    await sources.issue(store, again, subj, media_type=HTML, source_position=pos)
    issued = await store.read_stream(f"document:{M}:posting:c1")
    assert [(e.type, e.data["media_type"]) for e in issued] == [
        ("DocumentIssued", PDF), ("DocumentIssued", HTML)]
    assert issued[0].data["sha256"] == sha and issued[0].data["subject"] == f"recruitment:{M}:c1"
    assert (await store.verify()).ok


async def test_documents_not_in_the_log_are_not_available(store):
    import pytest

    await write(store, [])
    with pytest.raises(sources.DocumentNotAvailable):
        await sources.build(store, "posting", Subject(M, campaign="nope"))
