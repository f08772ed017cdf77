"""Which function runs which kind of job (svckit.jobs.JobRunner looks them up here), with time limits and attempts.

A handler acts as the principal that started the job (``ctx.principal``: the user, or the operator for feed imports)
and calls crm as that principal (``ctx.rpc("crm")``). Exports are re-run safely (the workbook is written again),
transfers too (links are upserted, crm links existing contacts); a feed import gets one more attempt only (its
upload's chunks stay until it was applied).
"""

from __future__ import annotations

import uuid

import eventlet
from sqlalchemy import text

from svckit.jobs import JobContext, Kind

from . import events
from .db.models import FeedUpload
from .usecases import exports, feeds, search, transfers

HOUR = 3600.0


def run_export(ctx: JobContext) -> dict:
    params = ctx.params
    licence = search.licence_of(ctx.session, ctx.principal)
    return exports.run(ctx.session, ctx.principal, licence, params["selection_id"], params["lang"],
                       progress=lambda n: ctx.progress(n), now=ctx.now, yield_cpu=lambda: eventlet.sleep(0))


def run_transfer(ctx: JobContext) -> dict:
    params = ctx.params
    licence = search.licence_of(ctx.session, ctx.principal)
    crm = ctx.rpc("crm", timeout=60)
    return transfers.run(ctx.session, ctx.principal, licence, params["client_id"], params["ids"],
                         crm.import_pressbase_contacts, progress=lambda n: ctx.progress(n),
                         commit=ctx.session.commit)


def run_feed_import(ctx: JobContext) -> dict:
    params = ctx.params
    engine = ctx.engine
    upload_id = uuid.UUID(params["upload_id"])
    upload = ctx.session.get(FeedUpload, upload_id)
    assert upload is not None, "the upload was checked when the job was started"
    chunks_total = upload.chunks

    def chunks():
        for seq in range(chunks_total):
            with engine.connect() as conn:
                yield conn.execute(text("SELECT data FROM feed_upload_chunks WHERE upload_id = :u AND seq = :s"),
                                   {"u": upload_id, "s": seq}).scalar()

    def progress(phase: str, done: int, total) -> None:
        ctx.progress(done if phase == "parsing" else upload.size, upload.size, phase)

    def before_commit(session, import_id: int) -> None:
        # crm learns about changed journalists that accounts transferred, in the import's transaction
        for payload in transfers.changed_links(session, import_id):
            ctx.outbox.add(session, events.JOURNALIST_CHANGED, payload)

    result = feeds.import_feed(
        engine, chunks(), fmt=upload.format, mode=params["mode"], record_type=params.get("record_type"),
        filename=upload.filename, source="upload", created_by=params.get("created_by") or upload.created_by,
        job_id=ctx.job_id, total_bytes=upload.size, progress=progress, yield_cpu=lambda: eventlet.sleep(0),
        before_commit=before_commit)
    with engine.begin() as conn:   # the file is applied: its bytes are not needed any more
        conn.execute(text("DELETE FROM feed_upload_chunks WHERE upload_id = :u"), {"u": upload_id})
    ctx.outbox.add(ctx.session, events.FEED_IMPORTED,
                   events.feed_imported(result["import_id"], params["mode"], result["counts"]))
    return result


HANDLERS = {
    "export": Kind(run_export, time_limit=HOUR),
    "transfer": Kind(run_transfer, time_limit=2 * HOUR),
    "feed_import": Kind(run_feed_import, max_attempts=2, time_limit=6 * HOUR),
}
