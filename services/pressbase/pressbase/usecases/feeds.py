"""Use case: apply a vendor feed (or generated records) to the media database, all or nothing.

The import row (``feed_imports``) is committed first, so even a rejected file leaves a trace (state ``failed`` with
its errors). The records are staged and applied in ONE transaction; progress is written through a separate
connection so a client polling the job sees it while the import runs.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput
from svckit.i18n import Text

from ..db import loader
from ..db.models import FeedImport
from ..domain import feed
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
