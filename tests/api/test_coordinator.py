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


async def test_report_from_the_log_json_and_csv_for_readers_and_the_coordinator(
    temporal_api, tokens
):
    """An appointed campaign: its time to fill (defined and appointed the same day here: 0)
    and its one applicant on its channel, JSON and CSV; the coordinator of the region reads
    it (no personal data in it), another region gets 404."""
    import csv
    import io

    from tests.temporal_env import eventually

    http = temporal_api.http
    flow = await Flow(http, tokens, OWN).appointed()
    region = tokens("coordinator", OWN, sub="pref-coordinator")

    async def filled() -> bool:
        r = await http.get(f"/reports/{OWN}", headers=region)
        rows = {x["campaign_id"]: x for x in r.json()["campaigns"]}
        return r.status_code == 200 and rows.get(flow.campaign, {}).get("appointed_on") is not None

    assert await eventually(filled, timeout=30)
    report = (await http.get(f"/reports/{OWN}", headers=tokens("hr_officer", OWN))).json()
    row = next(x for x in report["campaigns"] if x["campaign_id"] == flow.campaign)
    assert row["time_to_fill_days"] == 0
    assert row["applicants"] == 1
    assert report["reference"]["own_website_average"] == 6
    assert set(row) == {"campaign_id", "defined_on", "appointed_on", "time_to_fill_days",
                        "applicants", "applicants_by_channel", "screened",
                        "screening_passed"}  # counts, no persons
    assert [t["appointment_id"] for t in report["terms_ending"]] == []  # a term of years

    text = await http.get(f"/reports/{OWN}", params={"format": "csv", "table": "channels"},
                          headers=region)
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.text)))
    assert rows[0] == ["channel", "applicants", "reference_applicants"]
    assert ["247", "615"] == [r[2] for r in rows[-2:]]

    outside = tokens("coordinator", OTHER, sub="other-coordinator")
    assert (await http.get(f"/reports/{OWN}", headers=outside)).status_code == 404

    both = tokens("coordinator", OWN, OTHER, sub="region-coordinator")
    region_doc = (await http.get("/reports", headers=both)).json()
    assert [x["municipality"] for x in region_doc["items"]] == sorted([OWN, OTHER])
    assert region_doc["region"]["time_to_fill_days"]["filled"] >= 1
    assert (await http.get("/reports", headers=outside)).json()["items"][0]["municipality"] == OTHER
