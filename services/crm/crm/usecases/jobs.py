"""Jobs as the caller sees them: state and progress, and the file a finished job produced."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from svckit.errors import Conflict, NotFound
from svckit.jobs import serialise
from svckit.principal import Principal
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import exporter
from ..db.models import Job, StoredFile
from ..i18n import _
from .common import NOT_FOUND
from .uploads import offer

NOT_READY = _("The job has not finished yet.")
NO_FILE = _("This job produced no file.")


def visible_job(session: Session, principal: Principal, job_id: Any) -> Job:
    job = session.get(Job, parse_uuid(job_id, "job_id"))
    if job is None or str(job.account_id) != str(principal.require_account()):
        raise NotFound(NOT_FOUND["job"])
    if not principal.is_service:
        if job.client_id is not None and not principal.can_see_client(str(job.client_id)):
            raise NotFound(NOT_FOUND["job"])
        own = job.user_id is None or str(job.user_id) == str(principal.user_id)
        if not own and not principal.has_role("administrator", "license_manager"):
            raise NotFound(NOT_FOUND["job"])
    return job


def get(work: Work, job_id: Any) -> dict:
    session, principal = work.session, work.principal
    return serialise(visible_job(session, principal, job_id))


def cancel(work: Work, queue: Any, job_id: Any) -> dict:
    """Ask a job to stop (``queue``: the service's ``self.jobs``): a queued one is cancelled at once, a running one
    at its next progress report; a finished one stays as it is. Needs write access to the job's client."""
    session, principal = work.session, work.principal
    job = visible_job(session, principal, job_id)
    if job.client_id is not None:
        principal.check_client(str(job.client_id), write=True)
    return serialise(queue.cancel(session, job))


def download(work: Work, storage, job_id: Any) -> dict:
    session, principal, config = work.session, work.principal, work.config
    job = visible_job(session, principal, job_id)
    if job.state != "done":
        raise Conflict(NOT_READY)
    file_id = (job.result or {}).get("file_id")
    f = session.get(StoredFile, parse_uuid(file_id, "file_id")) if file_id else None
    if f is None:
        raise NotFound(NO_FILE)
    return offer(config, storage, f)


def start_export(work: Work, queue: Any, source: dict[str, Any], language: str | None) -> dict:
    """An .xlsx of a list, an event's participants, a mailing's recipients or chosen contacts, as a job
    (``queue``: the service's ``self.jobs``)."""
    exporter.check_source(work.session, work.principal, source)
    return serialise(queue.enqueue(work.session, "export", work.principal, {"source": source, "language": language}))
