"""Spreadsheets in and out (``views.tabular``): cell types, formula safety, encodings,
merged headers and hostile files (issue 15)."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from views.tabular import (
    REIWA_FORMAT,
    WESTERN_FORMAT,
    YEN_FORMAT,
    Column,
    Sheet,
    TableError,
    read_table,
    workbook,
)

COLUMNS = [
    Column("経費ID"),
    Column("支払日（和暦）", "date_reiwa"),
    Column("支払日", "date"),
    Column("金額", "yen"),
    Column("摘要"),
]


def _xlsx(build) -> bytes:
    wb = Workbook()
    build(wb.active)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_dates_are_date_cells_in_reiwa_and_western_format_and_yen_a_formatted_number():
    data = workbook(
        [Sheet("経費", COLUMNS, [["k1", date(2026, 4, 1), date(2026, 4, 1), 300000, "報酬"]])]
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == ["経費ID", "支払日（和暦）", "支払日", "金額", "摘要"]
    reiwa, western, yen = ws["B2"], ws["C2"], ws["D2"]
    assert reiwa.is_date and reiwa.value.date() == date(2026, 4, 1)
    assert reiwa.number_format == REIWA_FORMAT
    assert western.is_date and western.number_format == WESTERN_FORMAT
    assert yen.data_type == "n" and yen.value == 300000 and yen.number_format == YEN_FORMAT


@pytest.mark.parametrize(
    "hostile", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
)
def test_text_that_could_run_as_a_formula_is_written_as_a_string_cell(hostile):
    data = workbook([Sheet("経費", COLUMNS, [[hostile, None, None, 1, hostile]])])
    ws = load_workbook(io.BytesIO(data)).active
    for cell in (ws["A2"], ws["E2"]):
        assert cell.data_type == "s" and cell.value == hostile
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere


def test_round_trip_through_read_table():
    data = workbook(
        [Sheet("経費", COLUMNS, [["k1", date(2026, 4, 1), date(2026, 5, 1), 1200, "=1+1"]])]
    )
    t = read_table(data, "costs.xlsx", known_headers=["経費ID", "金額"])
    assert t.headers == ["経費ID", "支払日（和暦）", "支払日", "金額", "摘要"]
    ((number, cells),) = t.rows
    assert number == 2
    assert cells[0] == "k1" and cells[2].date() == date(2026, 5, 1)
    assert cells[3] == 1200 and cells[4] == "=1+1"


def test_a_formula_cell_is_read_as_its_text_never_evaluated():
    def build(ws):
        ws.append(["経費ID", "金額"])
        ws.append(["k1", "=1000*3"])

    ((_, cells),) = read_table(_xlsx(build), "x.xlsx", known_headers=["経費ID", "金額"]).rows
    assert cells[1] == "=1000*3"


def test_merged_header_cells_above_the_header_row_are_skipped_and_merged_headers_spread():
    def build(ws):
        ws["A1"] = "令和8年度 任用経費一覧"
        ws.merge_cells("A1:D1")  # a merged title
        ws.append(["経費ID", "金額", "支払日", None])
        ws.merge_cells("C2:D2")  # a header merged over two columns
        ws.append(["k1", 5000, date(2026, 6, 1), date(2026, 6, 2)])

    t = read_table(_xlsx(build), "x.xlsx", known_headers=["経費ID", "金額", "支払日"])
    assert t.headers == ["経費ID", "金額", "支払日", "支払日"]
    assert [n for n, _ in t.rows] == [3]


def test_shift_jis_and_utf8_bom_csv():
    text = "経費ID,金額,摘要\r\nk1,3000,旅費（東京）\r\n"
    for data in (
        text.encode("cp932"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("utf-8"),
    ):
        t = read_table(data, "costs.csv", known_headers=["経費ID", "金額"])
        assert t.headers == ["経費ID", "金額", "摘要"]
        assert t.rows == [(2, ["k1", "3000", "旅費（東京）"])]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024)
        )  # 20 MB of zeros, 1000:1
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    start = time.perf_counter()
    with pytest.raises(TableError) as exc:
        read_table(data, "bomb.xlsx")
    assert exc.value.code == "IMPORT-ZIP-BOMB"
    assert time.perf_counter() - start < 1.0


def test_a_million_row_csv_is_refused_quickly():
    data = b"\xe7\xb5\x8c\xe8\xb2\xbbID,amount\n" + b"k,1\n" * 1_000_000  # 4 MB
    start = time.perf_counter()
    with pytest.raises(TableError) as exc:
        read_table(data, "big.csv")
    assert exc.value.code == "IMPORT-TOO-MANY-ROWS"
    assert time.perf_counter() - start < 5.0


def test_an_xlsx_past_the_row_limit_is_refused_by_streaming_not_loading():
    from openpyxl import Workbook as W

    wb = W(write_only=True)
    ws = wb.create_sheet()
    ws.append(["経費ID", "金額"])
    for i in range(25_000):  # past the limit is enough to prove the streamed refusal
        ws.append([f"k{i}", i])
    out = io.BytesIO()
    wb.save(out)
    start = time.perf_counter()
    with pytest.raises(TableError) as exc:
        read_table(out.getvalue(), "big.xlsx")
    assert exc.value.code == "IMPORT-TOO-MANY-ROWS"
    assert time.perf_counter() - start < 10.0


def test_an_oversized_upload_is_refused_unread():
    with pytest.raises(TableError) as exc:
        read_table(b"a" * (11 * 1024 * 1024), "x.csv")
    assert exc.value.code == "IMPORT-FILE-TOO-LARGE"


async def test_five_thousand_rows_are_planned_in_one_streamed_pass():
    """The size a year of a prefecture's cost records reaches (timing in docs/data-import.md)."""
    from domain.commands import Actor
    from views.costs_io import cost_workbook, plan_import

    rows = [
        [
            "073024",
            f"ap{i % 50}",
            f"c{i}",
            "報酬",
            100000 + i,
            date(2026, 4, 1),
            date(2026, 4, 1),
            None,
            "令和8年度",
            f"摘要{i}",
        ]
        for i in range(5000)
    ]
    data = cost_workbook(rows)
    start = time.perf_counter()
    plan = await plan_import(
        data, "costs.xlsx", municipality="073024", actor=Actor(id="i", role="hr_officer")
    )
    assert len(plan.commands) == 5000 and plan.errors == []
    assert time.perf_counter() - start < 30  # ~1.5 s on the 2-core sandbox under load
