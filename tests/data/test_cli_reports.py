"""`ninyo report` (issue 14 point 5): the API's report documents from the CLI."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cli.main import app


def test_report_json_csv_and_region_from_the_cli(cli_db):
    r = CliRunner().invoke(app, ["report", "073024"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["municipality"] == "073024"
    assert doc["reference"]["own_website_average"] == 6

    r = CliRunner().invoke(app, ["report", "073024", "--csv", "channels"])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["channel", "applicants", "reference_applicants"]
    assert [x[2] for x in rows[-2:]] == ["247", "615"]

    r = CliRunner().invoke(app, ["report", "073024", "072010"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["region"]["municipalities"] == 2

    assert CliRunner().invoke(app, ["report", "73024"]).exit_code == 2
    assert CliRunner().invoke(app, ["report", "073024", "072010", "--csv", "channels"]).exit_code == 2
