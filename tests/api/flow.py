"""Drive a campaign through the HTTP API (bodies built from the domain's test builders)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from tests.api.conftest import OWN
from tests.unit import lifecycle_builders as b

MUNICIPALITY = b.SAKATA.model_copy(update={"code": OWN}).model_dump(mode="json")


def define_body(campaign_id: str, municipality: dict | None = None) -> dict:
    return {"campaign_id": campaign_id, "municipality": municipality or MUNICIPALITY,
            "role": b.role().model_dump(mode="json")}


def posting_body(municipality: dict | None = None) -> dict:
    deadline = datetime.now(UTC) + timedelta(days=30)
    details = b.details(deadline=deadline).model_dump(mode="json")
    details["municipality"] = municipality or MUNICIPALITY
    return {"details": details}


def application_body(application_id: str) -> dict:
    data = b.receive(application_id).model_dump(mode="json")
    del data["actor"], data["kind"]
    return data


class Flow:
    """One campaign of municipality ``code``, moved step by step through the API."""

    def __init__(self, http, tokens, code: str = OWN) -> None:
        self.http, self.tokens, self.code = http, tokens, code
        self.campaign = f"c{uuid.uuid4().hex[:10]}"
        self.base = f"/recruitments/{code}/{self.campaign}"
        self.stream = f"recruitment:{code}:{self.campaign}"

    async def post(self, path: str, body: dict | None = None, role: str = "hr_officer"):
        r = await self.http.post(self.base + path, json=body,
                                 headers=self.tokens(role, self.code))
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    async def defined(self) -> Flow:
        muni = {**MUNICIPALITY, "code": self.code}
        r = await self.http.post("/recruitments", json=define_body(self.campaign, muni),
                                 headers=self.tokens("hr_officer", self.code))
        assert r.status_code == 201, r.text
        return self

    async def submitted(self) -> Flow:
        await self.defined()
        await self.post("/submit")
        return self

    async def approved(self) -> Flow:
        await self.submitted()
        await self.post("/approve", role="approver")
        return self

    async def posted(self) -> Flow:
        await self.approved()
        await self.post("/posting", posting_body({**MUNICIPALITY, "code": self.code}))
        return self

    async def with_application(self, application_id: str = "a1") -> Flow:
        await self.posted()
        await self.post("/applications", application_body(application_id))
        return self


def future_term() -> dict:
    """A term starting next April 1 (Japan's fiscal year), one fiscal year long."""
    today = datetime.now(UTC).date()
    start = date(today.year + 1, 4, 1)
    return {"start": start.isoformat(), "end": date(start.year + 1, 3, 31).isoformat()}


async def _appointed(self: Flow, application_id: str = "a1",
                     appointment_id: str | None = None) -> Flow:
    """All the way to the appointment: close, screen, interview, shortlist, offer, pledges."""
    await self.with_application(application_id)
    await self.post("/close-posting", {"reason": "closed_by_officer"})
    app = f"/applications/{application_id}"
    await self.post(app + "/screening", {})
    soon = datetime.now(UTC) + timedelta(days=3)
    await self.post(app + "/interviews", {"interview_id": "iv1", "scheduled_at": soon.isoformat()})
    await self.post(app + "/interview-records",
                    {"interview_id": "iv1", "record": b.good_record().model_dump(mode="json")})
    await self.post(app + "/shortlist", {})
    terms = b.terms().model_dump(mode="json")
    terms["term"] = future_term()
    await self.post(app + "/offer-approval",
                    {"terms": terms, "appointee_for_profit": True,
                     "appointee_employer": "Example Systems K.K."}, role="approver")
    later = datetime.now(UTC) + timedelta(days=14)
    await self.post(app + "/offer", {"expires_at": later.isoformat()})
    await self.post(app + "/offer-accepted", {"pledge_deadline": later.isoformat()})
    state = await self.http.get(self.base + app, headers=self.tokens("hr_officer", self.code))
    required = [p["item"] for p in state.json()["pledges"]["required"]]
    await self.post(app + "/pledges", {"items": required,
                                       "signed_on": datetime.now(UTC).date().isoformat()})
    self.appointment = appointment_id or f"ap{uuid.uuid4().hex[:8]}"
    await self.post(app + "/appoint", {"appointment_id": self.appointment}, role="approver")
    return self


Flow.appointed = _appointed  # type: ignore[attr-defined]
