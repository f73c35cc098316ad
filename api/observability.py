"""What the API shows operators: ``/metrics`` (Prometheus), ``/readyz``, and a middleware
that counts and traces every request (see ``ninyo.telemetry`` for the names).

- ``GET /metrics`` — this process's metrics, Prometheus text format (no token: bind the
  port to the private network, as for ``/healthz``).
- ``GET /readyz`` — 200 when the event store's database answers, the Temporal frontend is
  serving and at least one worker polls ``settings.task_queue`` (workflow and activity
  tasks); otherwise 503 with the failing check. ``/healthz`` (alive) is in
  ``api.routes.health``.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Match

from ninyo import telemetry

router = APIRouter(tags=["health"])

READY_TIMEOUT = 3.0  # seconds per check


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/readyz",
    responses={
        200: {"description": "ready: database, Temporal and the task queue's pollers answer"},
        503: {"description": "not ready; `checks` names what failed"},
    },
)
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    checks: dict[str, str] = {}
    checks["database"] = await _check(_database(state.store))
    client = getattr(state, "client", None)
    if client is None:
        checks["temporal"] = "unreachable: no client"
        checks["worker_pollers"] = "unknown"
    else:
        checks["temporal"] = await _check(client.service_client.check_health())
        checks["worker_pollers"] = (
            await _check(_pollers(client, state.settings.task_queue))
            if checks["temporal"] == "ok"
            else "unknown"
        )
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


async def _check(coro: Any) -> str:
    try:
        result = await asyncio.wait_for(coro, READY_TIMEOUT)
    except TimeoutError:
        return "timeout"
    except Exception as exc:  # noqa: BLE001 - the answer names the failure
        return f"error: {type(exc).__name__}"
    return "ok" if result in (None, True) else str(result)


async def _database(store: Any) -> None:
    await store.stream_version("readyz:probe")


async def _pollers(client: Any, task_queue: str) -> bool | str:
    """Some worker polled ``task_queue`` recently, for workflow and for activity tasks."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        resp = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=kind,
            )
        )
        if not resp.pollers:
            return (
                f"no {TaskQueueType.Name(kind).removeprefix('TASK_QUEUE_TYPE_').lower()} "
                f"poller on {task_queue}"
            )
    return True


# --------------------------------------------------------------------------- middleware


def _route_template(app: Any, scope: dict) -> str:
    route = scope.get("route")
    if route is not None and getattr(route, "path", None):
        return route.path
    for r in getattr(app, "routes", ()):
        match, _ = r.matches(scope)
        if match == Match.FULL:
            return getattr(r, "path", "<other>")
    return "<unmatched>"  # never the raw path: unbounded label values


class ObservabilityMiddleware:
    """Counts and times each HTTP request by route template and status, and wraps it in
    a server span (attributes: route, status, municipality from the path, the actor set by
    ``api.deps``, the rule code of a refusal)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}
        method = scope.get("method", "GET")
        with telemetry.span(f"HTTP {method}", **{"http.request.method": method}) as sp:
            if sp is not None:
                scope.setdefault("state", {})["ninyo_span"] = sp

            async def send_wrapper(message: dict) -> None:
                if message["type"] == "http.response.start":
                    status["code"] = message["status"]
                elif (
                    sp is not None
                    and message["type"] == "http.response.body"
                    and status["code"] >= 400
                    and len(message.get("body", b"")) < 4096
                ):
                    _rule_code(sp, message.get("body", b""))
                await send(message)

            try:
                await self.app(scope, receive, send_wrapper)
            finally:
                route = _route_template(scope.get("app") or self.app, scope)
                elapsed = time.perf_counter() - start
                telemetry.HTTP_REQUESTS.labels(method, route, str(status["code"])).inc()
                telemetry.HTTP_LATENCY.labels(method, route).observe(elapsed)
                if sp is not None:
                    sp.update_name(f"HTTP {method} {route}")
                    sp.set_attribute("http.route", route)
                    sp.set_attribute("http.response.status_code", status["code"])
                    params = scope.get("path_params") or {}
                    code = params.get("municipality") or params.get("code")
                    if code:
                        sp.set_attribute("ninyo.municipality", str(code))


def _rule_code(sp: Any, body: bytes) -> None:
    try:
        code = json.loads(body)["error"]["code"]
    except Exception:  # noqa: BLE001 - not the API's error shape
        return
    sp.set_attribute("ninyo.rule_code", str(code))
