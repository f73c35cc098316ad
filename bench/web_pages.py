"""``python -m bench.web_pages [--applicants 600] [--samples 40]``: server time per screen
with one big campaign (issue 12: p95 <= 150 ms for ホーム, 応募者 and the 監査 timeline).

The campaign is built through Temporal as in ``bench.ninyo_flows`` (store + worker + API on
a free port, applications recorded by four officers at once); then an HR officer and an
auditor sign in through the sign-in form and each page is fetched ``samples`` times over
HTTP on the loopback. Prints p50/p95 per page in ms (wall time of the request as the
client sees it: server time plus the loopback).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from urllib.parse import quote

from sqlalchemy.ext.asyncio import create_async_engine

from bench.ninyo_flows import CampaignDriver, Stack, receive_all
from bench.stats import percentile
from bench.temporal_env import dev_server

PASSWORD = "bench password, not a secret"


async def _sign_in(stack: Stack, username: str):
    import httpx

    http = httpx.AsyncClient(base_url=stack.http.base_url, timeout=60)
    page = await http.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = await http.post("/signin", data={"username": username, "password": PASSWORD,
                                         "csrf": csrf})
    assert r.status_code == 303, r.text
    return http


async def _time(http, path: str, samples: int) -> tuple[float, float]:
    await http.get(path)  # warm-up
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        r = await http.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return percentile(times, 50), percentile(times, 95)


async def run(applicants: int, samples: int) -> dict[str, tuple[float, float]]:
    from web.accounts import Accounts

    async with dev_server() as (client, address, _), Stack(client, address) as stack:
        d = CampaignDriver(client, "web", task_queue=stack.settings.task_queue)
        await d.open()
        await receive_all(d, applicants, 4)
        engine = create_async_engine(stack.settings.database_url)
        accounts = Accounts(engine)
        code = d.muni.code
        await accounts.add("officer", PASSWORD, "hr_officer", [code])
        await accounts.add("auditor", PASSWORD, "auditor", [code])
        await engine.dispose()
        officer = await _sign_in(stack, "officer")
        auditor = await _sign_in(stack, "auditor")
        campaign = f"/ui/c/{code}/{d.plan.campaign_id}"
        pages = {
            "ホーム (officer)": (officer, "/ui/home"),
            "応募者 (campaign page with the board)": (officer, campaign),
            "応募者 (one applicant)": (officer, campaign + "/a/a1"),
            "監査 timeline": (auditor, "/ui/audit/timeline?stream=" + quote(d.wf)),
        }
        out = {name: await _time(http, path, samples) for name, (http, path) in pages.items()}
        await officer.aclose()
        await auditor.aclose()
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=600)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    figures = asyncio.run(run(args.applicants, args.samples))
    print(f"| page ({args.applicants} applicants, {args.samples} requests) | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, (p50, p95) in figures.items():
        print(f"| {name} | {p50:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
