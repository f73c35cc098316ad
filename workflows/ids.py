"""Workflow ids = stream ids (docs/interfaces.md): one workflow writes exactly its streams.
They are built in ``domain.streams``; these are the names the workflow layer has used.

Starting a second workflow with the same id is refused by Temporal, so a campaign, an
appointment and a municipality's yearly claim each run once.
"""

from __future__ import annotations

from domain import streams

campaign_id = streams.campaign
application_stream = streams.application
appointment_id = streams.appointment
claim_id = streams.claim
