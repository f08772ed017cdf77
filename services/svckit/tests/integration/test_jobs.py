"""svckit.jobs on real PostgreSQL and RabbitMQ: a small service with a jobs table in identity's test database.

Enqueue in the caller's transaction, idempotency keys, claiming with SKIP LOCKED (two processes never run one job
twice; a stale job is claimed again), retries with backoff for unexpected errors (a WireError is final), progress,
cancellation, the time limit (at progress points and by the heartbeat), metrics hooks and periodic jobs. Time moves
with the service's clock; nothing sleeps to prove a thing happened once.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import eventlet
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import DeclarativeBase, Session

from svckit import deps
from svckit.clock import Clock, clock_of
from svckit.db import Database
from svckit.entrypoints import rpc
from svckit.errors import Forbidden, InvalidInput
from svckit.i18n import Text
from svckit.jobs import JobColumns, JobMetrics, JobRunner, Kind, Periodic, job_table_args, serialise
from svckit.principal import Principal

TABLE = "svckit_test_jobs"
RUNS = "svckit_test_job_runs"


class Base(DeclarativeBase):
    pass


class SampleJob(JobColumns, Base):
    __tablename__ = TABLE
    __table_args__ = job_table_args(TABLE)


def _record(ctx) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {RUNS} (job_id, attempt) VALUES (:j, :a)"),
                     {"j": ctx.job_id, "a": ctx.attempt})


def echo(ctx):
    _record(ctx)
    ctx.progress(1, 1, "echoing")
    return {"params": ctx.params, "account": str(ctx.account_id), "client": str(ctx.client_id),
            "principal": ctx.principal.kind}


def flaky(ctx):
    _record(ctx)
    if ctx.attempt < 3:
        raise RuntimeError("not yet")
    return {"attempt": ctx.attempt}


def broken(ctx):
    _record(ctx)
    raise RuntimeError("always")


def refused(ctx):
    _record(ctx)
    raise InvalidInput(fields={"file": Text("Zeile 2 ist kaputt.", "Line 2 is broken.")})


def counting(ctx):
    """Counts until cancelled (or stopped by the time limit at a progress point)."""
    _record(ctx)
    i = 0
    while True:
        i += 1
        ctx.progress(i, None, "counting")
        eventlet.sleep(0.01)


def silent(ctx):
    """Works without reporting progress: only the heartbeat can stop it."""
    _record(ctx)
    while True:
        eventlet.sleep(0.01)


def writes_then_fails(ctx):
    ctx.session.execute(text(f"INSERT INTO {RUNS} (job_id, attempt) VALUES (:j, -1)"), {"j": ctx.job_id})
    raise InvalidInput(fields={"x": Text("Nein.", "No.")})


HANDLERS = {
    "echo": echo,
    "tick": echo,
    "flaky": Kind(flaky, max_attempts=3, backoff=60),
    "broken": Kind(broken, max_attempts=2, backoff=10),
    "refused": Kind(refused, max_attempts=3),
    "counting": Kind(counting, time_limit=600),
    "silent": Kind(silent, time_limit=600),
    "writes_then_fails": writes_then_fails,
}


class Recorder(JobMetrics):
    def __init__(self) -> None:
        self.claimed: list[str] = []
        self.finished: list[tuple[str, str, float]] = []

    def on_claimed(self, kind: str) -> None:
        self.claimed.append(kind)

    def on_finished(self, kind: str, state: str, seconds: float) -> None:
        self.finished.append((kind, state, seconds))


METRICS = Recorder()


class JobService:
    name = "jobtest"
    db = Database("identity")
    clock = Clock()
    jobs = JobRunner(SampleJob, HANDLERS, metrics=METRICS)

    @rpc
    def enqueue(self, kind: str, account: str | None, params: dict | None = None, key: str | None = None,
                client: str | None = None, fail: bool = False) -> dict:
        job = self.jobs.enqueue(self.db, kind, Principal.system("jobtest", account_id=account), params,
                                client_id=client, key=key)
        if fail:
            raise InvalidInput(fields={"kind": Text("Nein.", "No.")})
        self.db.commit()
        return serialise(job)

    @rpc
    def cancel(self, job_id: str) -> dict:
        job = self.jobs.cancel(self.db, self.db.get(SampleJob, uuid.UUID(job_id)))
        self.db.commit()
        return serialise(job)

    @rpc
    def get(self, job_id: str, lang: str | None = None) -> dict:
        return serialise(self.db.get(SampleJob, uuid.UUID(job_id)), lang)


class AccountJobService(JobService):
    name = "jobtest_accounts"
    jobs = JobRunner(SampleJob, HANDLERS, require_account=True)


class PeriodicService(JobService):
    name = "jobtest_periodic"
    jobs = JobRunner(SampleJob, {"tick": echo}, periodic=[Periodic("tick", every=3600, params={"every": "hour"})])


@pytest.fixture(scope="module")
def engine(databases):
    engine = databases.engine("identity")
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}, {RUNS}"))
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {RUNS} (job_id uuid NOT NULL, attempt integer NOT NULL)"))
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}, {RUNS}"))


@pytest.fixture
def service(engine, run_services):
    def start(cls=JobService, **config):
        runner = run_services(cls, db_services=("identity",), config={"JOBTEST_JOB_POLL": 0.2, **config})
        container = next(iter(runner.containers))
        return deps.find(container, JobRunner), clock_of(container)
    METRICS.claimed.clear()
    METRICS.finished.clear()
    return start


ACCOUNT = str(uuid.uuid4())


def wait(what, check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def job_row(engine, job_id):
    with Session(engine, expire_on_commit=False) as s:
        return s.get(SampleJob, uuid.UUID(str(job_id)))


def runs(engine, job_id=None) -> list[tuple]:
    with engine.connect() as conn:
        if job_id is None:
            return [tuple(r) for r in conn.execute(text(f"SELECT job_id, attempt FROM {RUNS}"))]
        return [tuple(r) for r in conn.execute(text(f"SELECT job_id, attempt FROM {RUNS} WHERE job_id = :j "
                                                    "ORDER BY attempt"), {"j": job_id})]


def finished(engine, job_id, state: str | None = None):
    def check():
        job = job_row(engine, job_id)
        return job if job.state in ("done", "failed", "cancelled") else None
    job = wait(f"job {job_id}", check)
    if state:
        assert job.state == state, (job.state, job.error)
    return job


def test_enqueue_runs_with_the_callers_principal_and_progress(service, engine, rpc_as):
    service()
    client = str(uuid.uuid4())
    with rpc_as() as rpc:
        job = rpc.jobtest.enqueue("echo", ACCOUNT, {"n": 1}, client=client)
        assert job["state"] == "queued" and job["kind"] == "echo"
        done = finished(engine, job["id"], "done")
        assert done.result == {"params": {"n": 1}, "account": ACCOUNT, "client": client, "principal": "service"}
        assert (done.done, done.total, done.phase, done.attempts) == (1, 1, "echoing", 1)
        view = rpc.jobtest.get(job["id"])
        assert view["state"] == "done" and view["started_at"] and view["finished_at"] and view["phase"] == "echoing"
    assert runs(engine, uuid.UUID(job["id"])) == [(uuid.UUID(job["id"]), 1)]
    assert METRICS.claimed == ["echo"] and [(k, s) for k, s, _ in METRICS.finished] == [("echo", "done")]
    assert METRICS.finished[0][2] >= 0


def test_enqueue_belongs_to_the_callers_transaction(service, engine, rpc_as):
    service()
    with rpc_as() as rpc:
        with pytest.raises(InvalidInput):
            rpc.jobtest.enqueue("echo", ACCOUNT, {"rolled": "back"}, fail=True)
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {TABLE} WHERE params->>'rolled' = 'back'")).scalar() == 0


def test_a_runner_for_account_jobs_refuses_a_caller_without_an_account(service, engine, rpc_as):
    service(AccountJobService)
    with rpc_as() as rpc:
        with pytest.raises(Forbidden):
            rpc.jobtest_accounts.enqueue("echo", None, {"no": "account"})
        job = rpc.jobtest_accounts.enqueue("echo", ACCOUNT, {"an": "account"})
    finished(engine, job["id"], "done")
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {TABLE} WHERE params ? 'no'")).scalar() == 0


def test_idempotency_key_returns_the_accounts_existing_job(service, engine, rpc_as):
    service()
    other = str(uuid.uuid4())
    with rpc_as() as rpc:
        first = rpc.jobtest.enqueue("echo", ACCOUNT, {"n": 1}, key="archive")
        again = rpc.jobtest.enqueue("echo", ACCOUNT, {"n": 2}, key="archive")
        elsewhere = rpc.jobtest.enqueue("echo", other, {"n": 3}, key="archive")
    assert again["id"] == first["id"] and elsewhere["id"] != first["id"]
    finished(engine, first["id"], "done")
    finished(engine, elsewhere["id"], "done")
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {TABLE} WHERE idempotency_key = 'archive'")).scalar() == 2


def test_claim_skips_a_locked_job_and_two_processes_never_run_one_job_twice(service, engine, rpc_as,
                                                                         run_services):
    runner, _ = service()
    with rpc_as() as rpc:
        first = rpc.jobtest.enqueue("echo", ACCOUNT, {"n": 0})
        finished(engine, first["id"], "done")
    # a job locked by another claimer is skipped, not waited for
    runner._running = False   # the loop goes to sleep; claim() is called directly below
    runner.poke()
    with Session(engine, expire_on_commit=False) as s:
        a = SampleJob(id=uuid.uuid4(), kind="echo", account_id=uuid.UUID(ACCOUNT), principal={"kind": "service"})
        s.add(a)
        s.commit()
        b = SampleJob(id=uuid.uuid4(), kind="echo", account_id=uuid.UUID(ACCOUNT), principal={"kind": "service"})
        s.add(b)
        s.commit()
    with engine.connect() as locker:
        tx = locker.begin()
        locker.execute(text(f"SELECT id FROM {TABLE} WHERE id = :i FOR UPDATE"), {"i": a.id})
        assert runner.claim() == b.id
        assert runner.claim() is None      # a is locked, b is running with a fresh heartbeat
        tx.rollback()
    assert runner.claim() == a.id

    # two more processes share 30 jobs: each runs exactly once
    run_services(JobService, db_services=("identity",), config={"JOBTEST_JOB_POLL": 0.05})
    run_services(JobService, db_services=("identity",), config={"JOBTEST_JOB_POLL": 0.05})
    with rpc_as() as rpc:
        ids = [rpc.jobtest.enqueue("echo", ACCOUNT, {"n": n})["id"] for n in range(30)]
    for job_id in ids:
        finished(engine, job_id, "done")
    counted = [r[0] for r in runs(engine) if str(r[0]) in ids]
    assert sorted(map(str, counted)) == sorted(ids)


def test_a_job_whose_worker_died_is_claimed_again_and_fails_after_its_attempts(service, engine):
    runner, clock = service()
    now = clock.now()
    with Session(engine, expire_on_commit=False) as s:
        orphan = SampleJob(id=uuid.uuid4(), kind="echo", account_id=uuid.UUID(ACCOUNT), principal={"kind": "service"},
                         state="running", attempts=1, heartbeat_at=now - timedelta(minutes=10))
        fresh = SampleJob(id=uuid.uuid4(), kind="echo", account_id=uuid.UUID(ACCOUNT), principal={"kind": "service"},
                        state="running", attempts=1, heartbeat_at=now)
        spent = SampleJob(id=uuid.uuid4(), kind="echo", account_id=uuid.UUID(ACCOUNT), principal={"kind": "service"},
                        state="running", attempts=3, heartbeat_at=now - timedelta(minutes=10))
        s.add_all([orphan, fresh, spent])
        s.commit()
    runner.poke()
    assert finished(engine, orphan.id, "done").attempts == 2
    failed = finished(engine, spent.id, "failed")
    assert failed.error["code"] == "job_failed" and str(spent.id) in failed.error["detail"]["en"]
    assert runs(engine, spent.id) == []                   # not run a fourth time
    assert job_row(engine, fresh.id).state == "running"   # its worker is alive: left alone


def test_unexpected_errors_retry_with_backoff_and_wire_errors_are_final(service, engine, rpc_as):
    runner, clock = service()
    with rpc_as() as rpc:
        before = clock.now()
        job = rpc.jobtest.enqueue("flaky", ACCOUNT)
        first = wait("first retry", lambda: (j := job_row(engine, job["id"])).state == "queued" and j.attempts == 1
                     and j)
        assert first.run_after >= before + timedelta(seconds=60) and first.error is None
        clock.advance(seconds=61)
        runner.poke()
        second = wait("second retry", lambda: (j := job_row(engine, job["id"])).state == "queued"
                      and j.attempts == 2 and j)
        assert second.run_after >= clock.now() + timedelta(seconds=110)   # doubled: 120 s after the failure
        clock.advance(seconds=121)
        runner.poke()
        assert finished(engine, job["id"], "done").result == {"attempt": 3}

        gone = rpc.jobtest.enqueue("broken", ACCOUNT)
        wait("broken retry", lambda: job_row(engine, gone["id"]).attempts == 1
             and job_row(engine, gone["id"]).state == "queued")
        clock.advance(seconds=11)
        runner.poke()
        failed = finished(engine, gone["id"], "failed")
        assert failed.attempts == 2 and failed.error["code"] == "job_failed"
        assert "fehlgeschlagen" in failed.error["detail"]["de"]

        no = rpc.jobtest.enqueue("refused", ACCOUNT)
        failed = finished(engine, no["id"], "failed")
        assert failed.attempts == 1 and failed.error["code"] == "invalid_input"
        assert rpc.jobtest.get(no["id"], "en")["error"]["fields"] == {"file": "Line 2 is broken."}
        assert rpc.jobtest.get(no["id"], "de")["error"]["fields"] == {"file": "Zeile 2 ist kaputt."}
    assert len(runs(engine, uuid.UUID(job["id"]))) == 3 and len(runs(engine, uuid.UUID(no["id"]))) == 1
    states = [(k, s) for k, s, _ in METRICS.finished]
    assert states.count(("flaky", "retry")) == 2 and ("flaky", "done") in states
    assert ("broken", "failed") in states and ("refused", "failed") in states


def test_a_failed_job_leaves_none_of_its_own_writes(service, engine, rpc_as):
    service()
    with rpc_as() as rpc:
        job = rpc.jobtest.enqueue("writes_then_fails", ACCOUNT)
    finished(engine, job["id"], "failed")
    assert runs(engine, uuid.UUID(job["id"])) == []


def test_cancel_a_running_and_a_queued_job(service, engine, rpc_as):
    runner, _ = service()
    with rpc_as() as rpc:
        job = rpc.jobtest.enqueue("counting", ACCOUNT)
        wait("progress", lambda: job_row(engine, job["id"]).done >= 3)
        assert rpc.jobtest.get(job["id"])["state"] == "running"   # RPC answers while the handler counts
        rpc.jobtest.cancel(job["id"])
        cancelled = finished(engine, job["id"], "cancelled")
        assert cancelled.phase == "counting" and cancelled.error is None

        runner._running = False   # nothing is claimed any more: the next job stays queued
        runner.poke()
        queued = rpc.jobtest.enqueue("echo", ACCOUNT)
        view = rpc.jobtest.cancel(queued["id"])
        assert view["state"] == "cancelled" and view["finished_at"]
    assert runs(engine, uuid.UUID(queued["id"])) == []
    assert ("counting", "cancelled") in [(k, s) for k, s, _ in METRICS.finished]


def test_time_limit_at_a_progress_point(service, engine, rpc_as):
    # no heartbeat during the test: progress notices; the moved clock must not make the job look abandoned
    runner, clock = service(JOBTEST_JOB_HEARTBEAT=3600, JOBTEST_JOB_STALE_AFTER=86400)
    with rpc_as() as rpc:
        job = rpc.jobtest.enqueue("counting", ACCOUNT)
        wait("progress", lambda: job_row(engine, job["id"]).done >= 2)
        clock.advance(seconds=601)
        failed = finished(engine, job["id"], "failed")
        assert failed.error["code"] == "job_time_limit"
        view = rpc.jobtest.get(job["id"], "de")
        assert view["error"]["detail"].startswith("Der Auftrag hat sein Zeitlimit von 600 Sekunden überschritten")
        assert rpc.jobtest.get(job["id"], "en")["error"]["detail"].startswith(
            "The job exceeded its time limit of 600 seconds")


def test_time_limit_by_the_heartbeat_when_a_handler_reports_nothing(service, engine, rpc_as):
    runner, clock = service(JOBTEST_JOB_HEARTBEAT=0.05, JOBTEST_JOB_STALE_AFTER=86400)
    with rpc_as() as rpc:
        job = rpc.jobtest.enqueue("silent", ACCOUNT)
        wait("start", lambda: runs(engine, uuid.UUID(job["id"])))
        beat = wait("a heartbeat", lambda: job_row(engine, job["id"]).heartbeat_at)
        wait("the next heartbeat", lambda: job_row(engine, job["id"]).heartbeat_at > beat)
        clock.advance(seconds=601)
        failed = finished(engine, job["id"], "failed")
    assert failed.error["code"] == "job_time_limit" and failed.error["extra"] == {"time_limit": 600}


def test_periodic_jobs_once_per_slot(service, engine):
    runner, clock = service(PeriodicService)

    def ticks():
        with Session(engine, expire_on_commit=False) as s:
            return s.scalars(select(SampleJob).where(SampleJob.kind == "tick").order_by(SampleJob.created_at)).all()

    first = wait("the first tick", lambda: [j for j in ticks() if j.state == "done"])
    assert first[0].params == {"every": "hour"} and first[0].account_id is None
    assert first[0].principal == {"kind": "service", "service": "jobtest_periodic", "lang": "de"}
    runner._next_periodic.clear()     # as if another process enqueued in the same slot
    runner.enqueue_periodic()
    assert len(ticks()) == 1
    clock.advance(seconds=3600)
    runner.poke()
    second = wait("the next slot's tick", lambda: len(ticks()) == 2 and ticks())
    assert second[0].idempotency_key != second[1].idempotency_key
    finished(engine, second[1].id, "done")
