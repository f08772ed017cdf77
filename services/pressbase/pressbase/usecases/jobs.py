"""Jobs as the caller sees them (the runner is svckit.jobs; the handlers are in pressbase.jobhandlers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit.errors import NotFound
from svckit.jobs import serialise
from svckit.principal import Principal
from svckit.validation import parse_uuid
from svckit.work import Work

from ..db.models import Job
from ..i18n import _

JOB_NOT_FOUND = _("Job not found.")


def visible(session: Session, principal: Principal, job_id: Any) -> Job:
    """Account users see their account's jobs (another user's only as administrator or license manager);
    operators see account-less jobs (feed imports)."""
    job = session.get(Job, parse_uuid(job_id, "job_id"))
    if job is None:
        raise NotFound(JOB_NOT_FOUND)
    if principal.is_operator:
        if job.account_id is not None:
            raise NotFound(JOB_NOT_FOUND)
        return job
    account = principal.require_account()
    if job.account_id is None or str(job.account_id) != str(account):
        raise NotFound(JOB_NOT_FOUND)
    if principal.kind == "user" and job.user_id is not None and str(job.user_id) != str(principal.user_id) \
            and not principal.has_role("administrator", "license_manager"):
        raise NotFound(JOB_NOT_FOUND)
    return job


def get(work: Work, job_id: Any) -> dict:
    return serialise(visible(work.session, work.principal, job_id), work.principal.lang)


def cancel(work: Work, queue: Any, job_id: Any) -> dict:
    """Ask a job to stop (``queue``: the service's ``self.jobs``): a queued one is cancelled at once, a running one
    at its next progress report; a finished one stays as it is. Needs write access to the job's client."""
    session, principal = work.session, work.principal
    job = visible(session, principal, job_id)
    if job.client_id is not None:
        principal.check_client(str(job.client_id), write=True)
    return serialise(queue.cancel(session, job), principal.lang)


def housekeeping(work: Work) -> int:
    """Hourly: export files past their time (the log stays), abandoned uploads, finished jobs after 30 days;
    returns how many export files expired."""
    from .exports import expire

    expired = expire(work.session)
    work.session.execute(text("DELETE FROM feed_uploads "
                              "WHERE complete = false AND created_at < now() - interval '1 day'"))
    work.session.execute(text("DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') "
                              "AND finished_at < now() - interval '30 days'"))
    return expired
