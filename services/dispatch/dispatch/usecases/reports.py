"""Per-mailing figures, recipients with their timelines, and the Excel export (openpyxl write-only).

Every text cell of the export goes through :func:`svckit.textsafe.safe_cell`: a recipient's name, an address or a
relay's reply starting with ``=``, ``+``, ``-``, ``@``, TAB or CR is written as text, never as a formula. The
recipients' search matches ``%`` and ``_`` literally.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit.cooperative import in_thread, yield_every
from svckit.errors import Conflict, InvalidInput, NotFound
from svckit.jobs import JobQueue
from svckit.textsafe import like_contains, safe_cell
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import contracts
from ..db import queries
from ..db.models import ExportFile, Job
from ..domain.providers import by_provider
from ..i18n import _, pgettext
from .common import load_mailing

JOB_NOT_FOUND = _("Export not found.")
EXPORT_KIND = "mailing_export"
#: recipients written between two pauses for the event loop (openpyxl: ~0.5 ms a row, so ~12 ms a stretch)
ROWS_PER_PAUSE = 25


def report(work: Work, mailing_id) -> dict[str, Any]:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    counts = dict(session.execute(queries.DELIVERY_COUNTS, {"m": m.id}).mappings().one())
    engagement = dict(session.execute(queries.ENGAGEMENT, {"m": m.id}).mappings().one())
    per_domain = session.execute(queries.PROVIDER_FIGURES, {"m": m.id}).mappings().all()
    issue = session.execute(queries.MAILING_SENDER_ISSUE, {"m": m.id}).first()
    return {"mailing_id": str(m.id), "state": m.state, "subject": m.subject, "lane": m.lane,
            "left_out": len(m.left_out or []), **counts, **engagement,
            "complaint_rate": complaint_rate(engagement["complaints"], counts["sent"]),
            "by_provider": by_provider([dict(r) for r in per_domain], PROVIDER_FIGURES),
            "sender_issue": sender_issue(issue)}


#: the figures of a mailing report's per-provider rows
PROVIDER_FIGURES = ("delivered", "deferred", "bounced", "complaints")


def complaint_rate(complaints: int, sent: int) -> float | None:
    """Complaints per mail sent (0.003 = 0.3 %, the bulk-sender limit of the big providers); None before any."""
    return round(complaints / sent, 6) if sent else None


def sender_issue(row) -> dict[str, Any] | None:
    """The sending domain's last sender-side bounce reason and its time (None: none, or no sending domain)."""
    if row is None or row.sender_issue is None:
        return None
    return {"domain": row.domain, "reason": row.sender_issue,
            "at": row.sender_issue_at.isoformat() if row.sender_issue_at else None}


def progress(work: Work, mailing_id) -> dict[str, Any]:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    counts = dict(session.execute(queries.DELIVERY_COUNTS, {"m": m.id}).mappings().one())
    done = counts["total"] - counts["queued"] - counts["deferred"]
    return {"state": m.state, "done": done, "total": counts["total"], **counts}


def recipients(work: Work, mailing_id, inp: contracts.PageIn) -> dict[str, Any]:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    params: dict[str, Any] = {"m": m.id, "after": inp.cursor or 0, "limit": inp.limit, "state": inp.state or None,
                              "q": like_contains(inp.q) if inp.q else None}
    rows = session.execute(queries.RECIPIENTS_PAGE, params).mappings().all()
    items = [_row(r) for r in rows]
    return {"items": items, "next_cursor": items[-1]["id"] if len(items) == inp.limit else None}


def _row(r) -> dict[str, Any]:
    out = {}
    for k, v in r.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        elif k == "contact_id" and v is not None:
            v = str(v)
        out[k] = v
    return out


BAD_ID = _("Invalid identifier.")


def row_id(value: Any, field: str) -> int:
    """A delivery id from a caller: a whole number that fits PostgreSQL's bigint, or InvalidInput naming the
    field (never a database error)."""
    text_value = str(value).strip()
    if isinstance(value, bool) or not (text_value.isascii() and text_value.isdigit()) or len(text_value) > 19 \
            or not 1 <= int(text_value) <= contracts.BIGINT_MAX:
        raise InvalidInput(fields={field: BAD_ID})
    return int(text_value)


def timeline(work: Work, mailing_id, delivery_id) -> dict[str, Any]:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    d = session.execute(text("SELECT id, email, state, created_at FROM deliveries WHERE id = :d AND mailing_id = :m"),
                        {"d": row_id(delivery_id, "delivery_id"), "m": m.id}).mappings().first()
    if d is None:
        raise NotFound(_("Recipient not found."))
    events = session.execute(text("SELECT kind, machine, at, detail FROM delivery_events WHERE delivery_id = :d "
                                  "ORDER BY at, id"), {"d": d["id"]}).mappings().all()
    return {"id": d["id"], "email": d["email"], "state": d["state"],
            "events": [{"kind": "queued", "machine": False, "at": d["created_at"].isoformat(), "detail": {}}]
            + [_row(e) for e in events]}


# --- Excel export (a job with progress) ---------------------------------------------------------------------------

HEAD = [_("E-mail"), _("State"), _("Bounce"), _("Attempts"), _("Code"), _("Reply"), _("Sent"), _("Opens"),
        _("Clicks"), _("Unsubscribed"), _("Name")]
# a delivery's state in the German export; the English one shows the state's code
STATES = {"queued": pgettext("delivery state", "queued"), "sending": pgettext("delivery state", "sending"),
          "sent": pgettext("delivery state", "sent"), "deferred": pgettext("delivery state", "deferred"),
          "failed": pgettext("delivery state", "failed"), "bounced": pgettext("delivery state", "bounced"),
          "cancelled": pgettext("delivery state", "cancelled")}
SUMMARY = {"total": _("Recipients"), "sent": _("Sent"), "delivered": _("Delivered"), "deferred": _("Deferred"),
           "queued": _("Waiting"), "bounced_hard": _("Bounced (hard)"), "bounced_soft": _("Bounced (soft)"),
           "opened": _("Opened"), "clicked": _("Clicked"), "unsubscribed": _("Unsubscribed"),
           "machine_opens": _("Opens by scanners"), "machine_clicks": _("Clicks by scanners")}
YES = _("yes")


def start_export(work: Work, mailing_id, jobs: JobQueue) -> dict[str, Any]:
    """Queue the export as a job of svckit's runner (``dispatch.jobhandlers``) with the figures as they are now."""
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    total = session.execute(text("SELECT count(*) FROM deliveries WHERE mailing_id = :m"), {"m": m.id}).scalar()
    job = jobs.enqueue(session, EXPORT_KIND, p, {"mailing_id": str(m.id), "report": report(work, mailing_id)},
                       total=total)
    return job_view(job)


def job_view(job: Job) -> dict[str, Any]:
    """An export job as clients see it (a queued job shows as running, a cancelled one as failed)."""
    return {"id": str(job.id), "mailing_id": job.params["mailing_id"],
            "state": {"queued": "running", "cancelled": "failed"}.get(job.state, job.state), "done": job.done,
            "total": job.total or 0, "filename": (job.result or {}).get("filename"), "error": job.error}


def load_job(work: Work, job_id) -> Job:
    session, p = work.session, work.principal
    job = session.get(Job, parse_uuid(job_id, "job_id"))
    if job is None or job.kind != EXPORT_KIND or str(job.account_id) != str(p.require_account()):
        raise NotFound(JOB_NOT_FOUND)
    load_mailing(session, p, job.params["mailing_id"])  # the client must still be visible
    return job


def export_file(work: Work, job_id) -> dict[str, Any]:
    """The finished workbook (base64); Conflict while the job is not done."""
    session = work.session
    job = load_job(work, job_id)
    file = session.get(ExportFile, job.id) if job.state == "done" else None
    if file is None or file.data is None:
        raise Conflict(_("The export is not finished yet."))
    return {"filename": file.filename, "content_b64": base64.b64encode(file.data).decode(),
            "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _cell(value: Any) -> Any:
    """A cell value: characters a workbook cannot hold dropped, text that would be a formula made text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


def run_export(session: Session, job_id, account_id, params: dict[str, Any], language: str,
               progress: Callable[[int], None], chunk: int = 2000) -> dict[str, Any]:
    """Write the workbook (write-only: constant memory), reporting progress as it goes, and keep it as the job's
    export file (in the session; the job runner commits). Run again, it writes the file again."""
    from openpyxl import Workbook

    report_data, mailing_id = params["report"], params["mailing_id"]
    lang = language if language in ("de", "en") else "de"
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(_("Summary").pick(lang))
    summary.append([_cell(report_data.get("subject", ""))])
    for key, label in SUMMARY.items():
        summary.append([label.pick(lang), report_data.get(key, 0)])
    sheet = wb.create_sheet(_("Recipients").pick(lang))
    sheet.append([h.pick(lang) for h in HEAD])
    after, done = 0, 0
    while True:
        rows = session.execute(queries.EXPORT_ROWS, {"m": mailing_id, "after": after, "n": chunk}).all()
        if not rows:
            break
        for r in yield_every(rows, ROWS_PER_PAUSE):   # the event loop gets a turn every few rows
            sheet.append([_cell(v) for v in (
                r.email, STATES[r.state].pick(lang) if r.state in STATES else r.state, r.bounce or "", r.attempts,
                r.last_code,
                (r.last_reply or "")[:300], r.sent_at.replace(tzinfo=None) if r.sent_at else None,
                r.opens, r.clicks, YES.pick(lang) if r.unsub else "", r.name or "")])
        after = rows[-1].id
        done += len(rows)
        progress(done)
    buf = io.BytesIO()
    in_thread(wb.save, buf)   # zipping: in a worker thread, not on the event loop
    filename = f"mailing-{str(mailing_id)[:8]}.xlsx"
    session.merge(ExportFile(id=job_id, account_id=account_id, mailing_id=mailing_id, language=lang,
                             filename=filename, data=buf.getvalue()))
    return {"filename": filename}
