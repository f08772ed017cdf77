"""Long jobs: starting an export or a transfer (run by svckit's job runner, handlers in pressbase.jobhandlers), a job's
state, the export log and downloads, changes since a transfer and applying them."""

from __future__ import annotations

import logging

from nameko.timer import timer

from svckit.entrypoints import rpc
from svckit.validation import parse, parse_uuid

from ..contracts import ApplyChanges, ExportChunk, ExportStart, Paging, TransferStart
from ..usecases import exports, jobs, transfers
from .base import Entrypoints

log = logging.getLogger(__name__)

class JobEntrypoints(Entrypoints):
    @rpc
    def get_job(self, job_id) -> dict:
        with self.work() as work:
            return jobs.get(work, job_id)

    @rpc
    def cancel_job(self, job_id) -> dict:
        """Ask a job to stop: a queued one is cancelled at once, a running one at its next progress report."""
        with self.work() as work:
            return jobs.cancel(work, self.jobs, job_id)

    @rpc
    def start_export(self, data: dict) -> dict:
        params = parse(ExportStart, data)
        with self.work() as work:
            return exports.start(work, self.jobs, params)

    @rpc
    def list_exports(self, paging: dict | None = None) -> dict:
        page = parse(Paging, paging or {})
        with self.work() as work:
            return exports.log(work, page)

    @rpc
    def get_export_chunk(self, export_id, offset: int = 0, size: int = exports.CHUNK_MAX) -> dict:
        window = parse(ExportChunk, {"offset": offset, "size": size})
        with self.work() as work:
            return exports.chunk(work, export_id, window.offset, window.size)

    @rpc
    def start_transfer(self, data: dict) -> dict:
        params = parse(TransferStart, data)
        with self.work() as work:
            return transfers.start(work, self.jobs, params)

    @rpc
    def list_transfer_changes(self, client_id, paging: dict | None = None) -> dict:
        client = str(parse_uuid(client_id, "client_id"))
        page = parse(Paging, paging or {})
        with self.work() as work:
            return transfers.changes(work, client, page)

    @rpc
    def apply_transfer_changes(self, data: dict) -> dict:
        changes = parse(ApplyChanges, data)
        with self.work() as work:
            return transfers.apply(work, changes, self.crm_rpc.update_pressbase_contacts)

    @timer(interval=3600)
    def housekeeping(self) -> None:
        """Hourly: export files past their time (the log stays), abandoned uploads, finished jobs after 30 days."""
        with self.work() as work:
            expired = jobs.housekeeping(work)
        if expired:
            log.info("expired %s export files", expired)
