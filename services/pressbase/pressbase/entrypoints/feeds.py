"""The vendor's feeds (operators only): upload in chunks, import as a job (run by pressbase.jobhandlers), the import
history and the change log."""

from __future__ import annotations

import base64
import binascii
import logging
import uuid

from sqlalchemy import select

from svckit.entrypoints import rpc
from svckit.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from svckit.i18n import Text
from svckit.jobs import serialise
from svckit.principal import BACK_OFFICE, Principal
from svckit.validation import parse, parse_uuid

from ..contracts import FeedImportStart, FeedUploadStart, Paging
from ..db.models import FeedImport, FeedUpload, FeedUploadChunk, RecordChange
from ..domain.query import decode_cursor, encode_cursor
from ..i18n import _, ngettext
from .base import Entrypoints

log = logging.getLogger(__name__)

MAX_CHUNK = 4 * 1024 * 1024
DEFAULT_MAX_FEED = 2 * 1024 ** 3
UPLOAD_NOT_FOUND = _("Upload not found.")
IMPORT_NOT_FOUND = _("Import not found.")
BAD_CHUNK = _("Invalid chunk (base64 expected, at most 4 MB).")
OUT_OF_ORDER = _("Chunk {seq} expected.")
TOO_LARGE = _("The file is larger than {size}.")


def _size(n: int) -> Text:
    for unit, factor in (("GB", 1024 ** 3), ("MB", 1024 ** 2)):
        if n >= factor and n % factor == 0:
            return Text(f"{n // factor} {unit}", f"{n // factor} {unit}")
    return ngettext("{n} byte", "{n} bytes", n).format(n=n)
ALREADY_STARTED = _("This upload has already been imported.")
EMPTY_UPLOAD = _("The upload is empty.")
BAD_KIND = _("Allowed values: outlet, journalist, forward_feature.")


class FeedEntrypoints(Entrypoints):
    def _operator(self) -> Principal:
        return self.principal.require_operator(BACK_OFFICE)

    def _upload(self, upload_id) -> FeedUpload:
        upload = self.db.get(FeedUpload, parse_uuid(upload_id, "upload_id"))
        if upload is None:
            raise NotFound(UPLOAD_NOT_FOUND)
        return upload

    @rpc
    def create_feed_upload(self, data: dict) -> dict:
        operator = self._operator()
        params = parse(FeedUploadStart, data)
        upload = FeedUpload(id=uuid.uuid4(), created_by=operator.user_id, filename=params.filename,
                            format=params.format)
        self.db.add(upload)
        self.db.commit()
        return {"upload_id": str(upload.id), "max_chunk_bytes": MAX_CHUNK}

    @rpc
    def add_feed_chunk(self, upload_id, seq, data_b64) -> dict:
        """Chunks arrive in order (seq 0, 1, 2 ...); the total is limited (PRESSBASE_MAX_FEED_BYTES)."""
        self._operator()
        upload = self._upload(upload_id)
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
        limit = int(self.config.get("PRESSBASE_MAX_FEED_BYTES", DEFAULT_MAX_FEED))
        if upload.size + len(data) > limit:
            raise PayloadTooLarge(TOO_LARGE.format(size=_size(limit)), limit=limit)
        self.db.add(FeedUploadChunk(upload_id=upload.id, seq=seq, data=data))
        upload.chunks += 1
        upload.size += len(data)
        self.db.commit()
        return {"upload_id": str(upload.id), "chunks": upload.chunks, "size": upload.size}

    @rpc
    def start_feed_import(self, data: dict) -> dict:
        operator = self._operator()
        params = parse(FeedImportStart, data)
        upload = self._upload(params.upload_id)
        if upload.complete:
            raise Conflict(ALREADY_STARTED)
        if upload.size == 0:
            raise InvalidInput(EMPTY_UPLOAD, fields={"upload_id": EMPTY_UPLOAD})
        upload.complete = True
        job = self.jobs.enqueue(self.db, "feed_import", operator,
                                {"upload_id": str(upload.id), "mode": params.mode, "record_type": params.record_type},
                                total=upload.size)
        self.db.commit()
        return serialise(job, self.lang)

    @rpc
    def list_feed_imports(self, paging: dict | None = None) -> dict:
        self._operator()
        p = parse(Paging, paging or {})
        cursor = decode_cursor(p.cursor, "imports") if p.cursor else None
        stmt = select(FeedImport)
        if cursor:
            stmt = stmt.where(FeedImport.id < cursor["id"])
        rows = self.db.execute(stmt.order_by(FeedImport.id.desc()).limit(p.limit + 1)).scalars().all()
        more = len(rows) > p.limit
        rows = rows[: p.limit]
        return {"items": [_import_view(r, self.lang) for r in rows],
                "next_cursor": encode_cursor({"s": "imports", "id": rows[-1].id}) if more else None}

    @rpc
    def get_feed_import(self, import_id) -> dict:
        self._operator()
        try:
            number = int(import_id)
            row = self.db.get(FeedImport, number) if 0 < number < 2 ** 63 else None
        except (TypeError, ValueError):
            row = None
        if row is None:
            raise NotFound(IMPORT_NOT_FOUND)
        return _import_view(row, self.lang)

    @rpc
    def list_record_changes(self, query: dict | None = None) -> dict:
        """What changed when: the change log, newest first, optionally for one record or one import."""
        self._operator()
        query = dict(query or {})
        p = parse(Paging, {k: query.pop(k) for k in ("cursor", "limit") if k in query})
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
        cursor = decode_cursor(p.cursor, "changes") if p.cursor else None
        if cursor:
            stmt = stmt.where(RecordChange.id < cursor["id"])
        rows = self.db.execute(stmt.order_by(RecordChange.id.desc()).limit(p.limit + 1)).scalars().all()
        more = len(rows) > p.limit
        rows = rows[: p.limit]
        return {"items": [{"id": r.id, "import_id": r.import_id, "kind": r.kind, "record_id": r.record_id,
                           "ext_id": r.ext_id, "op": r.op, "changes": r.changes,
                           "changed_at": r.changed_at.isoformat()} for r in rows],
                "next_cursor": encode_cursor({"s": "changes", "id": rows[-1].id}) if more else None}


def _import_view(row: FeedImport, lang: str) -> dict:
    return {"id": row.id, "source": row.source, "filename": row.filename, "format": row.format, "mode": row.mode,
            "state": row.state, "created_by": row.created_by, "created_at": row.created_at.isoformat(),
            "finished_at": row.finished_at.isoformat() if row.finished_at else None, "counts": row.counts,
            "errors": [{**e, "message": Text.from_wire(e.get("message")).pick(lang)} for e in (row.errors or [])]}
