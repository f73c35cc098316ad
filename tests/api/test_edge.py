"""Issue 10 points 3, 7, 8, 9 at the HTTP edge: bad input answers 422 JSON naming every
bad field (nothing reaches Temporal), a huge body 413, and no error is text/plain."""

from __future__ import annotations

import pytest

from tests.api.conftest import OWN
from tests.api.flow import MUNICIPALITY, define_body


@pytest.fixture
def api(temporal_api):
    """The app on a dev server: a 422 (not 404 for the unknown campaign c1) shows the
    refusal came before any call to Temporal."""
    return temporal_api.http


def _fields(r) -> set[tuple[str | None, str]]:
    body = r.json()["error"]
    return {(e["field"], e["code"]) for e in body["errors"]}


async def test_point_3_a_nul_in_a_note_is_refused_at_the_edge(api, tokens):
    r = await api.post(f"/recruitments/{OWN}/c1/readiness", json={"item": 1, "note": "a\u0000b"},
                        headers=tokens("hr_officer"))
    assert r.status_code == 422, r.text
    assert _fields(r) == {("note", "VAL-TEXT-CONTROL")}


async def test_point_7_every_bad_field_is_listed_at_once(api, tokens):
    body = {"cost_id": "../x", "cost_kind": "advertising", "amount_yen": True,
            "paid_on": "0001-01-01", "note": "\u202e"}
    r = await api.post(f"/recruitments/{OWN}/c1/costs", json=body, headers=tokens("hr_officer"))
    assert r.status_code == 422, r.text
    assert _fields(r) == {("cost_id", "VAL-ID"), ("amount_yen", "VAL-MONEY"),
                          ("paid_on", "VAL-DATE"), ("note", "VAL-TEXT-BIDI")}
    assert r.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("amount", [10**30, 2**63, "1000"])
async def test_point_7_absurd_money_is_refused(api, tokens, amount):
    body = {"cost_id": "k1", "cost_kind": "advertising", "amount_yen": amount,
            "paid_on": "2026-05-01"}
    r = await api.post(f"/recruitments/{OWN}/c1/costs", json=body, headers=tokens("hr_officer"))
    assert r.status_code == 422 and _fields(r) == {("amount_yen", "VAL-MONEY")}


@pytest.mark.parametrize("campaign_id", ["a:b", "../x", "a/b", "x" * 65])
async def test_point_7_campaign_ids_are_words(api, tokens, campaign_id):
    r = await api.post("/recruitments", json=define_body(campaign_id),
                        headers=tokens("hr_officer"))
    assert r.status_code == 422, r.text
    assert ("campaign_id", "VAL-ID") in _fields(r)


@pytest.mark.parametrize("code,problem", [("074080\n", "VAL-MUNI-FORMAT"),
                                          ("０７４０８０", "VAL-MUNI-FORMAT"),
                                          ("074081", "VAL-MUNI-CHECK"),
                                          ("073024", "VAL-MUNI-UNKNOWN")])
async def test_point_9_municipality_codes_in_the_body(api, tokens, code, problem):
    muni = {**MUNICIPALITY, "code": code}
    r = await api.post("/recruitments", json=define_body("c1", muni),
                        headers=tokens("hr_officer", "074080"))
    assert r.status_code == 422, r.text
    assert ("municipality.code", problem) in _fields(r)


@pytest.mark.parametrize("code", ["０７４０８０", "074081"])
async def test_point_9_municipality_codes_in_the_path(http, tokens, code):
    r = await http.get(f"/recruitments/{code}/c1", headers=tokens("auditor"))
    assert r.status_code in (404, 422), r.text  # no token can name such a code
    assert r.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("at", ["9999-12-31", "9999-12-31T23:59:59-12:00",
                                "0001-01-01T00:00:00+14:00"])
async def test_point_8_as_of_year_9999_is_a_json_4xx(http, tokens, store, at):
    from tests.api.test_audit import _campaign

    stream, _ = await _campaign(store)
    r = await http.get(f"/audit/streams/{stream}/as-of",
                       params={"at": at}, headers=tokens("auditor"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert _fields(r) == {("at", "VAL-DATE")}


async def test_point_8_a_huge_body_is_413_json(api, tokens):
    big = {"item": 1, "note": "x" * (2 * 1024 * 1024)}
    r = await api.post(f"/recruitments/{OWN}/c1/readiness", json=big,
                        headers=tokens("hr_officer"))
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "body_too_large"


async def test_point_2_a_three_megabyte_name_never_reaches_the_workflow(api, tokens):
    from tests.api.flow import application_body

    body = application_body("a1") | {"name": "山" * (3 * 1024 * 1024 // 3)}
    r = await api.post(f"/recruitments/{OWN}/c1/applications", json=body,
                        headers=tokens("hr_officer"))
    assert r.status_code in (413, 422), r.text


def test_point_8_grpc_message_larger_than_max_is_413_not_busy():
    from temporalio.service import RPCError, RPCStatusCode

    from api.gateway import rpc_error as _rpc_error

    big = RPCError("grpc: received message larger than max (10485760 vs. 4194304)",
                   RPCStatusCode.RESOURCE_EXHAUSTED, b"")
    busy = RPCError("namespace rate limit exceeded", RPCStatusCode.RESOURCE_EXHAUSTED, b"")
    assert (_rpc_error(big).status, _rpc_error(big).code) == (413, "payload_too_large")
    assert (_rpc_error(busy).status, _rpc_error(busy).code) == (429, "busy")
