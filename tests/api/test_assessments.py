"""``POST /assessments/*`` answers the contracts.md examples exactly like ``ninyo assess``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from tests.unit.test_cli_assess import APPOINTMENT_IN, BID_IN, SUBSIDY_IN, SUBSIDY_OUT

# the contracts.md examples, shared with the CLI's own test
SUBSIDY, APPOINTMENT, BID = SUBSIDY_IN, APPOINTMENT_IN, BID_IN
EXAMPLES = {"subsidy": SUBSIDY, "appointment": APPOINTMENT, "bid": BID}


def _cli(kind: str, doc_text: str):
    return CliRunner().invoke(cli, ["assess", kind, "-"], input=doc_text)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
async def test_contract_examples_answer_exactly_like_the_cli(http, tokens, kind):
    text = json.dumps(EXAMPLES[kind], ensure_ascii=False)
    r = await http.post(f"/assessments/{kind}", content=text.encode(),
                        headers={**tokens("hr_officer"), "content-type": "application/json"})
    cli_result = _cli(kind, text)
    assert cli_result.exit_code == 0, cli_result.output
    assert r.status_code == 200
    assert r.json() == json.loads(cli_result.stdout)


async def test_subsidy_example_gives_the_contracts_numbers(http, tokens):
    body = (await http.post("/assessments/subsidy", json=SUBSIDY, headers=tokens("auditor"))).json()
    assert body == SUBSIDY_OUT


async def test_appointment_example_misses_the_R_PLEDGE_2_items(http, tokens):
    body = (await http.post("/assessments/appointment", json=APPOINTMENT,
                            headers=tokens("approver"))).json()
    assert body["valid"] is False
    assert {v["code"] for v in body["violations"]} == {"R-PLEDGE-2"}
    assert any(w["code"] == "R-READY" for w in body["warnings"])


async def test_bid_example_is_restricted_by_R_BID_B2(http, tokens):
    body = (await http.post("/assessments/bid", json=BID, headers=tokens("admin"))).json()
    assert (body["decision"], body["rule"], body["people"]) == ("restricted", "R-BID-B2", ["adv-1"])


@pytest.mark.parametrize("kind,doc_text", [
    ("subsidy", json.dumps({**SUBSIDY, "fiscal_year": "2023"})),
    ("subsidy", json.dumps({**SUBSIDY, "surprise": 1})),
    ("appointment", json.dumps({**APPOINTMENT, "term": {"start": "2024-04-01", "end": "2024-03-01"}})),
    ("bid", json.dumps({**BID, "rule_set": "Z"})),
    ("bid", "{not json"),
    ("subsidy", "[1, 2]"),
])
async def test_invalid_input_is_422_with_the_clis_error_document(http, tokens, kind, doc_text):
    r = await http.post(f"/assessments/{kind}", content=doc_text.encode(),
                        headers={**tokens("hr_officer"), "content-type": "application/json"})
    cli_result = _cli(kind, doc_text)
    assert cli_result.exit_code == 2
    assert r.status_code == 422
    assert r.json() == json.loads(cli_result.stderr)
    assert r.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"fiscal_year": ' + b"9" * 5000 + b"}", b"\xff\xfe"],
    ids=["nested-too-deeply", "integer-too-long", "not-utf8"],
)
async def test_unreadable_json_is_422_with_the_contract_error_not_a_crash(http, tokens, body):
    r = await http.post("/assessments/subsidy", content=body,
                        headers={**tokens("hr_officer"), "content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"


async def test_422_lists_every_bad_field_at_once_in_japanese(http, tokens):
    """Issue 11 point 6: one answer names every bad field (path + code), not the first."""
    doc = {"municipality": {"name": "", "kind": "metropolis", "prefecture": "福島県",
                            "population": -1},
           "fiscal_year": "2023", "advisors": [], "recruitment_costs": [], "extra": 1}
    r = await http.post("/assessments/subsidy", json=doc, headers=tokens("hr_officer"))
    assert r.status_code == 422
    err = r.json()["error"]
    fields = {(e["field"], e["code"]) for e in err["errors"]}
    assert {"municipality.name", "municipality.kind", "municipality.population", "fiscal_year",
            "extra"} <= {f for f, _ in fields}
    assert ("extra", "extra_forbidden") in fields
    assert "入力に誤りがあります" in err["message"] and "municipality.kind" in err["message"]
