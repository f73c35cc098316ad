"""Tamper-evident event store: hash-chained, signed checkpoints, crypto-shredded personal data.

See ``eventstore.store`` (module docstring) and docs/eventstore.md for the guarantees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eventstore.canonical import GENESIS
from eventstore.crypto import ERASED
from eventstore.model import (
    AppendResult,
    Checkpoint,
    ConcurrencyError,
    ForgottenPersonError,
    NewEvent,
    PersonalFields,
    RecordedEvent,
    SchemaMissingError,
    UpcasterRegistry,
    VerifyResult,
)
from eventstore.store import EventStore

__all__ = [
    "ERASED",
    "GENESIS",
    "AppendResult",
    "Checkpoint",
    "ConcurrencyError",
    "EventStore",
    "ForgottenPersonError",
    "NewEvent",
    "PersonalFields",
    "RecordedEvent",
    "SchemaMissingError",
    "UpcasterRegistry",
    "VerifyResult",
    "from_settings",
]


async def from_settings(
    settings: Any,
    personal: Mapping[str, Any] | None = None,
    upcasters: Any = None,
    **kwargs: Any,
) -> EventStore:
    """Open the store configured by ``ninyo.settings.Settings`` (URL and keys).

    ``kwargs`` go to :meth:`EventStore.connect` (e.g. ``migrate=True``, ``pool_size=``).
    """
    from ninyo.settings import VAR_DIR, private_var_dir

    store = await EventStore.connect(
        settings.database_url,
        signing_key=settings.key("checkpoint_signing_key"),  # never a dev key in production
        master_key=settings.key("data_master_key"),
        personal=personal,
        upcasters=upcasters,
        **kwargs,
    )
    if str(VAR_DIR) in settings.database_url:  # the development SQLite file: 0600 in 0700
        private_var_dir()
    return store
