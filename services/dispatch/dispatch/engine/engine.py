"""The sender loop: claim a batch, deliver it with bounded concurrency, record each outcome as soon as it is known.

Delivery guarantee (docs: services/dispatch/README.md, "Crash safety"):
1. A row is claimed and its attempt committed (lease, Message-ID) before a byte goes to the relay.
2. The outcome is committed right after the relay's answer, one short transaction per mail.
3. A row whose lease ran out while "sending" (the worker died), or whose connection broke during DATA, is *in
   doubt*. Before it is sent again the engine asks the reconciler whether the relay holds that Message-ID for that
   recipient; only a "no" sends again. With a reconciler (our SMTP sink) every recipient is delivered exactly once
   across worker, broker and relay crashes. Without one, the only duplicates possible are mails that were inside
   the DATA phase, or between the relay's 250 and our commit, at the moment of a crash: at most one per pooled
   connection in flight.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import eventlet
from eventlet.greenpool import GreenPool
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.metrics import count_mail

from ..domain import bounce
from ..domain.retry import DEFER, FAIL, IN_DOUBT, SENT, next_attempt
from ..domain.templates import TemplateProblem
from ..settings import DispatchSettings
from ..usecases.suppression import record_bounce
from . import store
from .compose import Composer
from .smtp import DomainLimiter, Reconciler, SharedDomainLimiter, SinkReconciler, SmtpPool

log = logging.getLogger(__name__)


class Engine:
    def __init__(self, db: SqlEngine, settings: DispatchSettings, pool: SmtpPool | None = None,
                 limiter: DomainLimiter | SharedDomainLimiter | None = None, reconciler: Reconciler | None = None,
                 clock: Callable[[], datetime] = utcnow, worker_id: str | None = None):
        self.db = db
        # Outcomes are committed without waiting for the WAL flush: a crash of the *worker* loses nothing (the
        # commit is in PostgreSQL already); a crash of PostgreSQL itself may lose the last fraction of a second
        # of marks, and those rows come back as "in doubt" and are reconciled like any other. Claims (the
        # attempt recorded before sending) stay fully synchronous.
        # No pre-ping (it would cost a round trip per mail): a broken connection fails its one delivery, which
        # stays leased and is retried (in doubt, so reconciled) after the lease.
        self.marks = create_engine(db.url, pool_size=settings.smtp_connections + 2, max_overflow=4,
                                   pool_pre_ping=False, pool_recycle=600,
                                   connect_args={"options": "-c synchronous_commit=off",
                                                 "application_name": "dispatch-sender"})
        # single-statement outcomes (sent, deferred, released) need no BEGIN/COMMIT round trips: autocommit
        self.auto = self.marks.execution_options(isolation_level="AUTOCOMMIT")
        self.settings = settings
        self.pool = pool or SmtpPool(settings.smtp_host, settings.smtp_port, size=settings.smtp_connections,
                                     timeout=settings.smtp_timeout, starttls=settings.smtp_starttls,
                                     user=settings.smtp_user, password=settings.smtp_password,
                                     helo=settings.verp_domain)
        self.limiter = limiter or DomainLimiter(settings.domain_concurrency, settings.domain_rate_per_minute)
        if reconciler is None and settings.reconcile_url:
            reconciler = SinkReconciler(settings.reconcile_url)
        self.reconciler = reconciler
        self.clock = clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.composer = Composer(settings)
        self.greens = GreenPool(max(1, settings.smtp_connections))
        self.window = timedelta(hours=settings.retry_window_hours)

    def close(self) -> None:
        self.pool.close()
        self.marks.dispose()

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many rows were claimed (0: nothing due)."""
        with Session(self.db) as session:
            rows = store.claim(session, self.worker_id, self.settings.batch_size, self.clock(),
                               self.settings.lease_seconds, self.settings.verp_domain)
        for row in rows:
            self.greens.spawn_n(self._safe_process, row)
        self.greens.waitall()
        return len(rows)

    def run_until_idle(self, max_rounds: int = 10_000) -> int:
        total = 0
        for _ in range(max_rounds):
            n = self.run_once()
            total += n
            if n == 0:
                break
        return total

    def _safe_process(self, row: store.Claimed) -> None:
        try:
            self.process(row)
        except Exception:  # the row stays leased and is retried (in doubt) after the lease: never lost
            log.exception("delivery %s failed unexpectedly", row.id)

    def process(self, row: store.Claimed) -> None:
        s = self.settings
        with self.auto.connect() as session:   # a Connection in autocommit: one round trip per outcome
            now = self.clock()
            if row.in_doubt and self.reconciler is not None:
                known = self.reconciler.delivered(row.message_id, row.email)
                if known:
                    store.mark_sent(session, row, self.worker_id, now, None, "reconciled: the relay has it", None,
                                    reconciled=True)
                    count_mail("sent", row.domain)
                    return
                if known is None:
                    store.mark_deferred(session, row, self.worker_id, now, now + timedelta(seconds=s.retry_backoff[0]),
                                        None, "in doubt: the relay cannot be asked now", in_doubt=True)
                    count_mail("deferred", row.domain)
                    return
            wait = self.limiter.wait_seconds(row.domain)
            if wait:
                store.release(session, row, self.worker_id, now + timedelta(seconds=wait))
                return
            try:
                data = self.composer.compose(session, row, now)
            except TemplateProblem as exc:
                with self.marks.connect() as tx:
                    store.mark_failed(tx, row, self.worker_id, now, None, f"template: {exc.en}", hard=False)
                    tx.commit()
                count_mail("failed", row.domain)
                return
            with self.limiter.slot(row.domain):
                outcome = self.pool.send(self.composer.return_path(row), row.email, data)
            now = self.clock()
            if outcome.kind == SENT:
                store.mark_sent(session, row, self.worker_id, now, outcome.code, outcome.reply, len(data))
                count_mail("sent", row.domain)
            elif outcome.kind == FAIL:
                self._fail(row, now, outcome.code, outcome.reply, outcome.hard)
            elif outcome.kind in (DEFER, IN_DOUBT):
                next_at = next_attempt(row.attempts, row.first_attempt_at, now, s.retry_backoff, self.window)
                if next_at is None:
                    self._fail(row, now, outcome.code, f"gave up after {row.attempts} attempts: {outcome.reply}",
                               hard=False, expired=True)
                else:
                    store.mark_deferred(session, row, self.worker_id, now, next_at, outcome.code, outcome.reply,
                                        in_doubt=outcome.kind == IN_DOUBT)
                    count_mail("deferred", row.domain)


    def _fail(self, row: store.Claimed, now: datetime, code: int | None, reply: str, hard: bool,
              expired: bool = False) -> None:
        """The failure, the suppression and the event for crm in one transaction."""
        status = _status(reply)
        cause = bounce.EXPIRED if expired else bounce.classify(reply, status, str(code) if code else None)
        if cause in bounce.SENDER_SIDE:
            hard = False            # our sending domain was refused, not the address: it marks the domain
        with self.marks.connect() as tx:
            marked = store.mark_failed(tx, row, self.worker_id, now, code, reply, hard, expired=expired)
            if marked:
                record_bounce(tx, _as_dict(row), hard, status, reply, now, self.settings.soft_bounce_limit,
                              cause=cause)
            tx.commit()
        if marked:
            count_mail("expired" if expired else "bounced", row.domain)


def _as_dict(row: store.Claimed) -> dict:
    return {"id": row.id, "account_id": row.account_id, "email": row.email, "mailing_id": row.mailing_id}


def _status(reply: str) -> str | None:
    import re

    m = re.search(r"\b[245]\.\d{1,3}\.\d{1,3}\b", reply or "")
    return m.group(0) if m else None


class Runner:
    """Runs an :class:`Engine` forever in a green thread (the sender process, or a test)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.running = False
        self._gt = None

    def start(self, spawn=eventlet.spawn) -> None:
        self.running = True
        self._gt = spawn(self._loop)

    def _loop(self) -> None:
        while self.running:
            try:
                n = self.engine.run_once()
            except Exception:
                log.exception("sender loop failed; retrying")
                n = 0
                eventlet.sleep(1)
            if n == 0 and self.running:
                eventlet.sleep(self.engine.settings.idle_sleep)

    def stop(self) -> None:
        self.running = False
        if self._gt is not None:
            try:
                self._gt.wait()
            except Exception:
                pass
        self.engine.close()
