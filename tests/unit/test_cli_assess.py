"""Every example of contracts.md through the real ``ninyo assess`` command (a subprocess)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from domain.policy import packaged_table
from tests.unit.contract_examples import APPOINTMENT_IN, BID_IN, SUBSIDY_IN, SUBSIDY_OUT

ROOT = Path(__file__).resolve().parents[2]
NINYO = ROOT / ".venv" / "bin" / "ninyo"
if not NINYO.exists():  # pragma: no cover - another venv layout
    NINYO = Path(sys.executable).parent / "ninyo"

def ninyo(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(NINYO), "assess", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=60, cwd=ROOT)


def write(tmp_path: Path, name: str, doc) -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), "utf-8")
    return str(path)


def test_cli_subsidy_contract_example_from_a_file(tmp_path):
    res = ninyo("subsidy", write(tmp_path, "subsidy.json", SUBSIDY_IN))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == SUBSIDY_OUT
    # one JSON document, pretty-printed, Japanese kept as is
    assert res.stdout.startswith('{\n  "fiscal_year": 2023')


def test_cli_appointment_contract_example_from_stdin():
    res = ninyo("appointment", "-", stdin=json.dumps(APPOINTMENT_IN, ensure_ascii=False))
    assert res.returncode == 0, res.stderr  # an invalid appointment is still an assessment
    out = json.loads(res.stdout)
    assert out["valid"] is False
    assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-PLEDGE-2", "pledges_signed")]
    assert [w["code"] for w in out["warnings"]] == ["R-READY"]
    assert "外部人材の活動内容" in res.stdout  # ensure_ascii=False


def test_cli_bid_contract_example():
    res = ninyo("bid", "-", stdin=json.dumps(BID_IN))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert {k: out[k] for k in ("decision", "rule", "people")} == {
        "decision": "restricted", "rule": "R-BID-B2", "people": ["adv-1"]}
    assert out["reason"]


@pytest.mark.parametrize("kind, stdin, field, code", [
    ("subsidy", "{not json", None, "invalid_input"),
    ("subsidy", json.dumps({k: v for k, v in SUBSIDY_IN.items() if k != "fiscal_year"}), "fiscal_year", "invalid_input"),
    ("bid", json.dumps(dict(BID_IN, procurement=dict(BID_IN["procurement"], published=20240701))),
     "procurement.published", "invalid_input"),
    ("appointment", json.dumps(dict(APPOINTMENT_IN, form="full_time")), "form", "invalid_input"),
])
def test_cli_invalid_input_exits_2_with_a_json_error(kind, stdin, field, code):
    res = ninyo(kind, "-", stdin=stdin)
    assert res.returncode == 2
    assert res.stdout == ""
    err = json.loads(res.stderr)["error"]
    assert err["code"] == code and err["field"] == field and err["message"]


def test_cli_policy_directory_extends_a_measure_without_code_change(tmp_path):
    measures = copy.deepcopy(packaged_table("measures"))
    measures["recruitment"]["terms"][0]["to_fiscal_year"] = 2026
    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    write(policy_dir, "measures.json", measures)
    doc = dict(SUBSIDY_IN, fiscal_year=2026,
               recruitment_costs=[{"date": "2026-04-20", "kind": "agency_fee", "amount_yen": 880000}], advisors=[])
    path = write(tmp_path, "fy2026.json", doc)
    assert json.loads(ninyo("subsidy", path).stdout)["eligible"] is False
    res = ninyo("subsidy", path, "--policy", str(policy_dir))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["recruitment"] == {"eligible_cost_yen": 880000, "measure_yen": 440000}


def test_cli_turn_2_fields_of_the_contract():
    """Issue 11: the contract's new fields through the real `ninyo assess`."""
    doc = copy.deepcopy(SUBSIDY_IN)
    doc["municipality"] = {"name": "さいたま市", "kind": "city", "prefecture": "埼玉県",
                           "population": 1340000, "designated_city": True}
    doc["fiscal_year"] = 2022
    doc["advisors"][0]["payments"] = [{"date": "2023-04-10", "accrual_date": "2023-03-31",
                                       "kind": "remuneration", "amount_yen": 300000}]
    doc["recruitment_costs"] = []
    res = ninyo("subsidy", "-", stdin=json.dumps(doc, ensure_ascii=False))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["appointment"]["eligible_cost_yen"] == 300000

    appt = {**copy.deepcopy(APPOINTMENT_IN), "form": "outsourcing", "pledges_signed": [],
            "contract_clauses": ["confidentiality"]}
    res = ninyo("appointment", "-", stdin=json.dumps(appt, ensure_ascii=False))
    out = json.loads(res.stdout)
    assert [(v["code"], v["field"]) for v in out["violations"]] == [("R-FORM-3", "contract_clauses")]

    bid = {**copy.deepcopy(BID_IN), "rule_set": "GL", "exemption": None}
    bid["procurement"]["spec_drafting_companies"] = [bid["bidder"]]
    res = ninyo("bid", "-", stdin=json.dumps(bid))
    assert json.loads(res.stdout)["decision"] == "exemption_possible"


def test_cli_invalid_input_lists_every_bad_field_in_japanese():
    doc = copy.deepcopy(SUBSIDY_IN)
    doc["fiscal_year"] = "2023"
    doc["municipality"]["kind"] = "metropolis"
    res = ninyo("subsidy", "-", stdin=json.dumps(doc, ensure_ascii=False))
    assert res.returncode == 2
    err = json.loads(res.stderr)["error"]
    assert {e["field"] for e in err["errors"]} == {"fiscal_year", "municipality.kind"}
    assert err["message"].startswith("入力に誤りがあります")
