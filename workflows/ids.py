"""Workflow ids = stream ids (docs/interfaces.md): one workflow writes exactly its streams.

Starting a second workflow with the same id is refused by Temporal, so a campaign, an
appointment and a municipality's yearly claim each run once.
"""

from __future__ import annotations


def campaign_id(municipality_code: str, campaign: str) -> str:
    return f"recruitment:{municipality_code}:{campaign}"


def application_stream(municipality_code: str, campaign: str, application_id: str) -> str:
    return f"application:{municipality_code}:{campaign}:{application_id}"


def appointment_id(municipality_code: str, appointment: str) -> str:
    return f"appointment:{municipality_code}:{appointment}"


def claim_id(municipality_code: str, fiscal_year: int) -> str:
    return f"subsidy:{municipality_code}:{fiscal_year}"
