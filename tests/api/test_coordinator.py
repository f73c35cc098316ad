"""Issue 14 point 1: a coordinator (a prefecture or a central city) follows its region's
progress — the token's municipalities are its region — and never sees an applicant's
personal data: an application answers 404, as if it did not exist."""

from __future__ import annotations

from tests.api.conftest import OTHER, OWN
from tests.api.flow import Flow


async def test_coordinator_reads_its_regions_progress_and_gets_404_on_personal_data(
    temporal_api, tokens
):
    http = temporal_api.http
    flow = await Flow(http, tokens, OWN).with_application("a1")
    campaign = f"/recruitments/{OWN}/{flow.campaign}"
    region = tokens("coordinator", OWN, sub="pref-coordinator")

    officer = await http.get(f"{campaign}/applications/a1", headers=tokens("hr_officer", OWN))
    assert officer.status_code == 200  # the application exists, with its personal data

    status = await http.get(campaign, headers=region)
    assert status.status_code == 200
    assert status.json()["applications"] == 1  # progress: counts, no names
    listed = await http.get("/recruitments", params={"municipality": OWN}, headers=region)
    assert listed.status_code == 200
    assert any(flow.campaign in x["workflow_id"] for x in listed.json()["items"])

    personal = await http.get(f"{campaign}/applications/a1", headers=region)
    assert personal.status_code == 404
    assert personal.json()["error"]["code"] == "not_found"
    assert "a1" not in personal.text
    docs = await http.get(f"/documents/{OWN}/posting", params={"campaign": flow.campaign},
                          headers=region)
    assert docs.status_code == 404

    # outside its region: nothing at all
    outside = tokens("coordinator", OTHER, sub="other-coordinator")
    assert (await http.get(campaign, headers=outside)).status_code == 404
    # and it writes nothing
    write = await http.post(f"{campaign}/close-posting", json={}, headers=region)
    assert write.status_code == 403
