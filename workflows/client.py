"""Connect a Temporal client with Ninyo's data converter (API, CLI, worker, tests)."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHandle
from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError

from domain.errors import RuleViolation
from ninyo.settings import Settings
from workflows import ids
from workflows.common import search_attribute_pairs
from workflows.converter import data_converter
from workflows.models import CampaignInput, CampaignView


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
    )


async def start_campaign(
    client: Client, inp: CampaignInput, task_queue: str
) -> WorkflowHandle:
    """Start a campaign's workflow (id ``recruitment:{code}:{campaign}``); the search
    attributes are set at start so the campaign is listable at once."""
    define = inp.define
    code = define.municipality.code or ""
    return await client.start_workflow(
        "RecruitmentWorkflow",
        inp,
        id=ids.campaign_id(code, define.campaign_id),
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes(
            search_attribute_pairs(
                code, define.municipality.prefecture, "new", define.role.persona.value
            )
        ),
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        result_type=CampaignView,
    )


def rule_violation(err: BaseException) -> RuleViolation | None:
    """The RuleViolation behind a failed update (``WorkflowUpdateFailedError``), if any."""
    cause = getattr(err, "cause", None) or err
    if isinstance(cause, ApplicationError) and cause.type == "RuleViolation":
        d = cause.details[0] if cause.details else {}
        return RuleViolation(d.get("code", "UNKNOWN"), d.get("message", cause.message), d.get("field"),
                             d.get("params"))
    return None
