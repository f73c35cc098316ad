"""The peer: John Bywater's ``eventsourcing`` library (9.x) on PostgreSQL — an
``Application`` whose infrastructure comes from POSTGRES_* settings, so events go through
its mapper (JSON transcoder) into ``PostgresApplicationRecorder``. Synchronous (psycopg 3),
so concurrent writers are threads.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.postgres import PostgresApplicationRecorder

from bench.payload import application_data
from bench.pgdb import Database


class Recruitment(Aggregate):
    """A campaign stream; every ``ApplicationReceived`` adds one applicant."""

    @event("Started")
    def __init__(self, municipality: str):
        self.municipality = municipality
        self.applicants: dict[str, dict] = {}

    @event("ApplicationReceived")
    def receive(self, data: dict) -> None:
        self.applicants[data["applicant_id"]] = data


class Recruiting(Application[UUID]):
    name = "Recruiting"


class EventsourcingPeer:
    def __init__(self, db: Database, pool_size: int = 8):
        p = db.parts
        self.app = Recruiting(env={
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": p["dbname"], "POSTGRES_HOST": p["host"],
            "POSTGRES_PORT": p["port"], "POSTGRES_USER": p["user"],
            "POSTGRES_PASSWORD": p["password"], "POSTGRES_POOL_SIZE": str(pool_size),
            "CREATE_TABLE": "y",
        })
        assert isinstance(self.app.recorder, PostgresApplicationRecorder)

    def close(self) -> None:
        self.app.close()

    def _new(self) -> Recruitment:
        agg = Recruitment("131016")
        self.app.save(agg)
        return agg

    def append_single(self, n: int) -> tuple[int, float]:
        agg = self._new()
        start = time.perf_counter()
        for i in range(n):
            agg.receive(application_data(i))
            self.app.save(agg)
        return n, time.perf_counter() - start

    def append_batch(self, batches: int, size: int = 100) -> tuple[int, float]:
        agg = self._new()
        start = time.perf_counter()
        for b in range(batches):
            for k in range(size):
                agg.receive(application_data(b * size + k))
            self.app.save(agg)
        return batches * size, time.perf_counter() - start

    def append_concurrent(self, writers: int, per_writer: int) -> tuple[int, float]:
        aggs = [self._new() for _ in range(writers)]

        def write(agg: Recruitment) -> None:
            for i in range(per_writer):
                agg.receive(application_data(i))
                self.app.save(agg)

        start = time.perf_counter()
        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(write, aggs))
        return writers * per_writer, time.perf_counter() - start

    def fill(self, n: int) -> UUID:
        agg = self._new()
        for i in range(n - 1):  # the creation event counts: n events in all
            agg.receive(application_data(i))
        self.app.save(agg)
        return agg.id

    def read_stream(self, agg_id: UUID) -> tuple[int, float]:
        start = time.perf_counter()
        agg = self.app.repository.get(agg_id)
        seconds = time.perf_counter() - start
        assert agg.version == len(agg.applicants) + 1
        return agg.version, seconds
