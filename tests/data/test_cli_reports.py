"""`ninyo report` (issue 14 point 5): the API's report documents from the CLI."""

from __future__ import annotations

import base64
import csv
import io
import json
import os

import pytest
from typer.testing import CliRunner

from cli.main import app


@pytest.fixture
def report_db(pg_url, monkeypatch):
    """The CLI on this session's database (migrated), with the keys production requires."""
    from eventstore.migrate import upgrade
    from ninyo.settings import get_settings

    upgrade(pg_url)
    monkeypatch.setenv("NINYO_DATABASE_URL", pg_url)
    monkeypatch.setenv("NINYO_LOG_LEVEL", "WARNING")
    for name in ("NINYO_CHECKPOINT_SIGNING_KEY", "NINYO_DATA_MASTER_KEY", "NINYO_JWT_SECRET"):
        monkeypatch.setenv(name, base64.b64encode(os.urandom(32)).decode())
    get_settings.cache_clear()
    yield pg_url
    get_settings.cache_clear()


def test_report_json_csv_and_region_from_the_cli(report_db):
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
