"""The vendor's feeds (operators only): upload in chunks, import as a job (run by pressbase.jobhandlers), the import
history and the change log; the logic is in pressbase.usecases.feeds."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..contracts import FeedImportStart, FeedUploadStart, Paging
from ..usecases import feeds
from .base import Entrypoints


class FeedEntrypoints(Entrypoints):
    # Each use case checks that the caller is an operator; where the input is parsed here, the check comes first
    # (a non-operator gets 403, never a 400 about its input).

    @rpc
    def create_feed_upload(self, data: dict) -> dict:
        with self.work() as work:
            feeds.require_operator(work)
            return feeds.create_upload(work, parse(FeedUploadStart, data))

    @rpc
    def add_feed_chunk(self, upload_id, seq, data_b64) -> dict:
        """Chunks arrive in order (seq 0, 1, 2 ...); the total is limited (PRESSBASE_MAX_FEED_BYTES)."""
        with self.work() as work:
            return feeds.add_chunk(work, upload_id, seq, data_b64)

    @rpc
    def start_feed_import(self, data: dict) -> dict:
        with self.work() as work:
            feeds.require_operator(work)
            return feeds.start_import(work, self.jobs, parse(FeedImportStart, data))

    @rpc
    def list_feed_imports(self, paging: dict | None = None) -> dict:
        with self.work() as work:
            feeds.require_operator(work)
            return feeds.list_imports(work, parse(Paging, paging or {}))

    @rpc
    def get_feed_import(self, import_id) -> dict:
        with self.work() as work:
            return feeds.get_import(work, import_id)

    @rpc
    def list_record_changes(self, query: dict | None = None) -> dict:
        """What changed when: the change log, newest first, optionally for one record or one import."""
        with self.work() as work:
            feeds.require_operator(work)
            query = dict(query or {})
            page = parse(Paging, {k: query.pop(k) for k in ("cursor", "limit") if k in query})
            return feeds.list_changes(work, query, page)
