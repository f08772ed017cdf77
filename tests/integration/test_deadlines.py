"""Deadlines end work (issue 15 point 3), on the run's real RabbitMQ and PostgreSQL: SQL of a call whose caller gave
up is cancelled in PostgreSQL, a call that arrives after its deadline is not run, and a service calling another
passes its deadline on without extending it."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from sqlalchemy import text

from gateway.resilience import Guards
from gateway.rpc import RpcClient
from svckit import deadline
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.errors import Unavailable
from svckit.rpc import ServiceRpc
from svckit.settings import principal_secret

RECEIVED: list[float | None] = []


class Sleepy:
    """Works in crm's test database (any migrated database would do)."""
    name = "deadline_sleepy"
    db = Database("crm")

    @rpc
    def nap(self, marker: str, seconds: float) -> str:
        self.db.execute(text(f"SELECT pg_sleep(:s) /* {marker} */"), {"s": seconds})
        self.db.commit()
        return "rested"

    @rpc
    def write(self, table: str, marker: str) -> str:
        self.db.execute(text(f"INSERT INTO {table} (marker) VALUES (:m)"), {"m": marker})
        self.db.commit()
        return "written"


class Recorder:
    name = "deadline_recorder"
    auth = Auth()

    @rpc
    def record(self) -> str:
        RECEIVED.append(deadline.of(self.auth._worker_ctx.data))
        return "ok"


class Outer:
    name = "deadline_outer"
    auth = Auth()
    recorder = ServiceRpc("deadline_recorder", timeout=60)

    @rpc
    def relay(self) -> str:
        return self.recorder.record()


def _client(amqp_uri) -> RpcClient:
    return RpcClient(amqp_uri, principal_secret(), timeout=10, guards=Guards())


def _running(engine, marker: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE query LIKE :q AND state = 'active' "
                                 "AND pid <> pg_backend_pid()"), {"q": f"%{marker}%"}).scalar_one()


def test_sql_of_a_call_whose_caller_gave_up_is_cancelled_in_postgresql(amqp_uri, run_services, databases, caplog):
    caplog.set_level(logging.WARNING, logger="svckit.entrypoints")
    run_services(Sleepy, db_services=("crm",))
    engine = databases.engine("crm")
    client = _client(amqp_uri)
    marker = f"nap-{uuid.uuid4().hex}"
    try:
        with pytest.raises(Unavailable):   # the caller gives up after a second; the SQL would run for 60
            client.call(Sleepy.name, "nap", marker, 60, timeout=1.0)
        gave_up = time.monotonic()
        while _running(engine, marker) and time.monotonic() - gave_up < 10:
            time.sleep(0.05)
        assert _running(engine, marker) == 0
        while "cancelled at the caller's deadline" not in caplog.text and time.monotonic() - gave_up < 10:
            time.sleep(0.05)
        assert "deadline_sleepy.nap: a statement was cancelled at the caller's deadline" in caplog.text
    finally:
        client.close()


def test_a_call_arriving_after_its_deadline_is_not_run(amqp_uri, run_services, databases, rpc_as, caplog):
    caplog.set_level(logging.WARNING, logger="svckit.entrypoints")
    table = f"deadline_probe_{uuid.uuid4().hex[:8]}"
    engine = databases.engine("crm")
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {table} (marker text)"))
    try:
        run_services(Sleepy, db_services=("crm",))
        with rpc_as(None, **{deadline.DEADLINE_KEY: time.time() - 1}) as proxy:
            with pytest.raises(Unavailable) as refused:
                proxy.deadline_sleepy.write(table, "late")
        assert refused.value.extra["reason"] == "deadline"
        with rpc_as(None, **{deadline.DEADLINE_KEY: time.time() + 30}) as proxy:
            assert proxy.deadline_sleepy.write(table, "in time") == "written"
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT marker FROM {table}")).scalars().all() == ["in time"]
        assert "deadline_sleepy.write arrived" in caplog.text
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))


def test_service_rpc_passes_the_remaining_deadline_on_never_a_later_one(amqp_uri, run_services, rpc_as):
    RECEIVED.clear()
    received = RECEIVED
    run_services(Outer, Recorder)
    until = time.time() + 20
    with rpc_as(None, **{deadline.DEADLINE_KEY: until}) as proxy:
        assert proxy.deadline_outer.relay() == "ok"
    assert received == [pytest.approx(until)]          # ServiceRpc's 60 s did not extend the caller's 20 s
    with rpc_as(None) as proxy:                         # no deadline from the caller: ServiceRpc's own timeout
        before = time.time()
        assert proxy.deadline_outer.relay() == "ok"
    assert before + 59 < received[1] <= time.time() + 60


def test_statement_timeout_follows_the_time_left():
    assert deadline.statement_timeout_ms(None) is None
    assert deadline.statement_timeout_ms(None, cap_seconds=30) == 30000
    assert deadline.statement_timeout_ms(110.0, now=100.0) == 10000
    assert deadline.statement_timeout_ms(110.0, cap_seconds=2, now=100.0) == 2000
    with pytest.raises(Unavailable):
        deadline.statement_timeout_ms(99.0, now=100.0)


@pytest.mark.parametrize("current_ms,expected_ms", [(0, 30000), (5000, 5000), (60000, 30000)])
def test_crm_duplicate_scan_is_bounded_by_the_deadline_and_its_cap(db_session, current_ms, expected_ms):
    from crm.db import queries
    from crm.usecases import duplicates

    session = db_session("crm")
    session.execute(text(f"SET LOCAL statement_timeout = {current_ms}"))
    session.execute(queries.DUPLICATE_SCAN_SETTINGS, {"t": "0.6", "cap": int(duplicates.SCAN_SECONDS * 1000)})
    shown = session.execute(text("SELECT extract(epoch FROM current_setting('statement_timeout')::interval) * 1000"))
    assert shown.scalar_one() == expected_ms
    assert session.execute(text("SELECT current_setting('pg_trgm.similarity_threshold')")).scalar_one() == "0.6"
