"""Connect a Temporal client with Ninyo's data converter (API, CLI, worker, tests)."""

from __future__ import annotations

from temporalio.client import Client

from ninyo.settings import Settings
from workflows.converter import data_converter


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
    )
