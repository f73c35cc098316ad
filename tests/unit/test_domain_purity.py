"""domain/ is pure: no I/O frameworks, no clock, no randomness (replay depends on it)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN_MODULES = (
    "sqlalchemy",
    "temporalio",
    "httpx",
    "asyncpg",
    "aiosqlite",
    "fastapi",
    "structlog",
)

PROBE = """
import importlib, pkgutil, sys
import domain
for m in pkgutil.walk_packages(domain.__path__, "domain."):
    importlib.import_module(m.name)
print(",".join(sorted(m for m in {mods} if m in sys.modules or any(k.startswith(m + ".") for k in sys.modules))))
print(len([k for k in sys.modules if k.startswith("domain.")]))
"""


def test_importing_every_domain_module_loads_no_io_or_temporal_library():
    # a fresh interpreter: this test process may have loaded them for other tests
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(mods=FORBIDDEN_MODULES)],
        capture_output=True,
        text=True,
        check=True,
        cwd=DOMAIN.parent,
    ).stdout.splitlines()
    assert out[0] == "", f"domain/ imports {out[0]}"
    assert int(out[1]) >= 10  # the walk really imported the package's modules


CLOCK_OR_RANDOM = re.compile(
    r"datetime\.now|\.utcnow|date\.today|\btoday\(\)|time\.time\(|time\.monotonic|\bimport random\b|from random import|\buuid4\(|\bos\.urandom|secrets\."
)


def test_no_domain_source_reads_the_clock_or_draws_random_numbers():
    offenders = []
    for path in sorted(DOMAIN.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if CLOCK_OR_RANDOM.search(code):
                offenders.append(f"{path.relative_to(DOMAIN.parent)}:{n}: {line.strip()}")
    assert offenders == []


def test_the_grep_would_catch_a_clock_read():
    assert CLOCK_OR_RANDOM.search("now = datetime.now(UTC)")
    assert CLOCK_OR_RANDOM.search("d = date.today()")
    assert CLOCK_OR_RANDOM.search("import random")
    assert not CLOCK_OR_RANDOM.search("def decide(state, command, now):")
