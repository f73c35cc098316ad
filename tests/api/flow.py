"""Drive a campaign through the HTTP API (bodies built from the domain's test builders)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

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
