"""`ninyo data ...` from the command line: the template and a dry run's Japanese errors."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from views.costs_io import COST_COLUMNS


def test_the_template_has_the_documented_japanese_headers(tmp_path):
    out = tmp_path / "template.xlsx"
    r = CliRunner().invoke(app, ["data", "template", "costs", str(out)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == [c.header for c in COST_COLUMNS]
    assert ws.max_row == 1


def test_a_dry_run_prints_row_errors_in_japanese_and_exits_1(tmp_path, cli_db):
    f = tmp_path / "costs.csv"
    f.write_bytes("任用ID,経費の種類,金額,支払日\nap1,報酬,-5,令和8年4月1日\n".encode("cp932"))
    r = CliRunner().invoke(app, ["data", "import", "costs", "073024", str(f), "--dry-run"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert doc["dry_run"] is True and doc["rows"] == 1 and doc["valid"] == 0
    assert [(e["row"], e["column"], e["code"]) for e in doc["errors"]] == [
        (2, "金額", "IMPORT-YEN")
    ]
    assert "0 以上の整数" in doc["errors"][0]["message"]


@pytest.mark.parametrize(
    "what, first_header",
    [
        (["costs", "073024"], "団体コード"),
        (["campaigns", "073024"], "募集ID"),
        (["appointments", "073024"], "任用ID"),
        (["claims", "073024"], "年度"),
    ],
)
def test_the_cli_exports_each_list_with_japanese_headers(tmp_path, cli_db, what, first_header):
    out = tmp_path / "x.xlsx"
    r = CliRunner().invoke(app, ["data", "export", *what, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert load_workbook(out).active["A1"].value == first_header


def test_a_hostile_file_is_refused_as_a_whole_with_exit_2(tmp_path, cli_db):
    f = tmp_path / "big.csv"
    f.write_bytes("任用ID,金額\n".encode() + b"a,1\n" * 30_000)
    r = CliRunner().invoke(app, ["data", "import", "costs", "073024", str(f), "--dry-run"])
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"]["code"] == "IMPORT-TOO-MANY-ROWS"
