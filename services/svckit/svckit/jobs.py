"""One background-job runner for every service: imports, exports, transfers, syncs, scheduled runs.

Each service keeps its own ``jobs`` table in its own database; this module gives the columns, the runner, the
enqueue call and the JSON view. How a service uses it:

1. **The table.** ``db/models.py`` declares ``class Job(JobColumns, Base): __tablename__ = "jobs"`` (plus
   ``__table_args__ = job_table_args("jobs")`` for the standard indexes). A new service's migration calls
   ``create_jobs_table(op)``; a later change of the column set comes with a migration in every service.
2. **The handlers**, one table per service (``<svc>/jobhandlers.py``): ``HANDLERS = {"export": run_export,
   "transfer": Kind(run_transfer, time_limit=3600, max_attempts=1)}``. A handler is a plain function
   ``handler(ctx: JobContext) -> dict | None``; it returns the job's ``result``. It is written to be re-run safely:
   an unexpected error retries it (``Kind.max_attempts``, exponential backoff from ``Kind.backoff`` seconds,
   the job stays ``queued`` with ``run_after`` in the future); a :class:`~svckit.errors.WireError` (a user-facing
   failure, e.g. a broken file) fails the job at once with that error.
3. **The runner** is a dependency of the service class:
   ``jobs = JobRunner(Job, "crm.jobhandlers:HANDLERS", extras={"storage": storage_of})`` (``extras``: names for
   ``ctx.<name>``, each made once from the container, e.g. ``lambda c: deps.find(c, StorageProvider).storage``).
   In a worker, ``self.jobs.enqueue(self.db, "export", principal, params, client_id=..., key=..., total=...)``
   inserts the row in the caller's transaction (with the caller's principal and account) and returns it; after the
   worker ends (the entrypoint has committed) the runner is poked and claims it at once. ``key`` is an idempotency
   key: an existing job of the account with the same key is returned instead of a new one.
   ``self.jobs.cancel(self.db, job)`` asks a job to stop (a queued one is cancelled at once).
4. **The view**: ``serialise(job)`` (``lang=...`` picks one language of the error texts).

How it runs: every process of the service runs a loop (a managed greenthread that sleeps on an Event, woken after
an enqueueing worker, else every ``<SERVICE>_JOB_POLL`` seconds, default 2). It claims the oldest due job of the
kinds it knows with ``FOR UPDATE SKIP LOCKED`` (several processes never run one job twice) and runs up to
``concurrency`` jobs at once, each in its own greenthread. A heartbeat greenthread per job writes ``heartbeat_at``
(every ``<SERVICE>_JOB_HEARTBEAT`` seconds, default 30); a ``running`` job whose heartbeat is older than
``<SERVICE>_JOB_STALE_AFTER`` seconds (default 300: its process died) is claimed again, and fails once it used up
its attempts. ``ctx.progress(done, total, phase)`` writes progress in its own short transaction (so a
client polling the job sees it while the job's own work is uncommitted), yields to the eventlet hub, and raises
:class:`Cancelled` when cancellation was asked for or :class:`TimeLimitExceeded` past the kind's ``time_limit``
(the heartbeat checks the time limit too and interrupts a handler that reports no progress). Both derive from
``BaseException`` so a handler's ``except Exception`` does not swallow them. Times come from the service's
:class:`~svckit.clock.Clock` when it declares one (tests move it instead of waiting).

Periodic jobs: ``JobRunner(..., periodic=[Periodic("run_due", every=3600)])`` enqueues that kind (as the service's
system principal, no account) once per time slot of ``every`` seconds, with the slot as idempotency key, so several
processes enqueue it once; the loop wakes for the next slot even when it comes sooner than the poll, and periodic
kinds run in slots of their own beside ``concurrency`` (long jobs never hold up housekeeping). ``every`` may be
a function of the service config (``None``: off in that configuration); finished runs older than ``keep`` seconds
(default a day) are deleted.

Tracing: a job row keeps the enqueuing request id and ``traceparent`` (under ``_context`` in its ``principal``
column); its run is a span in that trace and its log lines carry that request id (svckit.tracing).

Metrics: pass ``metrics=`` an object with ``on_claimed(kind)`` and ``on_finished(kind, state, seconds)`` (state is
``done``, ``failed``, ``cancelled`` or ``retry``); the default :class:`JobMetrics` does nothing.
"""

from __future__ import annotations

import importlib
import logging
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from sqlalchemy import Boolean, CheckConstraint, DateTime, Index, Integer, Text, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.sql.elements import conv

from . import deps, tracing
from .clock import Clock, utcnow
from .errors import WireError
from .i18n import Text as I18nText
from .i18n import _, ngettext
from .principal import Principal

log = logging.getLogger(__name__)

STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL_STATES = ("done", "failed", "cancelled")

FAILED = _("The job failed. Please try again or contact support (job {job_id}).")


def time_limit_text(seconds: float) -> I18nText:
    """The error of a job stopped at its time limit (placeholders ``n``, ``job_id``)."""
    return ngettext("The job exceeded its time limit of {n} second and was stopped (job {job_id}).",
                    "The job exceeded its time limit of {n} seconds and was stopped (job {job_id}).", int(seconds))


class Cancelled(BaseException):
    """Raised by ``ctx.progress()`` when the job was cancelled; the runner marks it ``cancelled``."""


class TimeLimitExceeded(BaseException):
    """Raised by ``ctx.progress()`` (or thrown in by the heartbeat) past the kind's time limit; the job fails."""


# --- the table ---------------------------------------------------------------------------------------------------


class JobColumns:
    """The column set of every service's ``jobs`` table (a declarative mixin)."""

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    principal: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    kind: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    state: Mapped[str] = mapped_column(Text, server_default="queued")
    done: Mapped[int] = mapped_column(Integer, server_default="0")
    total: Mapped[int | None] = mapped_column(Integer)
    phase: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSONB)
    error: Mapped[dict | None] = mapped_column(JSONB)
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cancel_requested: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def job_table_args(table: str = "jobs") -> tuple:
    """The standard constraint and indexes: the state check, the runner's queue, per account, idempotency keys
    (unique per account, an account-less job's key too: NULLS NOT DISTINCT)."""
    return (
        CheckConstraint(f"state IN {STATES!r}", name=conv(f"ck_{table}_state")),
        Index(f"ix_{table}_pending", "run_after", postgresql_where=text("state IN ('queued', 'running')")),
        Index(f"ix_{table}_account", "account_id", "kind"),
        Index(f"ix_{table}_idempotency_key", "account_id", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL"), postgresql_nulls_not_distinct=True),
    )


def create_jobs_table(op: Any, table: str = "jobs") -> None:
    """The migration recipe for a service that has no jobs table yet: ``create_jobs_table(op)`` in ``upgrade()``,
    ``op.drop_table("jobs")`` in ``downgrade()``."""

    class _Base(DeclarativeBase):
        pass

    model: Any = type("_Jobs", (JobColumns, _Base),
                      {"__tablename__": table, "__table_args__": job_table_args(table)})
    model.__table__.create(op.get_bind())


# --- handlers and configuration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How one kind of job runs: its handler, attempts for unexpected errors, backoff and time limit (seconds)."""

    handler: Callable[[JobContext], dict | None]
    max_attempts: int = 3
    backoff: float = 30.0
    time_limit: float | None = None

    def retry_delay(self, attempt: int) -> float:
        """Seconds before attempt ``attempt + 1``: backoff, 2 x backoff, 4 x backoff ..."""
        return self.backoff * 2 ** max(attempt - 1, 0)


@dataclass(frozen=True)
class Periodic:
    """A kind enqueued every ``every`` seconds (once per slot across all processes), with ``params``.

    ``every`` may be a function of the service config giving the seconds (a setting such as billing's
    ``BILLING_JOB_INTERVAL`` or dispatch's ``HOUSEKEEPING_INTERVAL``); when it gives None or 0 the kind is not
    enqueued in that configuration (a timer the tests turn off). Finished runs of a periodic kind older than ``keep``
    seconds are deleted (a job every few seconds would otherwise fill the table)."""

    kind: str
    every: float | Callable[[Mapping[str, Any]], float | None]
    params: dict = field(default_factory=dict)
    keep: float = 86400.0

    def interval(self, config: Mapping[str, Any]) -> float | None:
        """Seconds between two slots in this configuration; None: not enqueued."""
        every = self.every(config) if callable(self.every) else self.every
        return float(every) if every else None


class JobMetrics:
    """Metrics hooks (no-op); a subclass can count and time jobs (Prometheus, logs)."""

    def on_claimed(self, kind: str) -> None:
        pass

    def on_finished(self, kind: str, state: str, seconds: float) -> None:
        pass


def _kinds(handlers: Mapping[str, Any]) -> dict[str, Kind]:
    return {name: h if isinstance(h, Kind) else Kind(h) for name, h in handlers.items()}


# --- enqueue, cancel, view ----------------------------------------------------------------------------------------


def enqueue(session: Session, model: Any, kind: str, principal: Principal, params: dict | None = None,
            client_id: Any = None, key: str | None = None, total: int | None = None,
            run_after: datetime | None = None) -> Any:
    """Add a job in the caller's transaction (it runs after commit) acting as ``principal`` for its account.
    With ``key``: the account's existing job with that key is returned instead of a new one."""
    account = principal.account_id
    values: dict[str, Any] = dict(
        # the principal column also keeps the enqueuing request id and trace (svckit.tracing.job_context)
        id=uuid.uuid4(), kind=kind, params=params or {}, principal={**principal.to_dict(), **tracing.job_context()},
        total=total,
        account_id=uuid.UUID(str(account)) if account else None,
        client_id=uuid.UUID(str(client_id)) if client_id else None,
        user_id=uuid.UUID(str(principal.user_id)) if principal.user_id else None, idempotency_key=key)
    if run_after is not None:
        values["run_after"] = run_after
    stmt = insert(model).values(**values)
    if key:
        stmt = stmt.on_conflict_do_nothing(index_elements=["account_id", "idempotency_key"],
                                           index_where=model.idempotency_key.isnot(None))
    session.execute(stmt)
    if key:
        return session.scalars(select(model).where(model.account_id.is_not_distinct_from(values["account_id"]),
                                                   model.idempotency_key == key)).one()
    return session.get(model, values["id"])


def cancel(session: Session, model: Any, job: Any, now: datetime | None = None) -> Any:
    """Ask a job to stop, in the caller's transaction: a queued job is ``cancelled`` at once, a running one at its
    next ``ctx.progress()``; a finished job stays as it is. Returns the job."""
    if job.state in FINAL_STATES:
        return job
    when = now or utcnow()
    session.execute(update(model).where(model.id == job.id).values(cancel_requested=True))
    session.execute(update(model).where(model.id == job.id, model.state == "queued")
                    .values(state="cancelled", finished_at=when))
    session.refresh(job)
    return job


def serialise(job: Any, lang: str | None = None) -> dict[str, Any]:
    """A job as clients see it. Without ``lang`` error texts stay ``{"de", "en"}``; with it, one language."""
    error = job.error
    if error and lang:
        error = {**error, "detail": I18nText.from_wire(error.get("detail")).pick(lang),
                 "fields": {k: I18nText.from_wire(v).pick(lang) for k, v in (error.get("fields") or {}).items()}}
        extra = dict(error.get("extra") or {})
        if isinstance(extra.get("errors"), list):
            extra["errors"] = [{**e, "message": I18nText.from_wire(e.get("message")).pick(lang)}
                               for e in extra["errors"]]
        error["extra"] = extra
    return {"id": str(job.id), "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
            "phase": job.phase, "result": job.result, "error": error, "created_at": _iso(job.created_at),
            "started_at": _iso(job.started_at), "finished_at": _iso(job.finished_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def wire_error(exc: WireError) -> dict[str, Any]:
    """The stored ``error`` of a job that failed with a user-facing error."""
    payload = dict(exc.payload)
    return {"code": payload.get("code"), "detail": payload.get("detail"), "fields": payload.get("fields") or {},
            "extra": payload.get("extra") or {}}


# --- what a handler gets --------------------------------------------------------------------------------------------


class JobContext:
    """A running job: its parameters and principal, a session (committed by the runner when the handler returns,
    or by the handler itself), the engine, config, progress reporting, RPC and the outbox; service-specific things
    (``ctx.storage``) come from the runner's ``extras``. Outside a runner (a benchmark, a script):
    ``JobContext(engine, Job, job, extras={"storage": storage})``."""

    def __init__(self, engine: Engine, model: Any, job: Any, *, config: Mapping[str, Any] | None = None,
                 now: Callable[[], datetime] = utcnow, deadline: datetime | None = None, outbox: Any = None,
                 extras: Mapping[str, Any] | None = None):
        self.model = model
        self.engine = engine
        self.job_id: uuid.UUID = job.id
        self.kind: str = job.kind
        self.attempt: int = job.attempts
        self.params: dict[str, Any] = dict(job.params or {})
        self.account_id: uuid.UUID | None = job.account_id
        self.client_id: uuid.UUID | None = job.client_id
        self.user_id: uuid.UUID | None = job.user_id
        self.principal = Principal.from_dict(job.principal or {})
        self.config: Mapping[str, Any] = config or {}
        self.now = now
        self.deadline = deadline
        self.session = Session(bind=self.engine, expire_on_commit=False)
        self.outbox = outbox
        self._rpc: Any = None
        self._extras = dict(extras or {})

    def __getattr__(self, name: str) -> Any:
        extras = self.__dict__.get("_extras") or {}
        if name in extras:
            return extras[name]
        raise AttributeError(name)

    def check(self) -> None:
        """Raise TimeLimitExceeded past the time limit (``progress`` calls it)."""
        if self.deadline is not None and self.now() > self.deadline:
            raise TimeLimitExceeded(self.job_id)

    def progress(self, done: int, total: int | None = None, phase: str | None = None) -> None:
        """Record progress in its own short transaction, then yield to the hub. Raises Cancelled when the job was
        cancelled and TimeLimitExceeded past its time limit."""
        self.check()
        m = self.model
        values: dict[str, Any] = {"done": done, "heartbeat_at": self.now()}
        if total is not None:
            values["total"] = total
        if phase is not None:
            values["phase"] = phase
        with self.engine.begin() as conn:
            row = conn.execute(update(m).where(m.id == self.job_id, m.attempts == self.attempt)
                               .values(**values).returning(m.cancel_requested)).first()
        if row is None or row.cancel_requested:
            raise Cancelled(self.job_id)
        eventlet.sleep(0)

    def rpc(self, service: str, timeout: float = 30.0) -> Any:
        """A proxy to another service acting as the job's principal; calls raise Unavailable after ``timeout``."""
        from nameko.standalone.rpc import ClusterRpcProxy

        from . import principal as principal_mod
        from .logs import request_id_var
        from .rpc import TimedServiceProxy

        if self._rpc is None:
            # the service's nameko config carries the secret (config.yml), as for ServiceRpc: the module itself
            # reads no broker setting, so a broker-less process may import the table definitions (dispatch-bounces)
            secret = self.config["PRINCIPAL_SECRET"]
            context = {principal_mod.CONTEXT_KEY: principal_mod.encode(self.principal, secret)}
            rid = request_id_var.get()   # the enqueuing request's (svckit.tracing.job_span); calls add the trace
            if rid:
                context[tracing.REQUEST_ID_KEY] = rid
            cluster = ClusterRpcProxy({"AMQP_URI": self.config["AMQP_URI"], "serializer": "json"},
                                      context_data=context)
            self._rpc = (cluster, cluster.start(), principal_mod.KeyRing.coerce(secret))
        cluster, proxy, ring = self._rpc
        return TimedServiceProxy(getattr(proxy, service), service, timeout, cluster._worker_ctx, ring)

    def close(self) -> None:
        self.session.close()
        if self._rpc is not None:
            try:
                self._rpc[0].stop()
            except Exception:
                log.exception("closing the job's RPC proxy failed")
            self._rpc = None


Handler = Callable[[JobContext], "dict | None"]


# --- the dependency ---------------------------------------------------------------------------------------------


class JobQueue:
    """What a worker gets as ``self.jobs``."""

    def __init__(self, runner: JobRunner):
        self.runner = runner
        self.used = False

    def enqueue(self, session: Session, kind: str, principal: Principal, params: dict | None = None,
                client_id: Any = None, key: str | None = None, total: int | None = None) -> Any:
        if kind not in self.runner.kinds:
            raise ValueError(f"no handler for job kind {kind!r}")
        if self.runner.require_account:
            principal.require_account()
        job = enqueue(session, self.runner.model, kind, principal, params, client_id=client_id, key=key,
                      total=total, run_after=self.runner.now())
        self.used = True
        return job

    def cancel(self, session: Session, job: Any) -> Any:
        return cancel(session, self.runner.model, job, self.runner.now())


class JobRunner(DependencyProvider):
    """``jobs = JobRunner(Job, "svc.jobhandlers:HANDLERS")`` on the service class (see the module doc)."""

    engine: Engine

    def __init__(self, model: Any, handlers: Mapping[str, Any] | str, *, concurrency: int = 2, poll: float = 2.0,
                 stale_after: float = 300.0, heartbeat: float = 30.0, periodic: Sequence[Periodic] = (),
                 metrics: JobMetrics | None = None, extras: Mapping[str, Callable[[Any], Any]] | None = None,
                 require_account: bool = False):
        self.model = model
        #: every job belongs to an account: ``enqueue`` refuses a caller without one (as ``require_account``)
        self.require_account = require_account
        self.handlers_ref = handlers
        self.concurrency = concurrency
        self.poll = poll
        self.stale_after = stale_after
        self.heartbeat = heartbeat
        self.periodic = list(periodic)
        self.metrics = metrics or JobMetrics()
        self.extra_factories = dict(extras or {})
        self._running = False
        self._wake: Event | None = None
        self._loop_gt: Any = None
        self.active: set = set()
        self.active_periodic: set = set()   # the part of ``active`` running in the periodic kinds' own slots
        self.kinds: dict[str, Kind] = {}
        self._next_periodic: dict[str, float] = {}
        self._every: dict[str, float] = {}
        self._next_prune: dict[str, float] = {}
        self.clock: Clock | None = None
        self.extras: dict[str, Any] = {}

    # --- nameko lifecycle
    def setup(self) -> None:
        handlers = self.handlers_ref
        if isinstance(handlers, str):
            module, _, name = handlers.partition(":")
            handlers = getattr(importlib.import_module(module), name)
        self.kinds = _kinds(handlers)
        for p in self.periodic:
            if p.kind not in self.kinds:
                raise ValueError(f"periodic job {p.kind!r} has no handler")
        config = self.container.config
        self._every = {p.kind: every for p in self.periodic if (every := p.interval(config))}
        prefix = self.container.service_name.upper()
        self.poll = float(config.get(f"{prefix}_JOB_POLL", self.poll))
        self.heartbeat = float(config.get(f"{prefix}_JOB_HEARTBEAT", self.heartbeat))
        self.stale_after = float(config.get(f"{prefix}_JOB_STALE_AFTER", self.stale_after))
        self.queues: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def start(self) -> None:
        from .db import Database

        engine = deps.find(self.container, Database).engine
        assert engine is not None, "Database.setup() ran before start()"
        self.engine = engine
        self.clock = deps.find_optional(self.container, Clock)
        self.extras = {name: make(self.container) for name, make in self.extra_factories.items()}
        self._running = True
        self._wake = Event()
        self._loop_gt = self.container.spawn_managed_thread(self._loop)

    def stop(self) -> None:
        self._running = False
        self.poke()
        for gt in list(self.active):
            try:
                gt.wait()
            except Exception:  # a job's own outcome was recorded by run(); stopping goes on
                pass
        if self._loop_gt is not None:
            try:
                self._loop_gt.wait()
            except Exception:
                pass

    def kill(self) -> None:
        self._running = False
        for gt in list(self.active) + ([self._loop_gt] if self._loop_gt else []):
            gt.kill()

    def get_dependency(self, worker_ctx: Any) -> JobQueue:
        queue = JobQueue(self)
        self.queues[worker_ctx] = queue
        return queue

    def worker_teardown(self, worker_ctx: Any) -> None:
        queue = self.queues.pop(worker_ctx, None)
        if queue is not None and queue.used:
            self.poke()

    # --- helpers
    def now(self) -> datetime:
        return self.clock.now() if self.clock is not None else utcnow()

    def poke(self) -> None:
        """Wake the loop (after a job was enqueued and committed, or a test moved the clock)."""
        if self._wake is not None and not self._wake.ready():
            self._wake.send(True)

    def outbox_writer(self) -> Any:
        """An outbox writer for work outside a worker (None when the service has no outbox)."""
        from .outbox import Outbox, OutboxWriter

        relay = deps.find_optional(self.container, Outbox)
        return OutboxWriter(relay.table, None, relay) if relay is not None else None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(bind=self.engine, expire_on_commit=False) as s:
            yield s

    # --- the loop
    def _loop(self) -> None:
        while self._running:
            try:
                self.enqueue_periodic()
            except Exception:
                log.exception("enqueueing periodic jobs failed")
            claimed, periodic_slot = None, False
            try:
                # periodic kinds have slots of their own (one per kind), so long jobs filling ``concurrency`` never
                # hold up housekeeping; they may take an ordinary slot too
                if self._every and len(self.active_periodic) < len(self._every):
                    claimed = self.claim(list(self._every))
                    periodic_slot = claimed is not None
                if claimed is None and len(self.active) - len(self.active_periodic) < self.concurrency:
                    claimed = self.claim()
            except Exception:
                log.exception("claiming a job failed")
            if claimed is not None:
                gt = self.container.spawn_managed_thread(lambda j=claimed: self.run(j))
                self.active.add(gt)
                if periodic_slot:
                    self.active_periodic.add(gt)
                gt.link(self._ended)
                continue
            assert self._wake is not None
            with eventlet.Timeout(self._wait_seconds(), False):
                self._wake.wait()
            self._wake = Event()

    def _ended(self, gt: Any) -> None:
        self.active.discard(gt)
        self.active_periodic.discard(gt)
        self.poke()   # a slot is free

    def _wait_seconds(self) -> float:
        """How long the loop sleeps when idle: ``poll``, or less when a periodic slot comes sooner."""
        if not self._every:
            return self.poll
        stamp = self.now().timestamp()
        due = min(self._next_periodic.get(kind, 0.0) for kind in self._every)
        return min(self.poll, max(due - stamp, 0.01))

    def enqueue_periodic(self) -> None:
        """Enqueue the periodic kinds whose next slot has come (once per slot: the slot is the idempotency key);
        now and then delete their finished runs older than ``keep``."""
        if not self._every:
            return
        now = self.now()
        stamp = now.timestamp()
        system = Principal.system(self.container.service_name)
        m = self.model
        with self._session() as s:
            for p in self.periodic:
                every = self._every.get(p.kind)
                if every is None or stamp < self._next_periodic.get(p.kind, 0):
                    continue
                slot = int(stamp // every)
                enqueue(s, m, p.kind, system, dict(p.params), key=f"{p.kind}@{slot}", run_after=now)
                self._next_periodic[p.kind] = (slot + 1) * every
                if stamp >= self._next_prune.get(p.kind, 0):
                    s.execute(delete(m).where(m.kind == p.kind, m.account_id.is_(None),
                                              m.state.in_(FINAL_STATES),
                                              m.finished_at < now - timedelta(seconds=p.keep)))
                    self._next_prune[p.kind] = stamp + min(p.keep / 10, 600.0)
            s.commit()

    def claim(self, kinds: Sequence[str] | None = None) -> uuid.UUID | None:
        """Mark the oldest due job (queued and due, or running with a stale heartbeat) of ``kinds`` (default: every
        kind this runner knows) running; its id or None."""
        m = self.model
        now = self.now()
        stale = now - timedelta(seconds=self.stale_after)
        due = (select(m.id)
               .where(m.kind.in_(list(kinds if kinds is not None else self.kinds)),
                      ((m.state == "queued") & (m.run_after <= now))
                      | ((m.state == "running") & (m.heartbeat_at < stale)))
               .order_by(m.run_after, m.created_at).limit(1).with_for_update(skip_locked=True).scalar_subquery())
        with self.engine.begin() as conn:
            row = conn.execute(update(m).where(m.id == due)
                               .values(state="running", started_at=func.coalesce(m.started_at, now),
                                       heartbeat_at=now, attempts=m.attempts + 1)
                               .returning(m.id)).first()
        return row.id if row else None

    def run(self, job_id: uuid.UUID) -> str:
        """Run one claimed job to its outcome; returns the state it ended in (``retry``: queued again)."""
        m = self.model
        with self._session() as s:
            job = s.get(m, job_id)
        assert job is not None
        started = time.monotonic()
        self.metrics.on_claimed(job.kind)
        kind = self.kinds[job.kind]
        # in the enqueuing request's trace, with its request id on every log line (svckit.tracing)
        with tracing.job_span(self.container.service_name, job.kind, job.id, job.principal) as span:
            outcome = self._run(job, kind)
            tracing.set_outcome(span, outcome, failed=outcome == "failed")
        try:
            self.metrics.on_finished(job.kind, outcome, time.monotonic() - started)
        except Exception:
            log.exception("job metrics hook failed")
        return outcome

    def _run(self, job: Any, kind: Kind) -> str:
        m = self.model
        if job.attempts > kind.max_attempts:   # its process died on the last attempt
            self._finish(job, "failed", error=self._failed(job.id))
            return "failed"
        if job.cancel_requested:
            self._finish(job, "cancelled")
            return "cancelled"
        deadline = self.now() + timedelta(seconds=kind.time_limit) if kind.time_limit else None
        ctx = JobContext(self.engine, m, job, config=self.container.config, now=self.now, deadline=deadline,
                         outbox=self.outbox_writer(), extras=self.extras)
        target = eventlet.getcurrent()
        beat = eventlet.spawn(self._heartbeat, job, target, kind, ctx)
        try:
            try:
                result = kind.handler(ctx)
                ctx.session.commit()
            finally:
                beat.kill()
            if ctx.outbox is not None and ctx.outbox.used:
                ctx.outbox.relay.poke()
            self._finish(job, "done", result=result or {})
            return "done"
        except Cancelled:
            self._rollback(ctx)
            self._finish(job, "cancelled")
            return "cancelled"
        except TimeLimitExceeded:
            self._rollback(ctx, invalidate=True)
            log.warning("job %s (%s) exceeded its time limit of %s s", job.id, job.kind, kind.time_limit)
            self._finish(job, "failed", error={
                "code": "job_time_limit", "fields": {}, "extra": {"time_limit": kind.time_limit},
                "detail": time_limit_text(kind.time_limit or 0).format(n=f"{kind.time_limit or 0:g}",
                                                                       job_id=job.id).to_wire()})
            return "failed"
        except WireError as exc:
            self._rollback(ctx)
            self._finish(job, "failed", error=wire_error(exc))
            return "failed"
        except Exception:
            log.exception("job %s (%s) failed (attempt %s of %s)", job.id, job.kind, job.attempts, kind.max_attempts)
            self._rollback(ctx)
            if job.attempts < kind.max_attempts:
                self._retry(job, self.now() + timedelta(seconds=kind.retry_delay(job.attempts)))
                return "retry"
            self._finish(job, "failed", error=self._failed(job.id))
            return "failed"
        finally:
            ctx.close()

    def _heartbeat(self, job: Any, target: Any, kind: Kind, ctx: JobContext) -> None:
        m = self.model
        while True:
            eventlet.sleep(self.heartbeat)
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(m).where(m.id == job.id, m.state == "running", m.attempts == job.attempts)
                                 .values(heartbeat_at=self.now()))
            except Exception:
                log.exception("job heartbeat failed")
            if ctx.deadline is not None and self.now() > ctx.deadline:
                eventlet.kill(target, TimeLimitExceeded(job.id))
                return

    @staticmethod
    def _rollback(ctx: JobContext, invalidate: bool = False) -> None:
        try:
            if invalidate:   # interrupted anywhere, perhaps inside a query: the connection is not reused
                ctx.session.invalidate()
            else:
                ctx.session.rollback()
        except Exception:
            log.exception("rolling back the job's session failed")

    @staticmethod
    def _failed(job_id: Any) -> dict[str, Any]:
        return {"code": "job_failed", "detail": FAILED.format(job_id=job_id).to_wire(), "fields": {}, "extra": {}}

    def _finish(self, job: Any, state: str, result: dict | None = None, error: dict | None = None) -> None:
        m = self.model
        now = self.now()
        values: dict[str, Any] = {"state": state, "finished_at": now, "heartbeat_at": now, "error": error}
        if state == "done":
            values["result"] = result
            values["done"] = func.coalesce(m.total, m.done)
        with self.engine.begin() as conn:
            conn.execute(update(m).where(m.id == job.id, m.state == "running", m.attempts == job.attempts)
                         .values(**values))

    def _retry(self, job: Any, when: datetime) -> None:
        m = self.model
        with self.engine.begin() as conn:
            conn.execute(update(m).where(m.id == job.id, m.state == "running", m.attempts == job.attempts)
                         .values(state="queued", run_after=when, heartbeat_at=None))
