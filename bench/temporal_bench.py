"""The Temporal benchmarks, on one dev server started once per run: the bare update round
trip, Ninyo HR commands through the HTTP API, campaign lifecycle and the national year."""

from __future__ import annotations

import time

from bench.sizes import Sizes
from bench.stats import percentile_figures
from bench.temporal_env import dev_server, update_rtt


async def run_temporal(s: Sizes, notes: list[str]) -> dict:
    out: dict = {"temporal": {}, "lifecycle": {}, "national_year_s": {}}
    t0 = time.perf_counter()
    async with dev_server() as (client, address, started):
        out["temporal"]["dev_server_start_s"] = round(started, 2)
        samples = await update_rtt(client, s.temporal_commands, warmup=10 * s.warmup)
        p50, p95 = percentile_figures(samples, s.reps)
        out["temporal"].update(update_rtt_ms_p50=p50.as_json(), update_rtt_ms_p95=p95.as_json(),
                               commands=s.temporal_commands)
        # what writing events costs the engine: the same update awaiting a no-op activity
        # (Ninyo's append_events is one) or a no-op local activity
        for mode in ("activity", "local_activity"):
            n = max(2 * s.reps, s.temporal_commands // 2)  # context, not a target: fewer
            samples = await update_rtt(client, n, 5 * s.warmup, mode)
            p50, p95 = percentile_figures(samples, s.reps)
            out["temporal"][f"update_{mode}_rtt_ms_p50"] = p50.as_json()
            out["temporal"][f"update_{mode}_rtt_ms_p95"] = p95.as_json()
        try:
            from bench import ninyo_flows
        except Exception as exc:  # noqa: BLE001 - the workflows/API may not have landed
            note = f"pending: Ninyo's workflows/API not available yet ({exc!r})"
            out["temporal"].update(api_command_ms_p50=None, api_command_ms_p95=None, note=note)
            out["lifecycle"] = {"campaigns_per_minute": None, "intake_per_second": None,
                                "note": note}
            out["national_year_s"] = {"m": s.national_m, "seconds": None,
                                      "extrapolated_1741_s": None, "note": note}
        else:
            await ninyo_flows.run(client, address, s, out, notes)
    out["temporal"]["section_wall_s"] = round(time.perf_counter() - t0, 2)
    return out
