"""The job runner's entrypoints: a nameko timer, and the RPC the Kubernetes CronJob (billing.jobs) calls."""

from __future__ import annotations

import logging
import os
from datetime import date

from nameko.timer import Timer, timer
from sqlalchemy import update

from svckit.entitlements import EVENT
from svckit.entrypoints import rpc
from svckit.errors import NotFound, field_error
from svckit.i18n import Text
from svckit.validation import parse_uuid

from ..db import repo
from ..db.models import JobRun
from ..usecases import entitlements
from ..usecases.runner import Runner
from .common import Base

log = logging.getLogger(__name__)
JOB_INTERVAL = float(os.environ.get("BILLING_JOB_INTERVAL", "3600"))


class ConfigTimer(Timer):
    """A timer whose interval the service config may set (``BILLING_JOB_INTERVAL``, seconds)."""

    def __init__(self, interval, config_key: str, **kwargs):
        super().__init__(interval, **kwargs)
        self.config_key = config_key

    def setup(self) -> None:
        value = self.container.config.get(self.config_key)
        if value:
            self.interval = float(value)


config_timer = ConfigTimer.decorator


class JobsApi(Base):
    @rpc
    def run_due_jobs(self, today: str | None = None) -> dict:
        """Run everything due up to ``today`` (default: the service's clock). Service principals and back office."""
        self.operator("back_office")
        return self._run(self._day(today))

    @config_timer(JOB_INTERVAL, "BILLING_JOB_INTERVAL")
    def run_due_jobs_timer(self) -> None:
        if not self.config.get("BILLING_TIMER", True):
            return
        report = self._run(self.clock.today())
        log.info("billing jobs done", extra={"report": report})

    @timer(interval=24 * 3600, eager=True)
    def broadcast_entitlements(self) -> None:
        """At start (and daily): every account's current entitlements again, so a consumer that missed one (or a
        freshly seeded database) catches up. Consumers ignore versions they already have."""
        for payload in entitlements.stored_payloads(self.db):
            self.dispatch(EVENT, payload)

    @rpc
    def start_job_run(self, today: str | None = None) -> dict:
        """The back office starts a run in the background and polls ``get_job_run`` for its progress."""
        actor = self.operator("back_office")
        day = self._day(today)
        row = JobRun(today=day, state="running", done=0, total=0, started_by=actor.user_id or actor.service)
        self.db.add(row)
        self.db.flush()
        repo.audit(self.db, actor, "jobs.started", None, str(row.id), {"today": day.isoformat()})
        self.db.commit()
        self.background.spawn(self._background_run, row.id, day, self.session_factory(),
                              self.background.outbox_writer().add, self.mailer.send)
        return job_run_view(row)

    @rpc
    def get_job_run(self, run_id: str) -> dict:
        self.operator("back_office", "support")
        row = self.db.get(JobRun, parse_uuid(run_id, "run_id"))
        if row is None:
            raise NotFound(Text("Lauf nicht gefunden.", "Run not found."))
        return job_run_view(row)

    def _background_run(self, run_id, day: date, session_factory, stage, send) -> None:
        def progress(done: int, total: int) -> None:
            with session_factory() as s:
                s.execute(update(JobRun).where(JobRun.id == run_id).values(done=done, total=total))
                s.commit()

        try:
            runner = Runner(session_factory, self.cat, stage, send_mail=send,
                            render=bool(self.config.get("BILLING_RENDER_PDF", True)), now=self.clock.now)
            report, state = runner.run_due(day, progress=progress).to_dict(), "done"
        except Exception as exc:  # the run is reported failed; jobs done so far stay done (each committed)
            log.exception("billing job run failed")
            report, state = {"error": f"{type(exc).__name__}: {exc}"}, "failed"
        with session_factory() as s:
            s.execute(update(JobRun).where(JobRun.id == run_id).values(
                state=state, report=report, finished_at=self.clock.now()))
            s.commit()

    def _day(self, today: str | None) -> date:
        if not today:
            return self.clock.today()
        try:
            return date.fromisoformat(str(today))
        except ValueError:
            raise field_error("today", "Ungültiges Datum (JJJJ-MM-TT).", "Invalid date (YYYY-MM-DD).") from None

    def _run(self, day: date) -> dict:
        runner = Runner(self.session_factory(), self.cat, self.stage, send_mail=self.mailer.send,
                        render=bool(self.config.get("BILLING_RENDER_PDF", True)), now=self.clock.now)
        report = runner.run_due(day)
        return report.to_dict()


def job_run_view(row: JobRun) -> dict:
    return {"id": str(row.id), "today": row.today.isoformat(), "state": row.state, "done": row.done,
            "total": row.total, "report": row.report, "started_by": row.started_by,
            "finished_at": row.finished_at.isoformat() if row.finished_at else None}
