"""Enforce the per-package branch-coverage floors of ``[tool.ninyo.coverage-floors]``.

    python -m tests.coverage_floors      # after `pytest --cov` wrote .coverage (make test)

coverage.py's own ``fail_under`` is one figure for everything measured; the promise here
is per package (the pure rules in domain/, the tamper-evident store in eventstore/), so
each floor is checked on its own files. Prints one line per package; exits 1 when one is
below its floor.
"""

from __future__ import annotations

import io
import sys
import tomllib
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[1]


def floors() -> dict[str, float]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return data["tool"]["ninyo"]["coverage-floors"]


def measured(package: str) -> float:
    cov = coverage.Coverage(
        data_file=str(ROOT / ".coverage"), config_file=str(ROOT / "pyproject.toml")
    )
    cov.load()
    return cov.report(include=[f"{ROOT / package}/*"], file=io.StringIO())


def main() -> int:
    failed = False
    for package, floor in floors().items():
        got = measured(package)
        ok = got >= floor
        failed |= not ok
        print(
            f"coverage {package}/: {got:.1f} % (floor {floor} %) {'ok' if ok else 'BELOW THE FLOOR'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
