"""POST /assessments/shares (R-SHARE, issue 14): the three-town fixture through the API;
a share period not summing to 100 % is refused with its rule code."""

from __future__ import annotations

from tests.unit.test_sharing import fy2024_costs, three_towns


def _doc() -> dict:
    return {"fiscal_year": 2024, "joint": three_towns().model_dump(mode="json"),
            "costs": [c.model_dump(mode="json") for c in fy2024_costs()]}


async def test_R_SHARE_each_towns_claim_shows_its_share_through_the_api(http, tokens):
    r = await http.post("/assessments/shares", json=_doc(), headers=tokens("hr_officer"))
    assert r.status_code == 200, r.text
    by = {m["member"]: m for m in r.json()["members"]}
    assert {k: v["share_total_yen"] for k, v in by.items()} == {
        "town-a": 1_583_471, "town-b": 1_583_266, "town-c": 683_265}
    assert {k: v["assessment"]["total_measure_yen"] for k, v in by.items()} == {
        "town-a": 791_735, "town-b": 791_633, "town-c": 341_632}


async def test_R_SHARE_1_refused_with_its_code_and_a_japanese_message(http, tokens):
    doc = _doc()
    doc["joint"]["periods"][1]["shares"][2]["percent"] = "30"
    r = await http.post("/assessments/shares", json=doc, headers=tokens("coordinator"))
    assert r.status_code == 409, r.text  # a rule refused (documented), not malformed input
    err = r.json()["error"]
    assert err["code"] == "R-SHARE-1"
    assert "100" in err["message"]
