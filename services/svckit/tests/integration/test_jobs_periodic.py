"""svckit.jobs periodic jobs as billing and dispatch use them: an interval from the service config (or off), the loop
waking for a slot sooner than its poll, and finished periodic runs deleted after ``keep`` seconds."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import eventlet
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import DeclarativeBase, Session

from svckit import deps
from svckit.clock import Clock, utcnow
from svckit.db import Database
from svckit.entrypoints import rpc
from svckit.jobs import JobColumns, JobRunner, Periodic, job_table_args
from svckit.principal import Principal

TABLE = "svckit_test_periodic_jobs"


class Base(DeclarativeBase):
    pass


class PeriodicJob(JobColumns, Base):
    __tablename__ = TABLE
    __table_args__ = job_table_args(TABLE)


SYSTEM = Principal.system("periodictest_busy")


def tick(ctx):
    return {"every": ctx.params.get("every")}


def busy(ctx):
    """Runs until cancelled: a long export, say."""
    i = 0
    while True:
        i += 1
        ctx.progress(i)
        eventlet.sleep(0.02)


def interval_from_config(config) -> float | None:
    return config.get("PERIODICTEST_TICK_INTERVAL")


class PeriodicService:
    name = "periodictest"
    db = Database("identity")
    clock = Clock()
    jobs = JobRunner(PeriodicJob, {"tick": tick, "off": tick},
                     periodic=[Periodic("tick", every=interval_from_config, params={"every": "config"}),
                               Periodic("off", every=lambda config: None)])


class BusyService(PeriodicService):
    name = "periodictest_busy"
    jobs = JobRunner(PeriodicJob, {"tick": tick, "busy": busy}, concurrency=1,
                     periodic=[Periodic("tick", every=0.2)])

    @rpc
    def start_busy(self) -> str:
        job = self.jobs.enqueue(self.db, "busy", Principal.system("periodictest_busy", account_id=str(uuid.uuid4())))
        self.db.commit()
        return str(job.id)


@pytest.fixture(scope="module")
def engine(databases):
    engine = databases.engine("identity")
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    Base.metadata.create_all(engine)
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


@pytest.fixture(autouse=True)
def empty(engine):
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {TABLE}"))  # noqa: S608 -- the test's own table name


def rows(engine, kind: str) -> list[PeriodicJob]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(PeriodicJob).where(PeriodicJob.kind == kind)
                              .order_by(PeriodicJob.created_at)))


def wait(what, check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_interval_from_the_config_wakes_the_loop_sooner_than_its_poll_and_off_is_never_enqueued(engine, run_services):
    runner = run_services(PeriodicService, db_services=("identity",),
                          config={"PERIODICTEST_TICK_INTERVAL": 0.2, "PERIODICTEST_JOB_POLL": 30})
    done = wait("three ticks", lambda: [j for j in rows(engine, "tick") if j.state == "done"][2:] or None)
    assert done[0].result == {"every": "config"}
    ticks = rows(engine, "tick")
    assert len({j.idempotency_key for j in ticks}) == len(ticks)   # one job per slot
    assert rows(engine, "off") == []                                 # every loop round saw it and left it out
    provider = deps.find(next(iter(runner.containers)), JobRunner)
    assert set(provider._every) == {"tick"}


def test_finished_periodic_runs_older_than_keep_are_deleted(engine, run_services):
    old = utcnow() - timedelta(days=2)
    account = uuid.uuid4()
    with Session(engine) as s:
        s.add_all([
            PeriodicJob(kind="tick", state="done", finished_at=old, idempotency_key="tick@old"),
            PeriodicJob(kind="tick", state="failed", finished_at=old, idempotency_key="tick@older"),
            PeriodicJob(kind="tick", state="done", finished_at=old, account_id=account),  # an account's job stays
            PeriodicJob(kind="off", state="done", finished_at=old),                       # another kind's too
        ])
        s.commit()
    run_services(PeriodicService, db_services=("identity",),
                 config={"PERIODICTEST_TICK_INTERVAL": 3600, "PERIODICTEST_JOB_POLL": 0.2})
    wait("the old runs deleted", lambda: not [j for j in rows(engine, "tick") if j.idempotency_key
                                              in ("tick@old", "tick@older")])
    ticks = rows(engine, "tick")
    assert [j.account_id for j in ticks if j.finished_at == old] == [account]
    assert len([j for j in ticks if j.account_id is None]) == 1        # this slot's run
    assert len(rows(engine, "off")) == 1


def test_periodic_jobs_run_in_their_own_slot_while_long_jobs_fill_the_others(engine, run_services, rpc_as):
    run_services(BusyService, db_services=("identity",), config={"PERIODICTEST_BUSY_JOB_POLL": 0.2})
    with rpc_as(SYSTEM) as rpc:
        busy_id = rpc.periodictest_busy.start_busy()
    wait("the long job running", lambda: [j for j in rows(engine, "busy") if j.state == "running"])
    since = len([j for j in rows(engine, "tick") if j.state == "done"])
    wait("two ticks while the only ordinary slot is taken",
         lambda: len([j for j in rows(engine, "tick") if j.state == "done"]) >= since + 2)
    [job] = rows(engine, "busy")
    assert job.state == "running" and str(job.id) == busy_id
    with engine.begin() as conn:   # let it end (the runner waits for it when the service stops)
        conn.execute(text(f"UPDATE {TABLE} SET cancel_requested = true WHERE id = :i"), {"i": busy_id})  # noqa: S608 -- the test's own table name
    wait("the long job cancelled", lambda: [j for j in rows(engine, "busy") if j.state == "cancelled"])
