"""The event every peer writes: an HR officer recording an application (応募受付),
with personal data (name, contacts) — the same JSON document for all three peers."""

from __future__ import annotations

import uuid

EVENT_TYPE = "BenchApplicationReceived"  # not a domain type: its own personal-field list
PERSONAL_FIELDS = ("name", "email", "phone", "address")
SUBJECT_FIELD = "applicant_id"
MUNICIPALITY = "131016"


def application_data(i: int) -> dict:
    return {
        "applicant_id": f"applicant-{i:07d}",
        "name": "山田 太郎",
        "email": f"taro.yamada{i}@example.jp",
        "phone": "03-1234-5678",
        "address": "東京都千代田区霞が関2-1-2",
        "persona": "producer",
        "qualifications": ["IT Strategist (ST)", "ITSS level 4"],
        "years_experience": 7,
        "received_on": "2026-05-01",
        "summary": "自治体DXの全体方針立案、業務改革(BPR)と情報セキュリティポリシーの見直しを主導。",
    }


def metadata() -> dict:
    return {
        "actor": "hr-officer-1",
        "role": "hr_officer",
        "municipality": MUNICIPALITY,
        "correlation_id": str(uuid.uuid4()),
    }
