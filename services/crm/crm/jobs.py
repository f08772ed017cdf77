"""Background jobs with progress: imports, exports, mailbox syncs, account exports.

An entrypoint writes a ``jobs`` row (``self.jobs.enqueue(...)``) in its transaction and commits; the runner in
every crm process claims queued rows with ``FOR UPDATE SKIP LOCKED`` (so several replicas share the work and no
job runs twice at once), runs the job's handler in a managed greenthread and records progress (done, total) that
clients poll through ``GET /api/v1/crm/jobs/{id}``. A job whose process died (no heartbeat for a while) is claimed
again; every handler is written to be re-run safely (imports by their per-row source references, exports by
rewriting their file).

Handlers do CPU-heavy work (openpyxl) in a cooperative greenthread: ``ctx.progress()`` yields to the hub after each
batch so RPC workers of the same process keep answering.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from typing import Any, Callable

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.errors import WireError
from svckit.i18n import Text
from svckit.principal import Principal

from .db.models import Job

log = logging.getLogger(__name__)

FAILED = Text("Der Auftrag ist fehlgeschlagen. Bitte versuchen Sie es noch einmal oder wenden Sie sich an den "
              "Support (Auftrag {job_id}).",
              "The job failed. Please try again or contact support (job {job_id}).")
STALE_AFTER = "5 minutes"
MAX_ATTEMPTS = 3


class JobContext:
    """What a handler gets: its job's parameters, a session, storage, config and progress reporting."""

    def __init__(self, engine, job: Job, storage, config: dict):
        self.engine = engine
        self.job_id = job.id
        self.kind = job.kind
        self.params: dict[str, Any] = dict(job.params or {})
        self.account_id = job.account_id
        self.client_id = job.client_id
        self.user_id = job.user_id
        self.principal = Principal.from_dict(job.principal or {})
        self.storage = storage
        self.config = config
        self.session = Session(bind=engine, expire_on_commit=False)

    def progress(self, done: int, total: int | None = None) -> None:
        with self.engine.begin() as conn:
            values: dict[str, Any] = {"done": done, "heartbeat_at": utcnow()}
            if total is not None:
                values["total"] = total
            conn.execute(update(Job).where(Job.id == self.job_id).values(**values))
        eventlet.sleep(0)

    def close(self) -> None:
        self.session.close()


Handler = Callable[[JobContext], dict]


class JobQueue:
    def __init__(self, runner: "JobRunner"):
        self.runner = runner
        self.used = False

    def enqueue(self, session: Session, kind: str, principal: Principal, params: dict | None = None,
                client_id: Any = None, dedupe_key: str | None = None, total: int | None = None) -> Job:
        """Add a job in the caller's transaction (runs after commit). With ``dedupe_key`` an equal job of the
        account is returned instead of a new one."""
        account_id = uuid.UUID(str(principal.require_account()))
        job_id = uuid.uuid4()
        values = dict(id=job_id, account_id=account_id, client_id=client_id, kind=kind, params=params or {},
                      principal=principal.to_dict(), dedupe_key=dedupe_key, total=total,
                      user_id=uuid.UUID(principal.user_id) if principal.user_id else None)
        stmt = insert(Job).values(**values)
        if dedupe_key:
            stmt = stmt.on_conflict_do_nothing(index_elements=["account_id", "dedupe_key"],
                                               index_where=Job.dedupe_key.isnot(None))
        session.execute(stmt)
        self.used = True
        if dedupe_key:
            return session.query(Job).filter(Job.account_id == account_id, Job.dedupe_key == dedupe_key).one()
        return session.get(Job, job_id)


class JobRunner(DependencyProvider):
    def __init__(self, handlers: str = "crm.jobhandlers:HANDLERS", concurrency: int = 2,
                 database_attr: str = "db", storage_attr: str = "storage"):
        self.handlers_ref = handlers
        self.concurrency = concurrency
        self.database_attr, self.storage_attr = database_attr, storage_attr
        self._running = False
        self._wake: Event | None = None
        self._loop_gt = None
        self.active: set = set()

    def setup(self) -> None:
        self.poll = float(self.container.config.get("CRM_JOB_POLL", 2.0))
        self.queues: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def _dep(self, attr: str):
        return next(d for d in self.container.dependencies if d.attr_name == attr)

    @property
    def handlers(self) -> dict[str, Handler]:
        module, _, name = self.handlers_ref.partition(":")
        import importlib
        return getattr(importlib.import_module(module), name)

    def start(self) -> None:
        self._running = True
        self._wake = Event()
        self._loop_gt = self.container.spawn_managed_thread(self._loop)

    def stop(self) -> None:
        self._running = False
        self.poke()
        for gt in list(self.active):
            try:
                gt.wait()
            except Exception:
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

    def poke(self) -> None:
        if self._wake is not None and not self._wake.ready():
            self._wake.send(True)

    def get_dependency(self, worker_ctx) -> JobQueue:
        queue = JobQueue(self)
        self.queues[worker_ctx] = queue
        return queue

    def worker_teardown(self, worker_ctx) -> None:
        queue = self.queues.pop(worker_ctx, None)
        if queue is not None and queue.used:
            self.poke()

    # --- the loop ---
    def _loop(self) -> None:
        while self._running:
            claimed = None
            if len(self.active) < self.concurrency:
                try:
                    claimed = self.claim()
                except Exception:
                    log.exception("claiming a job failed")
            if claimed is not None:
                gt = self.container.spawn_managed_thread(lambda j=claimed: self.run(j))
                self.active.add(gt)
                gt.link(lambda g: self.active.discard(g))
                continue
            with eventlet.Timeout(self.poll, False):
                self._wake.wait()
            self._wake = Event()

    def claim(self) -> uuid.UUID | None:
        engine = self._dep(self.database_attr).engine
        with engine.begin() as conn:
            row = conn.execute(text(f"""
                UPDATE jobs SET state = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(),
                                attempts = attempts + 1
                WHERE id = (SELECT id FROM jobs
                            WHERE (state = 'queued'
                                   OR (state = 'running' AND heartbeat_at < now() - interval '{STALE_AFTER}'))
                              AND attempts < {MAX_ATTEMPTS}
                            ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING id""")).first()  # noqa: S608 -- fixed SQL fragments (kinds, stale interval constant), values bound
        return row.id if row else None

    def run(self, job_id: uuid.UUID) -> None:
        engine = self._dep(self.database_attr).engine
        storage = self._dep(self.storage_attr).storage
        with Session(bind=engine, expire_on_commit=False) as s:
            job = s.get(Job, job_id)
        ctx = JobContext(engine, job, storage, self.container.config)
        try:
            handler = self.handlers[job.kind]
            result = handler(ctx)
            ctx.session.commit()
            self._finish(engine, job_id, "done", result=result or {})
        except WireError as exc:
            ctx.session.rollback()
            self._finish(engine, job_id, "failed", error={"code": exc.payload.get("code"),
                                                          "detail": exc.payload.get("detail"),
                                                          "fields": exc.payload.get("fields")})
        except Exception:
            log.exception("job %s (%s) failed", job_id, job.kind)
            ctx.session.rollback()
            self._finish(engine, job_id, "failed",
                         error={"code": "job_failed", "detail": FAILED.format(job_id=job_id).to_wire(), "fields": {}})
        finally:
            ctx.close()

    @staticmethod
    def _finish(engine, job_id, state: str, result: dict | None = None, error: dict | None = None) -> None:
        with engine.begin() as conn:
            values: dict[str, Any] = {"state": state, "finished_at": utcnow(), "result": result,
                                      "error": error, "heartbeat_at": utcnow()}
            conn.execute(update(Job).where(Job.id == job_id).values(**values))


def serialise(job: Job) -> dict[str, Any]:
    return {"id": str(job.id), "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
            "result": job.result, "error": job.error, "created_at": job.created_at.isoformat() if job.created_at
            else None, "finished_at": job.finished_at.isoformat() if job.finished_at else None}
