"""The Temporal worker entry point (placeholder until the workflows issue lands)."""

from __future__ import annotations

import asyncio


async def main() -> None:
    """Block until interrupted; the workflows issue registers workflows and activities here."""
    stop = asyncio.Event()
    await stop.wait()
