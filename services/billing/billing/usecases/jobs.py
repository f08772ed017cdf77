"""The back office's runs of the due jobs as jobs of svckit's runner (``jobhandlers.run_due`` runs them): starting
one and reading its state. The run itself is ``usecases.runner``."""

from __future__ import annotations

from datetime import date
from typing import Any

from svckit.errors import NotFound
from svckit.validation import parse_uuid
from svckit.work import Work

from ..db import repo
from ..db.models import Job
from ..i18n import _
from ..jobhandlers import RUN_DUE

RUN_NOT_FOUND = _("Run not found.")


def start_run(work: Work, queue: Any, day: date) -> dict:
    """Queue a run up to ``day`` (``queue``: the service's ``self.jobs``) acting as the caller, audited."""
    actor = work.principal
    job = queue.enqueue(work.session, RUN_DUE, actor, {"today": day.isoformat(),
                                                       "started_by": actor.user_id or actor.service})
    repo.audit(work.session, actor, "jobs.started", None, str(job.id), {"today": day.isoformat()})
    return job_run_view(job)


def get_run(work: Work, run_id: Any) -> dict:
    job = work.session.get(Job, parse_uuid(run_id, "run_id"))
    if job is None or job.kind != RUN_DUE or "today" not in (job.params or {}):
        raise NotFound(RUN_NOT_FOUND)
    return job_run_view(job)


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
