"""The mutation score of `make mutation`, per file, from mutmut's results in mutants/.

    python -m tests.mutation_score          # after `mutmut run ...` (make mutation)

Counts only the mutants that were run (the Makefile's MUTANTS selection: the whole of
subsidy, bid_restriction, appointment and pledges, the Appoint decision of
campaign_offers, Integrity.verify). Killed = a test failed (or timed out); every other
outcome that was run (survived, no tests, suspicious) counts against the score. Two
figures: ``score`` over every mutant, ``logic`` leaving out the mutants that only reword
a message (free text; contracts.md fixes codes, fields and numbers, not sentences). Lists
the other survivors; docs/testing.md explains them. Exits 1 below 90 % (score).
"""

from __future__ import annotations

import ast
import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}
SURVIVED = {0}
TARGET = 90.0


def results() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        path = str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]
        out[path] = {k: v for k, v in data["exit_code_by_key"].items() if v is not None}
    return out


@cache
def _functions(mutated_file: Path) -> dict[str, ast.AST]:
    tree = ast.parse(mutated_file.read_text())
    return {
        n.name: n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in n.name
    }


def _is_sentence(a: object, b: object) -> bool:
    """Both strings, the original a free-text sentence (it has a space), the mutant the
    same words wrapped in XX or in another case: mutmut's string mutations of a message."""
    if not (isinstance(a, str) and isinstance(b, str)) or " " not in a.strip():
        return False
    return b in (f"XX{a}XX", a.upper(), a.lower())


def message_only(path: str, mutant: str) -> bool:
    """True when the mutant changes nothing but the wording of a message (reason, finding
    or error text): no rule, field name, key, number or branch."""
    funcs = _functions(ROOT / "mutants" / path)
    name = mutant.rsplit(".", 1)[-1]
    orig = funcs.get(name.rsplit("__mutmut_", 1)[0] + "__mutmut_orig")
    mut = funcs.get(name)
    if orig is None or mut is None:
        return False
    changed = False
    for a, b in zip(ast.walk(orig), ast.walk(mut), strict=False):
        if type(a) is not type(b):
            return False
        if isinstance(a, ast.Constant):
            if a.value != b.value:
                if not _is_sentence(a.value, b.value):
                    return False
                changed = True
    return changed


def main() -> int:
    total: Counter = Counter()
    survivors: list[tuple[str, str]] = []
    print(f"{'file':34} {'mutants':>8} {'killed':>7} {'alive':>6} {'wording':>8} "
          f"{'score':>7} {'logic':>7}")  # fmt: skip
    for path, codes in results().items():
        if not codes:
            continue
        c: Counter = Counter()
        for k, v in codes.items():
            if v in KILLED:
                c["killed"] += 1
            elif message_only(path, k):
                c["wording"] += 1
            else:
                c["alive"] += 1
                survivors.append((k, "survived" if v in SURVIVED else f"exit {v}"))
        total.update(c)
        print(_row(path, c))
    print(_row("total", total))
    for name, why in survivors:
        print(f"  not killed ({why}): {name}")
    print(f"  + {total['wording']} mutants that only reword a message, not killed")
    n = sum(total.values())
    score = 100 * total["killed"] / n if n else 0.0
    return 0 if score >= TARGET else 1


def _row(label: str, c: Counter) -> str:
    """score: killed / every mutant run; logic: killed / the mutants that change more than
    the wording of a message (rules, fields, keys, numbers, branches)."""
    n = sum(c.values())
    logic = n - c["wording"]
    return (
        f"{label:34} {n:8} {c['killed']:7} {c['alive']:6} {c['wording']:8} "
        f"{100 * c['killed'] / n if n else 0:6.1f}% "
        f"{100 * c['killed'] / logic if logic else 0:6.1f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
