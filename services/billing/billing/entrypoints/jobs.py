"""Billing's runs of the due jobs: the RPC the Kubernetes CronJob (billing.jobs) calls, and the back office's run as
a background job of svckit's runner (``jobhandlers.run_due``; the runner also enqueues it every
``BILLING_JOB_INTERVAL`` s)."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from svckit.entitlements import EVENT
from svckit.entrypoints import rpc
from svckit.errors import NotFound, field_error
from svckit.validation import parse_uuid

from ..db import repo
from ..db.models import Job
from ..i18n import _
from ..jobhandlers import RUN_DUE
from ..usecases import entitlements
from ..usecases.runner import Runner
from .common import Base

RUN_NOT_FOUND = _("Run not found.")


class JobsApi(Base):
    @rpc
    def run_due_jobs(self, today: str | None = None) -> dict:
        """Run everything due up to ``today`` (default: the service's clock). Service principals and back office."""
        self.operator("back_office")
        return self._run(self._day(today))

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
        job = self.jobs.enqueue(self.db, RUN_DUE, actor, {"today": day.isoformat(),
                                                          "started_by": actor.user_id or actor.service})
        repo.audit(self.db, actor, "jobs.started", None, str(job.id), {"today": day.isoformat()})
        self.db.commit()
        return job_run_view(job)

    @rpc
    def get_job_run(self, run_id: str) -> dict:
        self.operator("back_office", "support")
        job = self.db.get(Job, parse_uuid(run_id, "run_id"))
        if job is None or job.kind != RUN_DUE or "today" not in (job.params or {}):
            raise NotFound(RUN_NOT_FOUND)
        return job_run_view(job)

    def _day(self, today: str | None) -> date:
        if not today:
            return self.clock.today()
        try:
            return date.fromisoformat(str(today))
        except ValueError:
            raise field_error("today", _("Invalid date (YYYY-MM-DD).")) from None

    def _run(self, day: date) -> dict:
        runner = Runner(self.session_factory(), self.cat, self.stage, send_mail=self.mailer.send,
                        render=bool(self.config.get("BILLING_RENDER_PDF", True)), now=self.clock.now)
        report = runner.run_due(day)
        return report.to_dict()


def job_run_view(job: Job) -> dict:
    """A back-office run as before svckit's runner: a queued job shows as running, a cancelled one as failed."""
    state = {"queued": "running", "cancelled": "failed"}.get(job.state, job.state)
    report = job.result
    if report is None and state == "failed":
        report = {"error": (job.error or {}).get("code") or "job_failed"}
    return {"id": str(job.id), "today": job.params["today"], "state": state, "done": job.done,
            "total": job.total or 0, "report": report if state != "running" else None,
            "started_by": job.params.get("started_by"),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}
