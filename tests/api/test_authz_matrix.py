"""Authorisation matrix: every route x every role x own / another municipality.

The expected policy is written out here (docs/api.md), independently of the code: a role
that may not act gets 403, another municipality's objects answer 404 (like a missing one),
listings never show another municipality, and no refused write changes the event store.
Every operation of the OpenAPI document must appear in the table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.values import Municipality
from ninyo.auth import Role
from tests.api.conftest import OTHER, OWN
from tests.api.flow import MUNICIPALITY, Flow, define_body
from tests.temporal_env import eventually
from tests.unit.test_cli_assess import APPOINTMENT_IN, BID_IN, SUBSIDY_IN

HR, AP, AU, AD = Role.hr_officer, Role.approver, Role.auditor, Role.admin
CO = Role.coordinator  # issue 14: its region's progress, never personal data
ALL = {HR, AP, AU, AD, CO}
OFFICER = {HR, AP}
READ = {HR, AP, AU}
PROGRESS = READ | {CO}
PERSONAL = {HR, AU}  # R-SCR-3
LOG = {AU, AD}
FY = 2027

R = "/recruitments/{municipality}/{campaign_id}"
A = R + "/applications/{application_id}"
P = "/appointments/{municipality}/{appointment_id}"
C = "/claims/{municipality}/{fiscal_year}"

# (method, path) -> (roles allowed, scope): scope "object" = municipality in the path,
# "body" = in the body, "list" = a listing filter, None = not municipality-scoped.
POLICY: dict[tuple[str, str], tuple[set[Role], str | None]] = {
    ("POST", "/assessments/subsidy"): (ALL, None),
    ("POST", "/assessments/appointment"): (ALL, None),
    ("POST", "/assessments/bid"): (ALL, None),
    ("POST", "/assessments/shares"): (ALL, None),  # issue 14 (R-SHARE)
    ("GET", "/audit/streams/{stream_id}/history"): (PERSONAL, "object"),
    ("GET", "/audit/streams/{stream_id}/as-of"): (PERSONAL, "object"),
    ("POST", "/audit/verify"): (LOG, None),
    ("POST", "/audit/checkpoint"): (LOG, None),
    ("POST", "/admin/persons/{municipality}/{person_id}/forget"): ({AD}, "object"),  # issue 10
    ("GET", "/audit/appointments/{municipality}/{appointment_id}/export"): (PERSONAL, "object"),
    ("POST", "/recruitments"): (OFFICER, "body"),
    ("GET", "/recruitments"): (PROGRESS, "list"),
    ("GET", R): (PROGRESS, "object"),
    ("POST", R + "/submit"): (OFFICER, "object"),
    ("POST", R + "/return"): ({AP}, "object"),
    ("POST", R + "/approve"): ({AP}, "object"),
    ("POST", R + "/posting"): (OFFICER, "object"),
    ("GET", R + "/posting"): (PROGRESS, "object"),
    ("POST", R + "/deadline"): (OFFICER, "object"),
    ("POST", R + "/close-posting"): (OFFICER, "object"),
    ("POST", R + "/repost"): (OFFICER, "object"),
    ("POST", R + "/close"): (OFFICER, "object"),
    ("POST", R + "/cancel"): (OFFICER, "object"),
    ("POST", R + "/close-out"): (OFFICER, "object"),
    ("POST", R + "/applications"): (OFFICER, "object"),
    ("POST", R + "/readiness"): (OFFICER, "object"),
    ("POST", R + "/costs"): (OFFICER, "object"),
    ("GET", A): (READ, "object"),  # issue 11 point 5: approvers read applications too
    ("POST", A + "/withdraw"): (OFFICER, "object"),
    ("POST", A + "/screening"): (OFFICER, "object"),
    ("POST", A + "/interviews"): (OFFICER, "object"),
    ("POST", A + "/interview-records"): (OFFICER, "object"),
    ("POST", A + "/shortlist"): (OFFICER, "object"),
    ("POST", A + "/reject"): (OFFICER, "object"),
    ("POST", A + "/offer-approval"): ({AP}, "object"),
    ("POST", A + "/offer"): (OFFICER, "object"),
    ("POST", A + "/offer-accepted"): (OFFICER, "object"),
    ("POST", A + "/offer-declined"): (OFFICER, "object"),
    ("POST", A + "/offer-revocation"): (OFFICER, "object"),
    ("POST", A + "/pledges"): (OFFICER, "object"),
    ("POST", A + "/appoint"): ({AP}, "object"),
    ("GET", "/appointments"): (PROGRESS, "list"),
    ("GET", P): (READ, "object"),
    ("POST", P + "/readiness"): (OFFICER, "object"),
    ("POST", P + "/costs"): (OFFICER, "object"),
    ("POST", P + "/renew"): ({AP}, "object"),
    ("POST", P + "/end"): (OFFICER, "object"),
    ("GET", "/claims"): (PROGRESS, "list"),
    ("GET", C): (PROGRESS, "object"),
    ("POST", C + "/approve"): ({AP}, "object"),
    ("POST", C + "/redraft"): ({HR}, "object"),
    ("POST", C + "/draft-now"): ({HR}, "object"),
    ("POST", C + "/submission"): ({HR}, "object"),
    ("POST", C + "/decision"): ({HR}, "object"),
    ("GET", "/notifications"): (READ, "list"),
    ("GET", "/exports/{municipality}/costs"): (READ, "object"),
    ("GET", "/reports/{municipality}"): (PROGRESS, "object"),  # issue 14: no personal data
    ("GET", "/reports"): (PROGRESS, "list"),  # the region: the token's municipalities
    ("GET", "/documents/{municipality}/{kind}"): (PERSONAL, "object"),  # letters: R-SCR-3
    ("GET", "/exports/{municipality}/campaigns"): (READ, "object"),
    ("GET", "/exports/{municipality}/appointments"): (READ, "object"),
    ("GET", "/exports/{municipality}/claims"): (READ, "object"),
    ("GET", "/exports/{municipality}/campaigns/{campaign_id}/applicants"): (READ, "object"),
}
PUBLIC = {("GET", "/healthz"), ("GET", "/readyz")}  # /metrics: not in the schema
NOT_WRITES = {"/assessments/subsidy", "/assessments/appointment", "/assessments/bid",
              "/assessments/shares",
              "/audit/verify", "/audit/checkpoint"}
ASSESSMENT_BODIES = {"/assessments/subsidy": SUBSIDY_IN, "/assessments/appointment": APPOINTMENT_IN,
                     "/assessments/bid": BID_IN}


@pytest.fixture(scope="module")
async def world(temporal_api, tokens, api_settings):
    """An appointed campaign and a drafted subsidy claim in each municipality."""
    from workflows import ids
    from workflows.models import ClaimInput

    flows = {}
    for code in (OWN, OTHER):
        f = await Flow(temporal_api.http, tokens, code).appointed()
        flows[code] = f
        muni = Municipality.model_validate({**MUNICIPALITY, "code": code})
        await temporal_api.client.start_workflow(
            "SubsidyClaimWorkflow",
            ClaimInput(municipality=muni, fiscal_year=FY, settle=timedelta(milliseconds=200)),
            id=ids.claim_id(code, FY), task_queue=api_settings.task_queue)

    both = tokens("auditor", OWN, OTHER)

    async def settled() -> bool:  # background writers done: the claims drafted, appointments begun
        for code, f in flows.items():
            claim = await temporal_api.http.get(f"/claims/{code}/{FY}", headers=both)
            appointment = await temporal_api.http.get(f"/appointments/{code}/{f.appointment}",
                                                      headers=both)
            if claim.status_code != 200 or claim.json()["stage"] != "drafted":
                return False
            if appointment.status_code != 200 or appointment.json()["version"] < 1:
                return False
        return True

    assert await eventually(settled, timeout=30)
    return flows


def _operations(app) -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}


def _request(method: str, path: str, target: str, flows: dict) -> tuple[str, dict, object]:
    f = flows[target]
    url = path.format(
        municipality=target, campaign_id=f.campaign, application_id="a1",
        appointment_id=f.appointment, fiscal_year=FY, person_id="pf-matrix",
        stream_id=f"recruitment:{target}:{f.campaign}", kind="posting",
    )
    params: dict = {}
    body: object = {} if method == "POST" else None
    if path.endswith("/as-of"):
        params["at"] = datetime.now(UTC).isoformat()
    if path in ("/recruitments", "/appointments", "/claims", "/notifications",
                "/reports") and method == "GET":
        params["municipality"] = target
    if path.startswith("/documents/"):
        params["campaign"] = f.campaign
    if path in ASSESSMENT_BODIES:
        body = ASSESSMENT_BODIES[path]
    if (method, path) == ("POST", "/recruitments"):
        body = define_body(f"m{f.campaign}", {**MUNICIPALITY, "code": target})
    if path in ("/audit/verify", "/audit/checkpoint"):
        body = None
    return url, params, body


async def _head(store) -> int:
    return (await store.checkpoint()).position


async def _written_by(store, actor: str, after: int) -> list[str]:
    """Events recorded after ``after`` on behalf of ``actor`` (timers write as "system")."""
    return [e.type async for e in store.read_all(from_position=after + 1)
            if e.metadata.get("actor") == actor]


def test_every_operation_is_in_the_policy_table():
    from api.main import create_app

    ops = _operations(create_app(connect_temporal=False))
    assert ops - PUBLIC == set(POLICY), (ops - PUBLIC) ^ set(POLICY)


async def test_every_route_needs_a_token(temporal_api, world):
    for method, path in POLICY:
        url, params, body = _request(method, path, OWN, world)
        r = await temporal_api.http.request(method, url, params=params, json=body)
        assert r.status_code == 401, (method, path, r.status_code)
    assert (await temporal_api.http.get("/healthz")).status_code == 200


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("target", [OWN, OTHER])
async def test_matrix(temporal_api, tokens, store, world, role, target):
    actor = f"matrix-{role}-{target}"
    headers = tokens(role, OWN, sub=actor)  # the token's municipality is always OWN
    failures = []
    for (method, path), (allowed, scope) in sorted(POLICY.items()):
        url, params, body = _request(method, path, target, world)
        before = await _head(store)
        r = await temporal_api.http.request(method, url, params=params, json=body,
                                            headers=headers)
        got = r.status_code
        if role is CO and role not in allowed and method == "GET":
            expected = "404"  # a coordinator is never told that personal data exists
            ok = got == 404 and r.json()["error"]["code"] == "not_found"
        elif role not in allowed:
            expected = "403"
            ok = got == 403
        elif target == OTHER and scope in ("object", "body"):
            expected = "404"
            ok = got == 404 and r.json()["error"]["code"] == "not_found"
        elif target == OTHER and scope == "list":
            expected = "200, empty"
            ok = got == 200 and r.json()["items"] == []
        else:
            expected = "served (not 401/403/404/5xx)"
            ok = got not in (401, 403, 404) and got < 500
        if not ok:
            failures.append(f"{role} {method} {path} [{target}]: {got}, expected {expected}: "
                            f"{r.text[:120]}")
        refused_write = method == "POST" and path not in NOT_WRITES and not 200 <= got < 300
        if refused_write and (written := await _written_by(store, actor, before)):
            failures.append(f"{role} {method} {path} [{target}]: refused ({got}) but wrote "
                            f"{written}")
    assert not failures, "\n".join(failures)
