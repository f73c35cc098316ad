"""Cost records out as .xlsx and back in (issue 15), on a real Temporal dev server:
export one appointment's costs through the API, import the file into another
municipality's appointment through the same workflow command the API sends, and get the
same records; a second run records nothing; a file with a bad row records nothing unless
the good rows are asked for; ``--dry-run`` writes nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from cli.data import temporal_sender
from domain import i18n
from domain.commands import Actor
from tests.api.conftest import OTHER, OWN
from tests.api.flow import Flow
from tests.temporal_env import eventually
from views import costs_io
from views.tabular import XLSX_MEDIA_TYPE

OFFICER = Actor(id="importer-1", role="hr_officer")


def _costs(store_events) -> list[tuple]:
    return sorted(
        (
            e.data["cost_id"],
            e.data["kind"],
            e.data["amount_yen"],
            e.data["paid_on"],
            e.data["fiscal_year"],
            e.data["note"],
        )
        for e in store_events
        if e.type == "CostRecorded"
    )


@pytest.fixture(scope="module")
async def appointments(temporal_api, tokens):
    source = await Flow(temporal_api.http, tokens, OWN).appointed()
    target = await Flow(temporal_api.http, tokens, OTHER).appointed()
    return source, target


async def test_export_then_import_into_another_municipality_gives_the_same_costs(
    temporal_api, tokens, store, appointments
):
    http, (source, target) = temporal_api.http, appointments
    paid = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    for cost_id, kind, amount, note in (
        ("c-1", "remuneration", 300000, "4月分報酬"),
        ("c-2", "other", 12800, '=HYPERLINK("x")'),
    ):
        r = await http.post(
            f"/appointments/{OWN}/{source.appointment}/costs",
            json={
                "cost_id": cost_id,
                "cost_kind": kind,
                "amount_yen": amount,
                "paid_on": paid,
                "note": note,
            },
            headers=tokens("hr_officer", OWN),
        )
        assert r.status_code == 200, r.text

    r = await http.get(
        f"/exports/{OWN}/costs",
        params={"appointment": source.appointment},
        headers={**tokens("auditor", OWN), "Accept": XLSX_MEDIA_TYPE},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX_MEDIA_TYPE
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "団体コード" and ws["E1"].value == "金額"
    assert ws["E2"].number_format == '#,##0"円"' and ws["F2"].is_date
    assert all(c.data_type == "s" for c in ws["J"])  # the formula-looking note is text

    # the officer re-targets the sheet at the other municipality's appointment
    for row in ws.iter_rows(min_row=2):
        row[0].value, row[1].value = OTHER, target.appointment
    buf = io.BytesIO()
    ws.parent.save(buf)
    data = buf.getvalue()

    stream = f"appointment:{OTHER}:{target.appointment}"
    before = await store.stream_version(stream)
    dry = await costs_io.plan_import(
        data, "costs.xlsx", municipality=OTHER, actor=OFFICER, store=store
    )
    assert dry.errors == [] and len(dry.commands) == 2
    assert await store.stream_version(stream) == before  # the dry run wrote nothing

    send = temporal_sender(temporal_api.client)
    result = await costs_io.apply_import(dry, send)
    assert sorted(result.recorded) == [2, 3] and result.errors == []
    assert _costs(await store.read_stream(stream)) == _costs(
        await store.read_stream(f"appointment:{OWN}:{source.appointment}")
    )
    imported = [e for e in await store.read_stream(stream) if e.type == "CostRecorded"]
    assert {e.metadata["actor"] for e in imported} == {"importer-1"}

    # idempotent per row: the same file again records nothing
    version = await store.stream_version(stream)
    again = await costs_io.apply_import(
        await costs_io.plan_import(
            data, "costs.xlsx", municipality=OTHER, actor=OFFICER, store=store
        ),
        send,
    )
    assert again.recorded == [] and sorted(again.already) == [2, 3]
    assert await store.stream_version(stream) == version


async def test_one_bad_row_imports_nothing_unless_the_good_rows_are_asked_for(
    temporal_api, tokens, store
):
    # its own appointment: the costs it records must not reach the export/import test's
    # target, whichever runs first (pytest-randomly)
    target = await Flow(temporal_api.http, tokens, OTHER).appointed()
    # the appointment workflow writes its first event after the campaign appoints
    stream = f"appointment:{OTHER}:{target.appointment}"
    assert await eventually(lambda: store.stream_version(stream))
    paid = (datetime.now(UTC) - timedelta(days=2)).date()
    reiwa = f"令和{paid.year - 2018}年{paid.month}月{paid.day}日"
    csv_text = (
        "団体コード,任用ID,経費ID,経費の種類,金額,支払日,摘要\r\n"
        f'{OTHER},{target.appointment},sj-1,報酬,"150,000",{reiwa},5月分\r\n'
        f"{OTHER},{target.appointment},sj-2,謝礼,abc,{paid:%Y/%m/%d},\r\n"
    )
    data = csv_text.encode("cp932")  # what Japanese Excel writes
    stream = f"appointment:{OTHER}:{target.appointment}"
    send = temporal_sender(temporal_api.client)

    plan = await costs_io.plan_import(
        data, "costs.csv", municipality=OTHER, actor=OFFICER, store=store
    )
    assert [(e.row, e.column, e.code) for e in plan.errors] == [
        (3, "経費の種類", "IMPORT-COST-KIND"),
        (3, "金額", "IMPORT-YEN"),
    ]
    assert "謝礼" in plan.errors[0].message and "金額" in plan.errors[1].message
    version = await store.stream_version(stream)
    refused = await costs_io.apply_import(plan, send)
    assert not refused.sent and refused.recorded == []
    assert await store.stream_version(stream) == version

    partial = await costs_io.apply_import(plan, send, good_rows=True)
    assert partial.recorded == [2]
    (event,) = [
        e
        for e in await store.read_stream(stream)
        if e.type == "CostRecorded" and e.data["cost_id"] == "sj-1"
    ]
    assert event.data["amount_yen"] == 150000 and event.data["paid_on"] == paid.isoformat()


async def test_a_row_for_an_unknown_appointment_is_a_row_error_of_the_dry_run(store):
    csv_text = f"団体コード,任用ID,経費の種類,金額,支払日\n{OWN},nope,報酬,1000,2026-04-01\n"
    plan = await costs_io.plan_import(
        csv_text.encode(), "x.csv", municipality=OWN, actor=OFFICER, store=store
    )
    assert [(e.row, e.column, e.code) for e in plan.errors] == [(2, "任用ID", "IMPORT-APPOINTMENT")]


async def test_campaigns_export_as_xlsx_with_stage_labels_and_deadline_date_cells(
    temporal_api, tokens, appointments
):
    source, _ = appointments
    r = await temporal_api.http.get(
        f"/exports/{OWN}/campaigns", params={"format": "xlsx"}, headers=tokens("approver", OWN)
    )
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:5] == ["募集ID", "職名", "人材像", "任用形態", "段階"]
    (row,) = [row for row in ws.iter_rows(min_row=2) if row[0].value == source.campaign]
    assert row[4].value == i18n.label("stage", "appointed") != "appointed"
    assert row[5].is_date and row[7].value == 1 and row[8].value == source.appointment


async def test_applicants_export_carries_personal_data_only_for_roles_that_may_read_it(
    temporal_api, tokens, store, appointments
):
    source, _ = appointments
    path = f"/exports/{OWN}/campaigns/{source.campaign}/applicants"
    officer = await temporal_api.http.get(path, headers=tokens("hr_officer", OWN))
    approver = await temporal_api.http.get(path, headers=tokens("approver", OWN))
    assert officer.status_code == approver.status_code == 200
    assert "氏名" in officer.json()["columns"] and "氏名" not in approver.json()["columns"]
    (app_row,) = officer.json()["rows"]
    name = app_row[officer.json()["columns"].index("氏名")]
    assert name
    xlsx = await temporal_api.http.get(
        path, params={"format": "xlsx"}, headers=tokens("approver", OWN)
    )
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert all(name not in str(c.value) for row in ws.iter_rows() for c in row)
    unknown = await temporal_api.http.get(
        f"/exports/{OWN}/campaigns/nope/applicants", headers=tokens("hr_officer", OWN)
    )
    assert unknown.status_code == 404


async def test_appointments_export_names_the_appointee_only_for_roles_that_may_read_it(
    temporal_api, tokens, appointments
):
    source, _ = appointments
    officer = await temporal_api.http.get(
        f"/exports/{OWN}/appointments", headers=tokens("hr_officer", OWN)
    )
    approver = await temporal_api.http.get(
        f"/exports/{OWN}/appointments", headers=tokens("approver", OWN)
    )
    assert officer.status_code == approver.status_code == 200, officer.text
    cols = officer.json()["columns"]
    assert "氏名" in cols and "氏名" not in approver.json()["columns"]
    (row,) = [r for r in officer.json()["rows"] if r[0] == source.appointment]
    assert row[cols.index("募集ID")] == source.campaign and row[cols.index("氏名")]
    xlsx = await temporal_api.http.get(
        f"/exports/{OWN}/appointments",
        headers={**tokens("auditor", OWN), "Accept": XLSX_MEDIA_TYPE},
    )
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    (cells,) = [r for r in ws.iter_rows(min_row=2) if r[0].value == source.appointment]
    assert cells[4].is_date and cells[4].number_format.startswith("[$-ja-JP-x-gannen]")
    assert cells[9].number_format == '#,##0"円"'


async def test_claims_export_lists_each_fiscal_year_in_reiwa(
    temporal_api, tokens, api_settings, appointments
):
    from datetime import timedelta as td

    from domain.values import Municipality
    from tests.api.flow import MUNICIPALITY
    from tests.temporal_env import eventually
    from workflows import ids
    from workflows.models import ClaimInput

    fy = 2031  # a year no other test of this module claims
    muni = Municipality.model_validate({**MUNICIPALITY, "code": OWN})
    await temporal_api.client.start_workflow(
        "SubsidyClaimWorkflow",
        ClaimInput(municipality=muni, fiscal_year=fy, settle=td(milliseconds=200)),
        id=ids.claim_id(OWN, fy),
        task_queue=api_settings.task_queue,
    )

    async def listed() -> list | None:
        r = await temporal_api.http.get(
            f"/exports/{OWN}/claims", params={"format": "json"}, headers=tokens("auditor", OWN)
        )
        assert r.status_code == 200, r.text
        assert r.json()["columns"] == ["年度", "段階", "請求額", "交付決定額"]
        rows = [row for row in r.json()["rows"] if row[0] == "令和13年度"]
        return rows if rows and rows[0][1] == i18n.label("claim_stage", "drafted") else None

    assert await eventually(listed, timeout=30)
    xlsx = await temporal_api.http.get(
        f"/exports/{OWN}/claims", params={"format": "xlsx"}, headers=tokens("auditor", OWN)
    )
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    (row,) = [r for r in ws.iter_rows(min_row=2) if r[0].value == "令和13年度"]
    assert row[2].data_type == "n" and row[2].number_format == '#,##0"円"'
