"""psycopg 3 under eventlet: a worker waiting on PostgreSQL must not stop the other workers.

Ten RPC calls each run ``SELECT pg_sleep(0.3)``. Each returns PostgreSQL's clock before and after its sleep. If the
hub is free while a query waits, the ten sleeps overlap (one moment lies inside all of them) and the batch takes
about 0.3 s; if the driver blocks the hub, they run one after another (no common moment, about 3 s). The second
test switches psycopg back to its blocking C wait function and shows the check catches that.
"""

from __future__ import annotations

import time

import psycopg.waiting
import pytest
from sqlalchemy import text

from svckit.db import Database, make_psycopg_cooperative
from svckit.entrypoints import rpc


class SleepyService:
    name = "sleepy"
    db = Database("identity")

    @rpc
    def sleep(self, seconds: float) -> tuple[float, float]:
        row = self.db.execute(text(
            "SELECT extract(epoch FROM clock_timestamp()) AS before, pg_sleep(:s), "
            "extract(epoch FROM clock_timestamp()) AS after"), {"s": seconds}).one()
        return float(row.before), float(row.after)


def _ten_sleeps(run_services, rpc_as):
    run_services(SleepyService, db_services=("identity",))
    with rpc_as() as rpc:
        # warm the pool: ten connections opened before the measurement (a connection opened inside it would start
        # its sleep late by the time a connect takes on a busy machine, and no moment would lie inside all ten)
        for reply in [rpc.sleepy.sleep.call_async(0.05) for _ in range(10)]:
            reply.result()
        started = time.perf_counter()
        replies = [rpc.sleepy.sleep.call_async(0.3) for _ in range(10)]
        intervals = [reply.result() for reply in replies]
        elapsed = time.perf_counter() - started
    return intervals, elapsed


def test_db_calls_do_not_block_the_hub(run_services, rpc_as):
    intervals, elapsed = _ten_sleeps(run_services, rpc_as)
    latest_start = max(before for before, _ in intervals)
    earliest_end = min(after for _, after in intervals)
    assert latest_start < earliest_end, "the ten pg_sleep(0.3) calls did not overlap: the hub was blocked"
    assert elapsed < 10 * 0.3 / 2, f"10 x pg_sleep(0.3) took {elapsed:.2f}s"


@pytest.fixture
def blocking_psycopg():
    psycopg.waiting.wait = psycopg.waiting.wait_c
    yield
    make_psycopg_cooperative()


def test_the_check_catches_a_blocking_driver(blocking_psycopg, run_services, rpc_as):
    intervals, elapsed = _ten_sleeps(run_services, rpc_as)
    latest_start = max(before for before, _ in intervals)
    earliest_end = min(after for _, after in intervals)
    assert latest_start >= earliest_end  # serialised: no moment lies inside all ten sleeps
    assert elapsed >= 10 * 0.3 * 0.9
