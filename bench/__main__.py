"""``python -m bench --quick|--full``: run every benchmark once, side by side, and write
``bench/results/latest.json``, ``docs/benchmarks.md`` and ``docs/benchmarks.png``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bench.runner import render, run_all

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick",
                      help="small sizes, under a minute (make bench-quick)")
    mode.add_argument("--full", dest="mode", action="store_const", const="full",
                      help="the sizes the targets are stated for (make bench)")
    mode.add_argument("--tiny", dest="mode", action="store_const", const="tiny",
                      help="smoke-test sizes (numbers meaningless)")
    ap.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "latest.json")
    ap.add_argument("--docs", type=Path, default=REPO / "docs",
                    help="directory for benchmarks.md and benchmarks.png")
    ap.add_argument("--render-only", action="store_true",
                    help="re-write benchmarks.md/.png from the --results file (no benchmarks)")
    ap.add_argument("--skip", action="append", default=[],
                    choices=["postgres", "sqlite", "temporal"], help="leave a part out")
    args = ap.parse_args(argv)
    if args.render_only:
        results = json.loads(args.results.read_text())
        render(results, args.docs)
        print(f"rendered {args.docs / 'benchmarks.md'} from {args.results}")
        return 0
    results = asyncio.run(run_all(args.mode or "quick", args.results, args.docs, set(args.skip)))
    unmet = [t["target"] for t in results["targets"] if t["met"] is False]
    pending = [t["target"] for t in results["targets"] if t["met"] is None]
    print(f"wrote {args.results} and {args.docs / 'benchmarks.md'} "
          f"in {results['run']['wall_s']:.1f} s")
    for t in results["targets"]:
        status = {True: "met", False: "NOT MET", None: "pending"}[t["met"]]
        print(f"  {status:8} {t['target']}  ({t['value']})")
    ny = results.get("national_year_s") or {}
    if ny.get("extrapolated_1741_s") is not None:
        print(f"national year: {ny['seconds']['median']:.1f} s for M={ny['m']} municipalities; "
              f"extrapolated to 1,741 municipalities: {ny['extrapolated_1741_s']:,.0f} s "
              f"({ny['extrapolated_1741_s'] / 60:.0f} min)")
    if unmet or pending:
        print(f"{len(unmet)} target(s) not met, {len(pending)} pending", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
