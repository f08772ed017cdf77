"""svckit.metrics with the job runner on real PostgreSQL and RabbitMQ: ``ServiceMetrics`` plugs itself into the
runner's metrics hook (jobs claimed, finished by kind and state, their duration) and the scrape reads the queue."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase

from svckit import deps
from svckit.clock import Clock, utcnow
from svckit.db import Database
from svckit.entrypoints import rpc
from svckit.errors import InvalidInput
from svckit.i18n import Text
from svckit.jobs import JobColumns, JobRunner, job_table_args
from svckit.metrics import JobMetrics, MetricsEntrypoints, exposition
from svckit.principal import Principal

TABLE = "svckit_test_metric_jobs"


class Base(DeclarativeBase):
    pass


class MetricJob(JobColumns, Base):
    __tablename__ = TABLE
    __table_args__ = job_table_args(TABLE)


def ok(ctx):
    return {"ok": True}


def refused(ctx):
    raise InvalidInput(fields={"file": Text("Kaputt.", "Broken.")})


class MetricJobService(MetricsEntrypoints):
    name = "jobmetrics"
    db = Database("identity")
    clock = Clock()
    jobs = JobRunner(MetricJob, {"ok": ok, "refused": refused, "later": ok})

    @rpc
    def enqueue(self, kind: str) -> str:
        job = self.jobs.enqueue(self.db, kind, Principal.system("jobmetrics", account_id=str(uuid.uuid4())), {})
        self.db.commit()
        return str(job.id)


@pytest.fixture
def engine(databases):
    engine = databases.engine("identity")
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    Base.metadata.create_all(engine)
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, {"service": "jobmetrics", **labels}) or 0.0


def test_jobs_are_counted_and_the_queue_is_read_on_scrape(engine, run_services, rpc_as):
    runner = run_services(MetricJobService, db_services=("identity",), config={"JOBMETRICS_JOB_POLL": 0.2})
    container = next(iter(runner.containers))
    assert isinstance(deps.find(container, JobRunner).metrics, JobMetrics)   # plugged in by ServiceMetrics
    before = {(kind, state): sample("pressroom_jobs_finished_total", kind=kind, state=state)
              for kind, state in (("ok", "done"), ("refused", "failed"))}
    with rpc_as() as proxy:
        ids = [proxy.jobmetrics.enqueue("ok"), proxy.jobmetrics.enqueue("refused")]
    deadline = time.monotonic() + 20
    while True:
        with engine.connect() as conn:
            states = conn.execute(text(f"SELECT state FROM {TABLE} WHERE id = ANY(:ids)"),
                                  {"ids": [uuid.UUID(i) for i in ids]}).scalars().all()
        if sorted(states) == ["done", "failed"]:
            break
        assert time.monotonic() < deadline, states
        time.sleep(0.05)
    assert sample("pressroom_jobs_finished_total", kind="ok", state="done") - before["ok", "done"] == 1
    assert sample("pressroom_jobs_finished_total", kind="refused", state="failed") - before["refused", "failed"] == 1
    assert sample("pressroom_job_duration_seconds_count", kind="ok") >= 1

    # a queued job waiting for its retry in an hour: counted in the queue, not yet due (age 0)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {TABLE} (id, kind, state, run_after) VALUES (:a, 'later', 'queued', :at)"),
                     {"a": uuid.uuid4(), "at": utcnow() + timedelta(hours=1)})
    page = exposition()[2]
    found = {(s.name, tuple(sorted(s.labels.items()))): s.value
             for family in text_string_to_metric_families(page) for s in family.samples}
    assert found[("pressroom_job_queue_depth", (("kind", "later"), ("service", "jobmetrics")))] == 1
    assert found[("pressroom_job_queue_depth", (("kind", "ok"), ("service", "jobmetrics")))] == 0
    assert found[("pressroom_job_oldest_due_age_seconds", (("kind", "later"), ("service", "jobmetrics")))] == 0
