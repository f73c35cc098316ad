"""Profile Ninyo's store with pyinstrument: ``python -m bench.profile append|batch|read|verify``.

Runs against a fresh PostgreSQL database and prints the call tree (or writes HTML with
``--html PATH``). Used to find where the store's time goes before optimising it.
"""

from __future__ import annotations

import argparse
import asyncio

from pyinstrument import Profiler

from bench import pgdb
from bench.peer_ninyo import NinyoPeer, trivial_fold


async def _run(what: str, n: int, html: str | None) -> None:
    db = await pgdb.create_database("ninyo_bench_profile")
    try:
        peer = await NinyoPeer.connect(db.sqlalchemy_url)
        try:
            stream = None
            if what in ("read", "verify"):
                for _ in range(max(1, n // 1000)):
                    stream = await peer.fill(min(n, 1000))
            await peer.append_single(5)  # warm-up: connections, statement caches
            profiler = Profiler(interval=0.0005, async_mode="enabled")
            profiler.start()
            if what == "append":
                await peer.append_single(n)
            elif what == "batch":
                await peer.append_batch(max(1, n // 100))
            elif what == "read":
                for _ in range(10):
                    await peer.read_stream(stream, trivial_fold)
            elif what == "verify":
                await peer.verify()
            profiler.stop()
        finally:
            await peer.close()
    finally:
        await pgdb.drop_database(db)
    if html:
        profiler.write_html(html)
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.profile")
    ap.add_argument("what", choices=["append", "batch", "read", "verify"])
    ap.add_argument("-n", type=int, default=1000, help="events")
    ap.add_argument("--html")
    args = ap.parse_args()
    asyncio.run(_run(args.what, args.n, args.html))


if __name__ == "__main__":
    main()
