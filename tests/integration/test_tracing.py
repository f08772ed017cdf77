"""One trace through the whole suite's machinery, on real RabbitMQ and PostgreSQL (svckit.tracing).

An HTTP request to the gateway calls ``tracefront``, which calls ``traceback`` (svckit.rpc.ServiceRpc), then in
one unit of work emits an event (through the outbox) and enqueues a job (svckit.jobs); ``tracesink`` handles the
event, and the job calls ``traceback`` again. With the SDK's in-memory exporter attached (svckit.tracing.export_to)
every span shares the trace id of the incoming ``traceparent``, each with the right parent; the event handler and
the job see the request's request id.
"""

from __future__ import annotations

import time

import pytest
from falcon import testing
from nameko.events import event_handler
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import MetaData, text
from sqlalchemy.orm import DeclarativeBase

from gateway.app import create_app
from gateway.resource import Resource
from gateway.rpc import RpcClient
from gateway.settings import Settings
from svckit import tracing
from svckit.clock import Clock
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.jobs import JobColumns, JobRunner, job_table_args
from svckit.logs import request_id_var
from svckit.outbox import Outbox, outbox_table
from svckit.principal import Principal
from svckit.rpc import ServiceRpc
from svckit.settings import principal_secret
from svckit.work import UnitOfWork

TABLE = "svckit_test_trace_jobs"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"

SEEN: dict[str, dict] = {}


class Base(DeclarativeBase):
    pass


class TraceJob(JobColumns, Base):
    __tablename__ = TABLE
    __table_args__ = job_table_args(TABLE)


def traced_job(ctx):
    ctx.rpc("traceback").echo("job")
    SEEN["job"] = {"request_id": request_id_var.get(), "trace_id": tracing.current_trace_id()}
    return {}


class TraceBack:
    name = "traceback"
    auth = Auth()

    @rpc
    def echo(self, value: str) -> str:
        return value


class TraceFront:
    name = "tracefront"
    auth = Auth()
    db = Database("identity")            # identity's test database: its outbox table, and the jobs table below
    clock = Clock()
    outbox = Outbox(outbox_table(MetaData()))
    work = UnitOfWork()
    back = ServiceRpc("traceback", timeout=10)
    jobs = JobRunner(TraceJob, {"traced": traced_job})

    @rpc
    def start(self) -> dict:
        value = self.back.echo("front")
        with self.work() as work:
            work.emit("traced", {"value": value})
            job = self.jobs.enqueue(work.session, "traced", Principal.system("tracefront"))
        return {"job": str(job.id)}


class TraceSink:
    name = "tracesink"
    auth = Auth()

    @event_handler("tracefront", "traced")
    def on_traced(self, payload: dict) -> None:
        SEEN["event"] = {"request_id": request_id_var.get(), "trace_id": tracing.current_trace_id()}


class Start(Resource):
    auth_required = False

    def on_post(self, req, resp):
        resp.media = self.call(req, "tracefront", "start")


@pytest.fixture
def jobs_table(databases):
    engine = databases.engine("identity")
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    Base.metadata.create_all(engine)
    yield
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def _wait(what, check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_one_request_is_one_trace_through_rpc_events_and_jobs(run_services, amqp_uri, jobs_table):
    SEEN.clear()
    run_services(TraceFront, TraceBack, TraceSink, db_services=("identity",),
                 config={"TRACEFRONT_JOB_POLL": 0.2})
    settings = Settings(amqp_uri=amqp_uri, principal_secret=principal_secret(), rpc_timeout=10.0, ready_timeout=2.0)
    client = RpcClient(settings.amqp_uri, settings.principal_secret, settings.rpc_timeout)
    app = create_app(client, settings)
    app.add_route("/test/trace", Start(client, settings))
    try:
        with tracing.export_to(InMemorySpanExporter()) as exporter:
            resp = testing.TestClient(app).simulate_post(
                "/test/trace", headers={"traceparent": f"00-{TRACE}-{CALLER_SPAN}-01", "X-Request-Id": "req-trace"})
            assert resp.status_code == 200, resp.text
            assert resp.headers["X-Request-Id"] == "req-trace"
            assert resp.headers["traceparent"].startswith(f"00-{TRACE}-")
            _wait("the event and the job", lambda: "event" in SEEN and "job" in SEEN)

            def spans():
                found = {}
                for s in exporter.get_finished_spans():
                    found.setdefault((s.name, s.kind), []).append(s)
                return found
            wanted = [("POST /test/trace", SpanKind.SERVER), ("tracefront.start", SpanKind.CLIENT),
                      ("tracefront.start", SpanKind.SERVER), ("traceback.echo", SpanKind.CLIENT),
                      ("traceback.echo", SpanKind.SERVER), ("unit of work", SpanKind.INTERNAL),
                      ("send traced", SpanKind.PRODUCER), ("tracesink.on_traced", SpanKind.CONSUMER),
                      ("tracefront job traced", SpanKind.CONSUMER)]
            found = _wait("every span", lambda: (lambda f: f if all(w in f for w in wanted)
                                                 and len(f[("traceback.echo", SpanKind.SERVER)]) == 2
                                                 else None)(spans()))
    finally:
        client.close()

    everything = [s for group in found.values() for s in group]
    assert {f"{s.context.trace_id:032x}" for s in everything} == {TRACE}

    def one(name, kind):
        (span,) = found[(name, kind)]
        return span

    def parent_of(span):
        return span.parent.span_id if span.parent else None

    request = one("POST /test/trace", SpanKind.SERVER)
    assert parent_of(request) == int(CALLER_SPAN, 16)
    call = one("tracefront.start", SpanKind.CLIENT)
    assert parent_of(call) == request.context.span_id
    served = one("tracefront.start", SpanKind.SERVER)
    assert parent_of(served) == call.context.span_id
    # traceback.echo is called twice: by tracefront.start and by the job
    echo_call = next(s for s in found[("traceback.echo", SpanKind.CLIENT)] if parent_of(s) == served.context.span_id)
    assert any(parent_of(s) == echo_call.context.span_id for s in found[("traceback.echo", SpanKind.SERVER)])
    work = one("unit of work", SpanKind.INTERNAL)
    assert parent_of(work) == served.context.span_id
    sent = one("send traced", SpanKind.PRODUCER)
    assert parent_of(sent) == work.context.span_id
    assert parent_of(one("tracesink.on_traced", SpanKind.CONSUMER)) == sent.context.span_id
    job = one("tracefront job traced", SpanKind.CONSUMER)
    assert parent_of(job) == work.context.span_id   # enqueued inside the unit of work
    job_call = next(s for s in found[("traceback.echo", SpanKind.CLIENT)] if parent_of(s) == job.context.span_id)
    assert any(parent_of(s) == job_call.context.span_id for s in found[("traceback.echo", SpanKind.SERVER)])

    assert SEEN["event"] == {"request_id": "req-trace", "trace_id": TRACE}
    assert SEEN["job"] == {"request_id": "req-trace", "trace_id": TRACE}
