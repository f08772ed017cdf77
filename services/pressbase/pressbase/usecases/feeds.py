"""Use cases of the vendor's feeds: apply a feed (or generated records) to the media database, all or nothing; and
the operators' side of it (upload in chunks, start the import job, the import history and the change log).

The import row (``feed_imports``) is committed first, so even a rejected file leaves a trace (state ``failed`` with
its errors). The records are staged and applied in ONE transaction; progress is written through a separate
connection so a client polling the job sees it while the import runs.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
import uuid
from typing import Any, Callable, Iterable

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from svckit.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from svckit.i18n import Text
from svckit.jobs import serialise
from svckit.principal import BACK_OFFICE
from svckit.validation import parse_uuid
from svckit.work import Work

from ..contracts import FeedImportStart, FeedUploadStart, Paging
from ..db import loader
from ..db.models import FeedImport, FeedUpload, FeedUploadChunk, RecordChange
from ..domain import feed
from ..domain.query import decode_cursor, encode_cursor
from ..i18n import _, ngettext

log = logging.getLogger(__name__)

EMPTY = _("The file contains no records.")


def rejected(n: int) -> Text:
    return ngettext("The file was not applied: {n} error (listed in \"errors\").",
                    "The file was not applied: {n} errors (the first ones are listed in \"errors\").", n).format(n=n)

Progress = Callable[[str, int, int | None], None]


def _noop_progress(phase: str, done: int, total: int | None) -> None:
    pass


def _noop_yield() -> None:
    pass


class FeedRejected(InvalidInput):
    """The file (or its references) has errors; nothing was applied. ``extra['errors']``: [{line, field, message}]."""


def _begin(engine: Engine, **values: Any) -> int:
    with Session(engine) as session:
        row = FeedImport(**values)
        session.add(row)
        session.commit()
        return row.id


def _finish(engine: Engine, import_id: int, state: str, counts: dict | None = None,
            errors: list | None = None) -> None:
    with Session(engine) as session:
        session.execute(text("UPDATE feed_imports SET state = :s, finished_at = now(), counts = CAST(:c AS jsonb), "
                             "errors = CAST(:e AS jsonb) WHERE id = :i"),
                        {"s": state, "c": _json(counts or {}), "e": _json(errors or []), "i": import_id})
        session.commit()


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _apply(engine: Engine, import_id: int, mode: str, stage: Callable[[loader.Staging], None],
           progress: Progress, before_commit: Callable[[Session, int], None] | None) -> dict:
    with Session(engine) as session:
        try:
            staging = loader.Staging(session)
            try:
                stage(staging)
            except BaseException as exc:
                staging.abort(exc)
                raise
            staging.close()
            counts = loader.apply(session, import_id, mode, progress=lambda phase: progress(phase, 0, None))
            if before_commit is not None:
                before_commit(session, import_id)
            session.commit()
        except loader.ReferenceErrors as exc:
            session.rollback()
            _finish(engine, import_id, "failed", errors=exc.errors)
            raise FeedRejected(rejected(len(exc.errors)), errors=exc.errors, import_id=import_id) from None
        except FeedRejected as exc:
            session.rollback()
            _finish(engine, import_id, "failed", errors=exc.extra.get("errors"))
            raise
        except Exception as exc:
            session.rollback()
            _finish(engine, import_id, "failed", errors=[{"line": 0, "field": "file", "message": {
                "de": "Interner Fehler beim Import.", "en": "Internal error during the import."}}])
            log.exception("feed import %s failed", import_id)
            raise exc
    staged = counts
    _finish(engine, import_id, "done", counts=staged)
    _maintain(engine, mode)
    return {"import_id": import_id, "counts": staged}


def _maintain(engine: Engine, mode: str) -> None:
    """After a big change: fresh planner statistics; GIN pending lists merged so searches do not scan them."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        if mode == "full":
            for table in ("outlets", "journalists", "journalist_outlets", "forward_features", "journalist_search",
                          "outlet_search", "journalist_search_sample", "outlet_search_sample", "search_words"):
                conn.execute(text(f"ANALYZE {table}"))
        for index in ("ix_journalist_search_tsv", "ix_journalist_search_facets", "ix_outlet_search_tsv",
                      "ix_outlet_search_facets", "ix_forward_features_tsv", "ix_journalist_search_sample_tsv",
                      "ix_outlet_search_sample_tsv"):
            conn.execute(text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"), {"i": index})


def import_feed(engine: Engine, chunks: Iterable[bytes], *, fmt: str, mode: str, record_type: str | None = None,
                filename: str | None = None, source: str = "upload", created_by: str | None = None,
                job_id=None, total_bytes: int | None = None, progress: Progress = _noop_progress,
                yield_cpu: Callable[[], None] = _noop_yield,
                before_commit: Callable[[Session, int], None] | None = None) -> dict:
    """Parse, validate and apply one feed file. Raises FeedRejected (nothing applied) on any error."""
    import_id = _begin(engine, source=source, filename=filename, format=fmt, mode=mode, created_by=created_by,
                       job_id=job_id)
    report = feed.ParseReport()
    read = [0]

    def counted(source_chunks: Iterable[bytes]):
        for chunk in source_chunks:
            read[0] += len(chunk)
            yield chunk

    def stage(staging: loader.Staging) -> None:
        records = 0
        for parsed in feed.parse(feed.decode_lines(counted(chunks)), fmt, report, record_type):
            if parsed.op == "delete":
                staging.add("delete", (parsed.line, parsed.kind, parsed.ext_id))
            else:
                staging.add(parsed.kind, loader.ROW_BUILDERS[parsed.kind](parsed.line, parsed.record))
            records += 1
            if records % 2000 == 0:
                progress("parsing", read[0], total_bytes)
                yield_cpu()
        if not report.ok:
            errors = [e.to_dict() for e in report.errors]
            raise FeedRejected(rejected(report.error_count), errors=errors, import_id=import_id)
        if records == 0:
            raise FeedRejected(EMPTY, fields={"file": EMPTY}, errors=[{"line": 0, "field": "file",
                                                                        "message": EMPTY.to_wire()}],
                               import_id=import_id)
        progress("parsing", read[0], total_bytes)

    return _apply(engine, import_id, mode, stage, progress, before_commit)


def load_rows(engine: Engine, rows: Iterable[tuple[str, tuple]], *, source: str, fmt: str, mode: str = "full",
              yield_cpu: Callable[[], None] = _noop_yield) -> dict:
    """Apply ready staging rows (``(kind, row)``, e.g. from the dev tools' generator) through the same staging and
    apply path as a feed, skipping parsing."""
    import_id = _begin(engine, source=source, filename=None, format=fmt, mode=mode, created_by=None)
    started = time.perf_counter()

    def stage(staging: loader.Staging) -> None:
        for line, (kind, row) in enumerate(rows, start=1):
            staging.add(kind, row)
            if line % 5000 == 0:
                yield_cpu()

    result = _apply(engine, import_id, mode, stage, _noop_progress, None)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


# --- the operators' side: upload in chunks, start the import (a job run by pressbase.jobhandlers), the history ---

MAX_CHUNK = 4 * 1024 * 1024
DEFAULT_MAX_FEED = 2 * 1024 ** 3
UPLOAD_NOT_FOUND = _("Upload not found.")
IMPORT_NOT_FOUND = _("Import not found.")
BAD_CHUNK = _("Invalid chunk (base64 expected, at most 4 MB).")
OUT_OF_ORDER = _("Chunk {seq} expected.")
TOO_LARGE = _("The file is larger than {size}.")
ALREADY_STARTED = _("This upload has already been imported.")
EMPTY_UPLOAD = _("The upload is empty.")
BAD_KIND = _("Allowed values: outlet, journalist, forward_feature.")


def _size(n: int) -> Text:
    for unit, factor in (("GB", 1024 ** 3), ("MB", 1024 ** 2)):
        if n >= factor and n % factor == 0:
            return Text(f"{n // factor} {unit}", f"{n // factor} {unit}")
    return ngettext("{n} byte", "{n} bytes", n).format(n=n)


def require_operator(work: Work) -> None:
    """Feeds are for operators (back office) only."""
    work.principal.require_operator(BACK_OFFICE)


def _upload(session: Session, upload_id: Any) -> FeedUpload:
    upload = session.get(FeedUpload, parse_uuid(upload_id, "upload_id"))
    if upload is None:
        raise NotFound(UPLOAD_NOT_FOUND)
    return upload


def create_upload(work: Work, params: FeedUploadStart) -> dict:
    require_operator(work)
    upload = FeedUpload(id=uuid.uuid4(), created_by=work.principal.user_id, filename=params.filename,
                        format=params.format)
    work.session.add(upload)
    return {"upload_id": str(upload.id), "max_chunk_bytes": MAX_CHUNK}


def add_chunk(work: Work, upload_id: Any, seq: Any, data_b64: Any) -> dict:
    """Chunks arrive in order (seq 0, 1, 2 ...); the total is limited (PRESSBASE_MAX_FEED_BYTES)."""
    require_operator(work)
    upload = _upload(work.session, upload_id)
    if upload.complete:
        raise Conflict(ALREADY_STARTED)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq != upload.chunks:
        raise InvalidInput(fields={"seq": OUT_OF_ORDER.format(seq=upload.chunks)})
    try:
        data = base64.b64decode(data_b64 or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput(fields={"data": BAD_CHUNK}) from None
    if len(data) > MAX_CHUNK:
        raise InvalidInput(fields={"data": BAD_CHUNK})
    limit = int(work.config.get("PRESSBASE_MAX_FEED_BYTES", DEFAULT_MAX_FEED))
    if upload.size + len(data) > limit:
        raise PayloadTooLarge(TOO_LARGE.format(size=_size(limit)), limit=limit)
    work.session.add(FeedUploadChunk(upload_id=upload.id, seq=seq, data=data))
    upload.chunks += 1
    upload.size += len(data)
    return {"upload_id": str(upload.id), "chunks": upload.chunks, "size": upload.size}


def start_import(work: Work, queue: Any, params: FeedImportStart) -> dict:
    """The upload as a ``feed_import`` job (``queue``: the service's ``self.jobs``), queued in this unit of work."""
    require_operator(work)
    upload = _upload(work.session, params.upload_id)
    if upload.complete:
        raise Conflict(ALREADY_STARTED)
    if upload.size == 0:
        raise InvalidInput(EMPTY_UPLOAD, fields={"upload_id": EMPTY_UPLOAD})
    upload.complete = True
    job = queue.enqueue(work.session, "feed_import", work.principal,
                        {"upload_id": str(upload.id), "mode": params.mode, "record_type": params.record_type},
                        total=upload.size)
    return serialise(job, work.principal.lang)


def list_imports(work: Work, page: Paging) -> dict:
    require_operator(work)
    cursor = decode_cursor(page.cursor, "imports") if page.cursor else None
    stmt = select(FeedImport)
    if cursor:
        stmt = stmt.where(FeedImport.id < cursor["id"])
    rows = work.session.execute(stmt.order_by(FeedImport.id.desc()).limit(page.limit + 1)).scalars().all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": [_import_view(r, work.principal.lang) for r in rows],
            "next_cursor": encode_cursor({"s": "imports", "id": rows[-1].id}) if more else None}


def get_import(work: Work, import_id: Any) -> dict:
    require_operator(work)
    try:
        number = int(import_id)
        row = work.session.get(FeedImport, number) if 0 < number < 2 ** 63 else None
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(IMPORT_NOT_FOUND)
    return _import_view(row, work.principal.lang)


def list_changes(work: Work, query: dict[str, Any], page: Paging) -> dict:
    """What changed when: the change log, newest first, optionally for one record (``record_id``), one import
    (``import_id``) or one kind."""
    require_operator(work)
    stmt = select(RecordChange)
    if query.get("kind") is not None:
        if query["kind"] not in ("outlet", "journalist", "forward_feature"):
            raise InvalidInput(fields={"kind": BAD_KIND})
        stmt = stmt.where(RecordChange.kind == query["kind"])
    for key, column in (("record_id", RecordChange.record_id), ("import_id", RecordChange.import_id)):
        if query.get(key) is not None:
            try:
                number = int(query[key])
                if not 0 < number < 2 ** 63:   # a bigint: larger numbers are refused, never a database error
                    raise ValueError(number)
                stmt = stmt.where(column == number)
            except (TypeError, ValueError):
                raise InvalidInput(fields={key: _("A whole number from 1 to 2^63-1 expected.")}) from None
    cursor = decode_cursor(page.cursor, "changes") if page.cursor else None
    if cursor:
        stmt = stmt.where(RecordChange.id < cursor["id"])
    rows = work.session.execute(stmt.order_by(RecordChange.id.desc()).limit(page.limit + 1)).scalars().all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": [{"id": r.id, "import_id": r.import_id, "kind": r.kind, "record_id": r.record_id,
                       "ext_id": r.ext_id, "op": r.op, "changes": r.changes,
                       "changed_at": r.changed_at.isoformat()} for r in rows],
            "next_cursor": encode_cursor({"s": "changes", "id": rows[-1].id}) if more else None}


def _import_view(row: FeedImport, lang: str) -> dict:
    return {"id": row.id, "source": row.source, "filename": row.filename, "format": row.format, "mode": row.mode,
            "state": row.state, "created_by": row.created_by, "created_at": row.created_at.isoformat(),
            "finished_at": row.finished_at.isoformat() if row.finished_at else None, "counts": row.counts,
            "errors": [{**e, "message": Text.from_wire(e.get("message")).pick(lang)} for e in (row.errors or [])]}
