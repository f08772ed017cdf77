"""Long jobs with progress (feed imports, exports, transfers): rows in ``jobs``, claimed by the service's timers.

A job is created by an RPC (in the caller's transaction) with the caller's principal, so it later acts with the
same rights (client rights, language). A timer claims the oldest queued job of its kinds with SKIP LOCKED (several
replicas never run one job twice); progress and the outcome are written through their own short transactions so a
client polling ``get_job`` sees them while the job's own work is still uncommitted. A job whose runner died (no
heartbeat for STALE seconds) is claimed again.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from svckit.errors import NotFound, WireError
from svckit.i18n import Text
from svckit.principal import Principal

from .db.models import Job

STALE_SECONDS = 300
JOB_NOT_FOUND = Text("Auftrag nicht gefunden.", "Job not found.")
INTERNAL = Text("Der Auftrag ist fehlgeschlagen. Bitte versuchen Sie es erneut oder wenden Sie sich an den Support.",
                "The job failed. Please try again or contact support.")


def create(session: Session, principal: Principal, kind: str, params: dict[str, Any], total: int | None = None) -> Job:
    job = Job(id=uuid.uuid4(), account_id=principal.account_id, user_id=principal.user_id,
              principal=principal.to_dict(), kind=kind, params=params, total=total)
    session.add(job)
    session.flush()
    return job


def claim(engine: Engine, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    with engine.begin() as conn:
        row = conn.execute(text(f"""
UPDATE jobs SET state = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now()
 WHERE id = (SELECT id FROM jobs
              WHERE kind = ANY(CAST(:kinds AS text[]))
                AND (state = 'queued'
                     OR (state = 'running' AND heartbeat_at < now() - interval '{STALE_SECONDS} seconds'))
              ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING id, kind, params, principal, account_id, user_id"""), {"kinds": list(kinds)}).mappings().first()  # noqa: S608 -- only the STALE_SECONDS constant is inserted, values bound
        return dict(row) if row else None


def progress(engine: Engine, job_id, done: int, total: int | None = None, phase: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE jobs SET done = :d, total = coalesce(:t, total), heartbeat_at = now(), "
            "result = CASE WHEN CAST(:p AS text) IS NULL THEN result "
            "              ELSE coalesce(result, '{}'::jsonb) || jsonb_build_object('phase', CAST(:p AS text)) END "
            "WHERE id = :i"), {"d": done, "t": total, "p": phase, "i": job_id})


def finish(engine: Engine, job_id, result: dict[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE jobs SET state = 'done', finished_at = now(), heartbeat_at = now(), done = coalesce(total, done), "
            "result = CAST(:r AS jsonb) WHERE id = :i"), {"r": json.dumps(result, default=str), "i": job_id})


def fail(engine: Engine, job_id, exc: BaseException) -> None:
    if isinstance(exc, WireError):
        error = dict(exc.payload)
    else:
        error = {"code": "internal_error", "detail": INTERNAL.to_wire(), "fields": {}, "extra": {}}
    with engine.begin() as conn:
        conn.execute(text("UPDATE jobs SET state = 'failed', finished_at = now(), error = CAST(:e AS jsonb) "
                          "WHERE id = :i"), {"e": json.dumps(error, default=str), "i": job_id})


def view(job: Job | dict[str, Any], lang: str) -> dict[str, Any]:
    get = (lambda k: job.get(k)) if isinstance(job, dict) else (lambda k: getattr(job, k))
    error = get("error")
    out = {
        "id": str(get("id")), "kind": get("kind"), "state": get("state"), "done": get("done"), "total": get("total"),
        "result": get("result"), "created_at": _iso(get("created_at")), "started_at": _iso(get("started_at")),
        "finished_at": _iso(get("finished_at")), "error": None,
    }
    if error:
        detail = Text.from_wire(error.get("detail"))
        out["error"] = {"code": error.get("code"), "detail": detail.pick(lang),
                        "fields": {k: Text.from_wire(v).pick(lang) for k, v in (error.get("fields") or {}).items()},
                        "extra": _localise(error.get("extra") or {}, lang)}
    return out


def _localise(extra: dict, lang: str) -> dict:
    out = dict(extra)
    if isinstance(out.get("errors"), list):
        out["errors"] = [{**e, "message": Text.from_wire(e.get("message")).pick(lang)} for e in out["errors"]]
    return out


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def get_visible(session: Session, principal: Principal, job_id) -> Job:
    """Account users see their account's jobs; operators see account-less jobs (feed imports)."""
    job = session.get(Job, job_id)
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
