"""Which function runs which kind of job (svckit.jobs.JobRunner, declared on the service, looks them up here).

``run_due``: everything due on a day (``usecases.runner``), with progress. The back office starts one for a day it
names (``start_job_run``, params ``today`` and ``started_by``); the runner enqueues one itself every
``BILLING_JOB_INTERVAL`` seconds (the service's clock's day), once per interval across all billing processes.
Every billing job inside a run is idempotent per (account, period, kind), so a retried or overlapping run creates
nothing twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import sessionmaker

from svckit.clock import Clock
from svckit.deps import find
from svckit.jobs import JobContext, Kind, Periodic
from svckit.mail import Mailer, TransactionalMail, TransactionalMailer
from svckit.settings import env

from .domain.catalogue import load
from .usecases.runner import Runner

RUN_DUE = "run_due"


def run_due(ctx: JobContext) -> dict[str, Any]:
    today = date.fromisoformat(ctx.params["today"]) if ctx.params.get("today") else ctx.clock.today()
    provider: TransactionalMailer = ctx.mailer

    def send(mail: TransactionalMail) -> str:
        dispatch = ctx.rpc("dispatch", timeout=30) if provider.via == "dispatch" else None
        return Mailer(provider.via, provider.smtp, dispatch).send(mail)

    assert ctx.outbox is not None, "billing declares an outbox"
    runner = Runner(sessionmaker(bind=ctx.engine, expire_on_commit=False), load(), ctx.outbox.add, send_mail=send,
                    render=bool(ctx.config.get("BILLING_RENDER_PDF", True)), now=ctx.now)
    return runner.run_due(today, progress=lambda done, total: ctx.progress(done, total)).to_dict()


def run_due_every(config: Any) -> float | None:
    """Seconds between the periodic runs (``BILLING_JOB_INTERVAL``, config or environment, default 3600); none when
    the config turns the timer off (``BILLING_TIMER: false``, as the tests do)."""
    if not config.get("BILLING_TIMER", True):
        return None
    return float(config.get("BILLING_JOB_INTERVAL") or env("BILLING_JOB_INTERVAL") or 3600)


HANDLERS = {RUN_DUE: Kind(run_due, max_attempts=3, backoff=60)}
PERIODIC = [Periodic(RUN_DUE, every=run_due_every)]
EXTRAS = {"clock": lambda container: find(container, Clock),
          "mailer": lambda container: find(container, TransactionalMailer)}
