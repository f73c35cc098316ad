"""The task queue comes from the settings everywhere (issue 9).

With ``NINYO_TASK_QUEUE`` set, the worker polls that queue (``ninyo.bootstrap.worker``, as
``worker.py`` builds it) — and the API must start campaigns on it too. It used to start
them on a constant ``"ninyo"`` queue, where no worker polled: every new campaign waited
forever. A dev server of its own, so no other test's worker polls ``"ninyo"`` here.

``NINYO_RECORD_HISTORIES=1`` records the campaign's history (started by update-with-start)
as tests/workflows/histories/recruitment-started-by-update.json.
"""

from __future__ import annotations

import asyncio
import uuid

from activities.notifications import OutboxNotifier
from api.main import create_app
from ninyo import bootstrap
from ninyo.settings import Settings
from tests.api.conftest import OWN, _serve
from tests.api.flow import Flow
from tests.temporal_env import dev_server_env
from tests.workflows.histories_util import record


async def test_a_campaign_runs_end_to_end_on_a_non_default_task_queue(
        api_settings, store, tokens, monkeypatch):
    queue = f"ninyo-elsewhere-{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv("NINYO_TASK_QUEUE", queue)
    settings = api_settings.model_copy(update={"task_queue": Settings().task_queue})
    assert settings.task_queue == queue != Settings.model_fields["task_queue"].default

    notifier = OutboxNotifier.from_url(settings.database_url)
    try:
        async with dev_server_env() as env:
            rt = bootstrap.Runtime(settings, store=store, client=env.client, notifier=notifier)
            async with bootstrap.worker(rt):
                app = create_app(settings, store=store, client=env.client)
                async for http in _serve(app):
                    async with asyncio.timeout(120):
                        f = await Flow(http, tokens).appointed()  # type: ignore[attr-defined]
                        r = await http.get(f"/appointments/{OWN}/{f.appointment}",
                                           headers=tokens("hr_officer"))
                    assert r.status_code == 200, r.text
                    assert r.json()["workflow_id"] == f"appointment:{OWN}:{f.appointment}"
                    campaign = await http.get(f.base, headers=tokens("hr_officer"))
                    assert campaign.json()["stage"] == "appointed"
                    described = await env.client.get_workflow_handle(f.stream).describe()
                    assert described.task_queue == queue
                    # the campaign was started by update-with-start (``started``): its
                    # history is the replay test's for that code path
                    await record(env.client, f.stream, "recruitment-started-by-update")
    finally:
        await notifier.close()
