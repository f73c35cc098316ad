"""Issue 10 point 4 (the store's part): ``POST /admin/persons/{m}/{id}/forget`` and
``ninyo person forget`` erase the person's personal data for good and record the erasure
(an event without the data); only an administrator of that municipality may."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from typer.testing import CliRunner

from domain.events import ApplicantContact, ApplicationReceived
from domain.posting import ChannelKind
from eventstore import ERASED, NewEvent
from tests.api.conftest import OTHER, OWN


async def _applicant(store, person: str) -> str:
    """A well-formed ApplicationReceived (other tests in this session read OWN's campaigns:
    a malformed one broke every report and listing that ran after this module)."""
    stream = f"application:{OWN}:cf:{person}"
    event = ApplicationReceived(
        at=datetime.now(UTC), by="hr-1", application_id=person, applicant_id=person,
        channel=ChannelKind.own_website, name="山田 太郎",
        contact=ApplicantContact(email="taro@example.jp"),
        career_history=None, profile=None, conflict_of_interest=None,
    )
    data = event.model_dump(mode="json", exclude={"type"})
    await store.append(stream, 0, [NewEvent(
        "ApplicationReceived", data,
        metadata={"municipality": OWN, "actor": "hr-1", "role": "hr_officer"})])
    return stream


async def test_an_admin_forgets_a_person_and_the_erasure_is_recorded(http, tokens, store):
    stream = await _applicant(store, "pf-api")
    url = f"/admin/persons/{OWN}/pf-api/forget"
    assert (await http.post(url, headers=tokens("hr_officer"))).status_code == 403
    assert (await http.post(url, headers=tokens("admin", OTHER))).status_code == 404
    r = await http.post(url, headers=tokens("admin", sub="root-1"))
    assert r.status_code == 200, r.text
    [e] = await store.read_stream(stream)
    assert e.data["name"] == ERASED and e.data["contact"] == ERASED
    [erasure] = await store.read_stream(f"erasure:{OWN}:pf-api")
    assert erasure.type == "PersonForgotten" and erasure.metadata["actor"] == "root-1"
    assert "山田" not in str(erasure.data) and "taro" not in str(erasure.data)


async def test_ninyo_person_forget(store, api_settings):
    from cli.main import app
    from ninyo.settings import get_settings

    stream = await _applicant(store, "pf-cli")
    env = {"NINYO_DATABASE_URL": api_settings.database_url,
           "NINYO_CHECKPOINT_SIGNING_KEY": api_settings.checkpoint_signing_key.get_secret_value(),
           "NINYO_DATA_MASTER_KEY": api_settings.data_master_key.get_secret_value()}
    get_settings.cache_clear()
    try:
        res = await asyncio.to_thread(CliRunner().invoke, app,
                                      ["person", "forget", OWN, "pf-cli"], env=env)
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output + str(res.exception)
    [e] = await store.read_stream(stream)
    assert e.data["name"] == ERASED
    assert len(await store.read_stream(f"erasure:{OWN}:pf-cli")) == 1
