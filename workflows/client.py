"""Connect a Temporal client with Ninyo's data converter (API, CLI, worker, tests)."""

from __future__ import annotations

from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import (
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import TLSConfig

from domain.errors import RuleViolation
from ninyo import telemetry
from ninyo.settings import Settings
from workflows import ids
from workflows.common import search_attribute_pairs
from workflows.converter import data_converter
from workflows.models import CampaignInput, CampaignReply
from workflows.recruitment import RecruitmentWorkflow


def tls_config(settings: Settings) -> TLSConfig | bool:
    """Mutual TLS to the frontend when configured (the compose deployment), else plain."""
    if settings.temporal_tls_cert is None:
        return False
    return TLSConfig(
        server_root_ca_cert=settings.temporal_tls_ca.read_bytes() if settings.temporal_tls_ca else None,
        client_cert=settings.temporal_tls_cert.read_bytes(),
        client_private_key=settings.temporal_tls_key.read_bytes() if settings.temporal_tls_key else None,
        domain=settings.temporal_tls_server_name,
    )


async def connect(settings: Settings) -> Client:
    from workflows.envelope import CommandSigning

    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=tls_config(settings),
        data_converter=data_converter(settings),
        # signs every command it sends (a worker on this client refuses unsigned ones);
        # tracing, when NINYO_OTLP_ENDPOINT
        interceptors=[CommandSigning(settings.key("payload_key")),
                      *telemetry.temporal_interceptors()],
        runtime=telemetry.temporal_runtime(),  # SDK metrics, when NINYO_TEMPORAL_METRICS_ADDRESS
    )


async def start_campaign(
    client: Client, inp: CampaignInput, task_queue: str
) -> WorkflowHandle:
    """Start a campaign's workflow (id ``recruitment:{code}:{campaign}``) without waiting
    for its first command (tests, bench; the API uses :func:`define_campaign`); the search
    attributes are set at start so the campaign is listable at once."""
    define = inp.define
    code = define.municipality.code or ""
    return await client.start_workflow(
        RecruitmentWorkflow.run,
        inp,
        id=ids.campaign_id(code, define.campaign_id),
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes(
            search_attribute_pairs(
                code, define.municipality.prefecture, "new", define.role.persona.value
            )
        ),
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


async def define_campaign(client: Client, inp: CampaignInput, task_queue: str) -> CampaignReply:
    """Start a campaign's workflow and get its first command's answer in one call
    (update-with-start of the update ``started``): what ``DefineRole`` wrote and the status
    after it. A refused role definition raises ``WorkflowUpdateFailedError`` (the rule code:
    :func:`rule_violation`) and leaves only a failed run, which neither lists nor blocks a
    corrected definition under the same id; a campaign id in use raises
    ``WorkflowAlreadyStartedError``. The workflow sets its search attributes once RoleDefined
    is written."""
    define = inp.define
    start = WithStartWorkflowOperation(
        RecruitmentWorkflow.run,
        inp,
        id=ids.campaign_id(define.municipality.code or "", define.campaign_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    )
    return await client.execute_update_with_start_workflow(
        RecruitmentWorkflow.started, start_workflow_operation=start)


def rule_violation(err: BaseException) -> RuleViolation | None:
    """The RuleViolation behind a failed update (``WorkflowUpdateFailedError``), if any."""
    cause = getattr(err, "cause", None) or err
    if isinstance(cause, ApplicationError) and cause.type == "RuleViolation":
        d = cause.details[0] if cause.details else {}
        return RuleViolation(d.get("code", "UNKNOWN"), d.get("message", cause.message), d.get("field"),
                             d.get("params"))
    return None
