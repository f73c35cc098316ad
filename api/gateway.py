"""The API's one door to Temporal: send a command, query, start, list — with retries and
error mapping in one place.

Routes (the JSON API and the web screens alike) never touch ``temporalio.client``
themselves: they get a :class:`Gateway` through ``api.deps.GatewayDep`` and call

- :meth:`Gateway.update` — a typed workflow update (``RecruitmentWorkflow.command_view``),
  one update id per request so retries are deduplicated by Temporal; a refusal by the
  workflow's validator comes back as the domain's ``RuleViolation`` (-> 409 with the rule
  code);
- :meth:`Gateway.query` — a typed query (``RecruitmentWorkflow.status``);
- :meth:`Gateway.start_campaign` — a new campaign's workflow on ``settings.task_queue``,
  with its first command (update-with-start);
- :meth:`Gateway.list` — Temporal's visibility listing.

Temporal's errors become ``ApiError``: NOT_FOUND -> 404 (409 ``STATE-WORKFLOW-CLOSED``
for a finished process), RESOURCE_EXHAUSTED -> 429, UNAVAILABLE / DEADLINE_EXCEEDED ->
503, anything else -> 502. Transient ones are retried for ``RETRY_FOR`` seconds first.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowExecution,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ApiError
from workflows import client as wf_client
from workflows.models import CampaignInput, CampaignReply

T = TypeVar("T")

# Backpressure and blips: RESOURCE_EXHAUSTED is Temporal's per-workflow limit on in-flight
# updates (many clients acting on one campaign at once); the update id makes a retry safe
# (Temporal deduplicates updates by id), so these are retried for a while.
TRANSIENT = (RPCStatusCode.RESOURCE_EXHAUSTED, RPCStatusCode.UNAVAILABLE,
             RPCStatusCode.DEADLINE_EXCEEDED)
RETRY_FOR = 20.0  # seconds


def too_large(exc: RPCError) -> bool:
    """gRPC refuses an oversized message with RESOURCE_EXHAUSTED too ("message larger than
    max", "grpc: received message larger than max"): that is a bad request, not backpressure."""
    text = exc.message.lower()
    return exc.status == RPCStatusCode.RESOURCE_EXHAUSTED and (
        "larger than max" in text or "too large" in text)


def rpc_error(exc: RPCError) -> ApiError:
    """Temporal's RPC error as the API's error."""
    if exc.status == RPCStatusCode.NOT_FOUND:
        if "completed" in exc.message.lower():
            return ApiError(409, "STATE-WORKFLOW-CLOSED", "this process has already ended")
        return ApiError(404, "not_found", "not found")
    if too_large(exc):  # gRPC's own size limit, not a busy server: retrying cannot help
        return ApiError(413, "payload_too_large", "larger than Temporal accepts")
    if exc.status == RPCStatusCode.RESOURCE_EXHAUSTED:
        return ApiError(429, "busy", f"Temporal is busy, retry later ({exc.message})",
                        headers={"Retry-After": "1"})
    if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return ApiError(503, "temporal_unavailable",
                        f"the Temporal frontend is unreachable ({exc.status.name}: {exc.message})")
    return ApiError(502, "temporal_error",
                    f"Temporal refused the call ({exc.status.name}: {exc.message})")


async def retrying(call: Callable[[], Awaitable[T]]) -> T:
    """``call()``, retried with jittered backoff while Temporal answers a transient error."""
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + RETRY_FOR, 0.05
    while True:
        try:
            return await call()
        except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
            transient = not isinstance(exc, RPCError) or (
                exc.status in TRANSIENT and not too_large(exc))
            if not transient or loop.time() + delay > deadline:
                raise
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 1.0)


def update_failed(exc: WorkflowUpdateFailedError) -> Exception:
    """A failed update: the domain's RuleViolation when a rule refused, else a 409."""
    violation = wf_client.rule_violation(exc)
    if violation is None:
        return ApiError(409, "update_failed", str(exc.cause or exc))
    return violation


class Gateway:
    """Temporal, as the API uses it (one per request; cheap)."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    async def update(self, workflow_id: str, update: Callable[..., Any], arg: Any) -> Any:
        """Send ``arg`` to the workflow's ``update`` (a ``@workflow.update`` method)."""
        handle = self.client.get_workflow_handle(workflow_id)
        update_id = str(uuid.uuid4())  # one per request: retries below are deduplicated
        try:
            return await retrying(lambda: handle.execute_update(update, arg, id=update_id))
        except WorkflowUpdateFailedError as exc:
            raise update_failed(exc) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise ApiError(503, "temporal_timeout", "the workflow did not answer in time") from None
        except RPCError as exc:
            raise rpc_error(exc) from None

    async def query(self, workflow_id: str, query: Callable[..., Any], *args: Any) -> Any:
        """The workflow's ``query`` (a ``@workflow.query`` method) with ``args``."""
        handle = self.client.get_workflow_handle(workflow_id)
        try:
            return await retrying(lambda: handle.query(query, *args))
        except RPCError as exc:
            raise rpc_error(exc) from None

    async def start_campaign(self, inp: CampaignInput) -> CampaignReply:
        """Start a campaign's workflow on ``task_queue`` with its first command
        (update-with-start): the workflow decides ``DefineRole`` and answers what it wrote
        and its status, or the rule that refused it (409). 409 ``STATE-CAMPAIGN-EXISTS``
        for a campaign id in use."""
        define = inp.define
        try:
            # not retried: a start that went through would then look like a duplicate
            return await wf_client.define_campaign(self.client, inp, self.task_queue)
        except WorkflowAlreadyStartedError:
            raise ApiError(409, "STATE-CAMPAIGN-EXISTS",
                           f"campaign {define.campaign_id} already exists", "campaign_id") from None
        except WorkflowUpdateFailedError as exc:
            raise update_failed(exc) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise ApiError(503, "temporal_timeout", "the workflow did not answer in time") from None
        except RPCError as exc:
            raise rpc_error(exc) from None

    async def list(self, query: str, limit: int) -> list[WorkflowExecution]:
        """Visibility listing (the newest run of each process: continued-as-new runs skipped)."""
        items: list[WorkflowExecution] = []
        try:
            async for wf in self.client.list_workflows(query, limit=limit * 2):
                if wf.status is not None and wf.status.name == "CONTINUED_AS_NEW":
                    continue  # the same process continues in a newer run
                items.append(wf)
                if len(items) >= limit:
                    break
        except RPCError as exc:
            raise rpc_error(exc) from None
        return items
