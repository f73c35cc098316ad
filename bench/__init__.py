"""Benchmarks: Ninyo's event store and workflows side by side with the ``eventsourcing``
library and raw asyncpg, all against the real PostgreSQL (and, where marked, SQLite).

``python -m bench --quick|--full`` writes ``bench/results/latest.json`` and
``docs/benchmarks.md`` (+ ``docs/benchmarks.png``).
"""
