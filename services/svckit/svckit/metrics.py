"""Prometheus metrics of a service process, and their ``/metrics`` page (docs/operations.md, "Metrics").

Every service class inherits :class:`MetricsEntrypoints` (``class CrmService(..., MetricsEntrypoints)``); that
gives it, once for all services:

- ``GET /metrics`` on nameko's web server (``WEB_SERVER_ADDRESS``, beside ``/health``): the text exposition
  format of this process's registry;
- the dependency :class:`ServiceMetrics`, whose ``worker_setup``/``worker_result`` hooks count and time every RPC
  call and event handled (by method and outcome: ``ok``, ``rejected`` for a wire error such as a 404 or 422, the
  expected answer to bad input, ``error`` for anything unexpected);
- the job runner's metrics hook (``svckit.jobs``: jobs claimed, finished by kind and state, their duration);
- figures read from the database when Prometheus scrapes (one short transaction, ``statement_timeout`` 2 s, every
  statement on a partial index): job queue depth and the age of the oldest due job by kind, the outbox's
  unpublished rows and the age of the oldest, and the DB pool's connections in use and size.

Service-specific figures: identity counts login failures (by reason) and throttled logins; dispatch counts mails
by outcome and *class* of receiving domain (:func:`domain_class`: a fixed list of large mailbox providers and
``other``, so the label's cardinality is bounded whatever the customers send to), bounce verdicts, DKIM checks,
and reads its send queue and sender domains on scrape (``ServiceMetrics(scrape=[...])``).

Every metric of the suite is named ``pressroom_*`` (services) or ``gateway_*`` (gateway/gateway/metrics.py);
tests/deploy checks that the alert rules and the Grafana dashboard only use names exported here.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from . import deps
from . import jobs as jobs_mod
from .errors import WIRE_ERRORS

log = logging.getLogger(__name__)

#: seconds; RPC answers range from a millisecond to the gateway's longest timeout (120 s)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0)
#: seconds; jobs run from a second (housekeeping) to an hour (transfers)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0)

# --- every service ---------------------------------------------------------------------------------------------------

RPC_CALLS = Counter("pressroom_rpc_calls_handled_total", "RPC calls a service handled, by method and outcome "
                    "(ok, rejected: a wire error such as 404/422, error: unexpected)", ["service", "method", "outcome"])
RPC_SECONDS = Histogram("pressroom_rpc_call_duration_seconds", "Time a service took to handle an RPC call",
                        ["service", "method"], buckets=LATENCY_BUCKETS)
EVENTS_HANDLED = Counter("pressroom_events_handled_total", "Events a service's handlers processed, by handler and "
                         "outcome", ["service", "handler", "outcome"])
JOBS_CLAIMED = Counter("pressroom_jobs_claimed_total", "Background jobs a process claimed, by kind",
                       ["service", "kind"])
JOBS_FINISHED = Counter("pressroom_jobs_finished_total", "Background job runs ended, by kind and state (done, "
                        "failed, cancelled, retry)", ["service", "kind", "state"])
JOB_SECONDS = Histogram("pressroom_job_duration_seconds", "Time a background job run took, by kind",
                        ["service", "kind"], buckets=JOB_BUCKETS)

# --- identity --------------------------------------------------------------------------------------------------------

LOGIN_FAILURES = Counter("pressroom_login_failures_total", "Failed login steps, by reason (password, unknown "
                         "user, second factor ...)", ["reason"])
LOGIN_THROTTLED = Counter("pressroom_login_throttled_total", "Login attempts refused by the brute-force throttle")

# --- dispatch --------------------------------------------------------------------------------------------------------

MAILS = Counter("pressroom_mails_total", "Mails handed to the relay or not, by outcome (sent, deferred, bounced: "
                "refused by the relay or a bounce report, expired, failed) and class of receiving domain",
                ["outcome", "domain_class"])
BOUNCE_VERDICTS = Counter("pressroom_bounce_verdicts_total", "What mail arriving at the VERP domain was judged to "
                          "be (hard, soft, delayed, auto_reply, unreadable, unsubscribe, duplicate, unknown)",
                          ["verdict"])
DKIM_CHECKS = Counter("pressroom_dkim_checks_total", "DNS checks of sender domains, by result (ok, failing, "
                      "dns_unreachable)", ["result"])

#: receiving domains with a label of their own; everything else is ``other`` (bounded label cardinality)
DOMAIN_CLASSES = {
    "gmail": ("gmail.com", "googlemail.com"),
    "microsoft": ("outlook.com", "hotmail.com", "hotmail.de", "live.com", "live.de", "msn.com", "outlook.de"),
    "yahoo": ("yahoo.com", "yahoo.de", "aol.com", "aol.de", "ymail.com"),
    "apple": ("icloud.com", "me.com", "mac.com"),
    "united_internet": ("gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de", "1und1.de", "mail.com"),
    "t_online": ("t-online.de", "magenta.de"),
    "freenet": ("freenet.de",),
}
_CLASS_OF = {domain: name for name, domains in DOMAIN_CLASSES.items() for domain in domains}


def domain_class(domain: str | None) -> str:
    """``gmail``, ``microsoft``, ... for the large mailbox providers, ``other`` for every other domain."""
    return _CLASS_OF.get((domain or "").strip().lower().rstrip("."), "other")


def count_mail(outcome: str, domain: str | None) -> None:
    MAILS.labels(outcome=outcome, domain_class=domain_class(domain)).inc()


#: the figures read on scrape (name -> help); tests/deploy lists the exported names from here and the registry
SCRAPED = {
    "pressroom_job_queue_depth": "Queued background jobs, by kind (due or waiting for a retry)",
    "pressroom_job_oldest_due_age_seconds": "Age of the oldest due queued job, by kind (0: none due)",
    "pressroom_outbox_pending": "Outbox rows not yet published",
    "pressroom_outbox_oldest_pending_age_seconds": "Age of the oldest unpublished outbox row (0: none)",
    "pressroom_db_pool_connections_in_use": "Database connections checked out of the process's pool",
    "pressroom_db_pool_size": "Size of the process's database pool",
    "pressroom_send_queue_depth": "Deliveries due to be sent now (queued or deferred, up to 1,000,000 counted)",
    "pressroom_send_queue_oldest_age_seconds": "How long the oldest due delivery has been waiting (0: none)",
    "pressroom_sender_domains": "Checked sender domains, by owner (system, customer) and DKIM state (ok, failing)",
}

#: a scrape's own database work: never longer than this
SCRAPE_STATEMENT_TIMEOUT_MS = 2000

Scrape = Callable[[Connection], Iterable[Metric]]


class JobMetrics(jobs_mod.JobMetrics):
    """svckit.jobs' metrics hook, counting into the Prometheus metrics of this module."""

    def __init__(self, service: str):
        self.service = service

    def on_claimed(self, kind: str) -> None:
        JOBS_CLAIMED.labels(self.service, kind).inc()

    def on_finished(self, kind: str, state: str, seconds: float) -> None:
        JOBS_FINISHED.labels(self.service, kind, state).inc()
        JOB_SECONDS.labels(self.service, kind).observe(seconds)


def _gauge(name: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, SCRAPED[name], labels=labels)


class ServiceMetrics(DependencyProvider):
    """Counts the workers of its container and reads the scrape-time figures (see the module doc).

    ``scrape``: further functions ``fn(connection) -> metric families`` run in the scrape's transaction
    (dispatch: its send queue). ``engine``: where the pool and the figures come from when the service has no
    :class:`~svckit.db.Database` (dispatch's sender), a function of the container.
    """

    def __init__(self, scrape: Iterable[Scrape] = (), engine: Callable[[Any], Engine] | None = None):
        self.scrape = list(scrape)
        self.engine_of = engine
        self.started: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def setup(self) -> None:
        self.service = self.container.service_name
        self.runner = deps.find_optional(self.container, jobs_mod.JobRunner)
        if self.runner is not None and type(self.runner.metrics) is jobs_mod.JobMetrics:
            self.runner.metrics = JobMetrics(self.service)

    def start(self) -> None:
        _live.add(self)

    def stop(self) -> None:
        _live.discard(self)

    def kill(self) -> None:
        _live.discard(self)

    def engine(self) -> Engine | None:
        if self.engine_of is not None:
            return self.engine_of(self.container)
        from .db import Database

        db = deps.find_optional(self.container, Database)
        return db.engine if db is not None else None

    # --- worker hooks
    def worker_setup(self, worker_ctx) -> None:
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        started = self.started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        if exc_info is None:
            outcome = "ok"
        elif isinstance(exc_info[1], WIRE_ERRORS):
            outcome = "rejected"
        else:
            outcome = "error"
        name = entrypoint.method_name
        if isinstance(entrypoint, Rpc):
            RPC_CALLS.labels(self.service, name, outcome).inc()
            if started is not None:
                RPC_SECONDS.labels(self.service, name).observe(time.perf_counter() - started)
        elif isinstance(entrypoint, EventHandler):
            EVENTS_HANDLED.labels(self.service, name, outcome).inc()

    # --- scrape
    def read(self, conn: Connection, families: dict[str, GaugeMetricFamily]) -> Iterator[Metric]:
        """The figures from this service's database (within the caller's transaction)."""
        runner = self.runner
        if runner is not None:
            table = runner.model.__table__.name
            rows = conn.execute(text(
                f"SELECT kind, count(*) AS n, "  # noqa: S608  (the table name is the model's, not input)
                f"COALESCE(EXTRACT(EPOCH FROM now() - min(run_after) FILTER (WHERE run_after <= now())), 0) AS age "
                f"FROM {table} WHERE state = 'queued' GROUP BY kind")).all()
            found = {row.kind: row for row in rows}
            for kind in sorted(set(runner.kinds) | set(found)):
                row = found.get(kind)
                families["pressroom_job_queue_depth"].add_metric([self.service, kind], row.n if row else 0)
                families["pressroom_job_oldest_due_age_seconds"].add_metric(
                    [self.service, kind], float(row.age) if row else 0.0)
        from .outbox import Outbox

        outbox = deps.find_optional(self.container, Outbox)
        if outbox is not None:
            row = conn.execute(text(
                f"SELECT count(*) AS n, "  # noqa: S608  (the table name is the service's, not input)
                f"COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) AS age "
                f"FROM {outbox.table.name} WHERE published_at IS NULL")).one()
            families["pressroom_outbox_pending"].add_metric([self.service], row.n)
            families["pressroom_outbox_oldest_pending_age_seconds"].add_metric([self.service], float(row.age))
        for scrape in self.scrape:
            yield from scrape(conn)


class _Scraped(Collector):
    """The scrape-time figures of every running :class:`ServiceMetrics` of this process (one in production;
    several when tests run services side by side)."""

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(name, help_) for name, help_ in SCRAPED.items()]

    def collect(self) -> Iterable[Metric]:
        families = {
            "pressroom_job_queue_depth": _gauge("pressroom_job_queue_depth", ["service", "kind"]),
            "pressroom_job_oldest_due_age_seconds": _gauge("pressroom_job_oldest_due_age_seconds",
                                                           ["service", "kind"]),
            "pressroom_outbox_pending": _gauge("pressroom_outbox_pending", ["service"]),
            "pressroom_outbox_oldest_pending_age_seconds": _gauge("pressroom_outbox_oldest_pending_age_seconds",
                                                                  ["service"]),
            "pressroom_db_pool_connections_in_use": _gauge("pressroom_db_pool_connections_in_use", ["service"]),
            "pressroom_db_pool_size": _gauge("pressroom_db_pool_size", ["service"]),
        }
        extra: list[Metric] = []
        for provider in sorted(_live, key=lambda p: p.service):
            engine = provider.engine()
            if engine is None:
                continue
            pool: Any = engine.pool
            if hasattr(pool, "checkedout"):
                families["pressroom_db_pool_connections_in_use"].add_metric([provider.service], pool.checkedout())
                families["pressroom_db_pool_size"].add_metric([provider.service], pool.size())
            try:
                with engine.connect() as conn, conn.begin():
                    conn.execute(text(f"SET LOCAL statement_timeout = {SCRAPE_STATEMENT_TIMEOUT_MS}"))
                    extra.extend(provider.read(conn, families))
            except Exception as exc:  # a scrape reports what it can; the database's state is /health's business
                log.warning("%s: metrics from the database unavailable (%s)", provider.service, type(exc).__name__)
        return [*families.values(), *extra]


_live: weakref.WeakSet[ServiceMetrics] = weakref.WeakSet()
REGISTRY.register(_Scraped())


def exposition() -> tuple[int, dict[str, str], str]:
    """The ``/metrics`` answer: this process's registry in Prometheus' text format (nameko wants a str)."""
    return 200, {"Content-Type": CONTENT_TYPE_LATEST}, generate_latest(REGISTRY).decode()


class MetricsEntrypoints:
    """Base class of every service: ``metrics`` (:class:`ServiceMetrics`) and ``GET /metrics``. A service that
    needs more figures read on scrape overrides ``metrics = ServiceMetrics(scrape=[...])``."""

    metrics = ServiceMetrics()

    @http("GET", "/metrics")
    def metrics_http(self, request):
        """Prometheus scrapes this (port WEB_SERVER_ADDRESS, beside /health)."""
        return exposition()
