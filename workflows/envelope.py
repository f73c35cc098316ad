"""Signed command envelopes: only Ninyo's own client may write through Temporal (issue 10
point 1).

Anyone who can reach Temporal's frontend could otherwise send ``temporal workflow update
execute --name command_view --input '{"kind": "ApproveRole", "actor": {"id": "mallory",
"role": "approver"}}'``: the workflow would trust the actor named in the command. Now
every update and every campaign start that Ninyo's client sends carries a header
``ninyo-signature``: an HMAC-SHA256, under a key derived from the payload key (which only
the API, the worker and the CLI hold), of the workflow id, the update's name and id and
the canonical JSON of its arguments — the command with the actor the API authenticated.
The worker checks it in every update validator (and at the start of a campaign): a
missing or wrong signature is refused with ``AUTH-SIGNATURE`` and nothing is recorded.

``CommandSigning`` is both a client interceptor (signs) and a worker interceptor
(checks); a worker built on a client that has it checks automatically. Validators do not
run on replay, so histories recorded before signatures existed keep replaying.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from temporalio import client as tc
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

HEADER = "ninyo-signature"
SIGNED_STARTS = ("RecruitmentWorkflow",)  # started by people (through the API)


def envelope_key(payload_key: bytes) -> bytes:
    """The signing key, derived from the payload key (one secret less to manage)."""
    return hmac.new(payload_key, b"ninyo command envelope v1", hashlib.sha256).digest()


def _canonical(args: Sequence[Any]) -> bytes:
    def plain(v: Any) -> Any:
        dump = getattr(v, "model_dump", None)
        return dump(mode="json") if dump is not None else v

    return json.dumps([plain(a) for a in args], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str).encode()


def signature(key: bytes, workflow_id: str, name: str, call_id: str,
              args: Sequence[Any]) -> str:
    msg = b"\x1f".join([workflow_id.encode(), name.encode(), call_id.encode(),
                        hashlib.sha256(_canonical(args)).digest()])
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def _header(sig: str) -> Payload:
    return Payload(metadata={"encoding": b"binary/plain"}, data=sig.encode())


def verify(key: bytes, headers: Mapping[str, Payload], workflow_id: str, name: str,
           call_id: str, args: Sequence[Any]) -> None:
    """Raise the refusal when the signature is missing or does not match."""
    got = headers.get(HEADER)
    want = signature(key, workflow_id, name, call_id, args)
    if got is None or not hmac.compare_digest(got.data.decode(errors="replace"), want):
        raise ApplicationError(
            "a command that did not come through Ninyo (missing or wrong signature)",
            {"code": "AUTH-SIGNATURE", "message": "unsigned command", "field": None},
            type="RuleViolation", non_retryable=True,
        )


class _Outbound(tc.OutboundInterceptor):
    def __init__(self, nxt: tc.OutboundInterceptor, key: bytes) -> None:
        super().__init__(nxt)
        self._key = key

    async def start_workflow_update(self, input: tc.StartWorkflowUpdateInput):
        if input.update_id is None:
            input.update_id = str(uuid.uuid4())
        sig = signature(self._key, input.id, input.update, input.update_id, input.args)
        input.headers = {**input.headers, HEADER: _header(sig)}
        return await super().start_workflow_update(input)

    async def start_update_with_start_workflow(self, input: tc.StartWorkflowUpdateWithStartInput):
        start, update = input.start_workflow_input, input.update_workflow_input
        if update.update_id is None:
            update.update_id = str(uuid.uuid4())
        if start.workflow in SIGNED_STARTS:
            sig = signature(self._key, start.id, start.workflow, "start", start.args)
            start.headers = {**start.headers, HEADER: _header(sig)}
        sig = signature(self._key, start.id, update.update, update.update_id, update.args)
        update.headers = {**update.headers, HEADER: _header(sig)}
        return await super().start_update_with_start_workflow(input)

    async def start_workflow(self, input: tc.StartWorkflowInput):
        if input.workflow in SIGNED_STARTS:
            sig = signature(self._key, input.id, input.workflow, "start", input.args)
            input.headers = {**input.headers, HEADER: _header(sig)}
        return await super().start_workflow(input)


class CommandSigning(tc.Interceptor, Interceptor):
    """Signs on the client; checks in the worker (see the module docstring)."""

    def __init__(self, payload_key: bytes) -> None:
        self.key = envelope_key(payload_key)

    def intercept_client(self, next: tc.OutboundInterceptor) -> tc.OutboundInterceptor:
        return _Outbound(next, self.key)

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        key = self.key

        class _Inbound(WorkflowInboundInterceptor):
            def handle_update_validator(self, input: HandleUpdateInput) -> None:
                verify(key, input.headers, workflow.info().workflow_id, input.update,
                       input.id, input.args)
                super().handle_update_validator(input)

            async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
                info = workflow.info()
                if (info.workflow_type in SIGNED_STARTS and not workflow.unsafe.is_replaying()
                        and info.continued_run_id is None and info.parent is None):
                    verify(key, input.headers, info.workflow_id, info.workflow_type, "start",
                           input.args)
                return await super().execute_workflow(input)

        return _Inbound
