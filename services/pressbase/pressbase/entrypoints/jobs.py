"""Long jobs: starting an export or a transfer (run by svckit's job runner, handlers in pressbase.jobhandlers), a job's
state, the export log and downloads, changes since a transfer and applying them."""

from __future__ import annotations

import logging

from nameko.timer import timer
from sqlalchemy import text

from svckit.entrypoints import rpc
from svckit.jobs import serialise
from svckit.validation import parse, parse_uuid

from ..contracts import ApplyChanges, ExportChunk, ExportStart, Paging, TransferStart
from ..usecases import exports, jobs, selections, transfers
from .base import Entrypoints

log = logging.getLogger(__name__)

class JobEntrypoints(Entrypoints):
    @rpc
    def get_job(self, job_id) -> dict:
        return serialise(jobs.visible(self.db, self.principal, job_id), self.lang)

    @rpc
    def cancel_job(self, job_id) -> dict:
        """Ask a job to stop: a queued one is cancelled at once, a running one at its next progress report."""
        job = jobs.cancel(self.db, self.principal, self.jobs, job_id)
        self.db.commit()
        return serialise(job, self.lang)

    @rpc
    def start_export(self, data: dict) -> dict:
        params = parse(ExportStart, data)
        licence = self.licence()
        licence.require_export()
        selection = selections.load(self.db, self.principal, params.selection_id)
        job = self.jobs.enqueue(self.db, "export", self.principal,
                                {"selection_id": str(selection.id), "lang": params.lang or self.lang})
        self.db.commit()
        return serialise(job, self.lang)

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
        self.principal.check_client(str(params.client_id), write=True)
        ids = transfers.journalist_ids(self.db, self.principal, self.licence(), params)
        transfers.check_starting_phase_cap(self.db, self.principal, ids)
        job = self.jobs.enqueue(self.db, "transfer", self.principal,
                                {"client_id": str(params.client_id), "ids": ids}, client_id=params.client_id,
                                total=len(ids))
        self.db.commit()
        return serialise(job, self.lang)

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
        expired = exports.expire(self.db)
        self.db.execute(text("DELETE FROM feed_uploads "
                             "WHERE complete = false AND created_at < now() - interval '1 day'"))
        self.db.execute(text("DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') "
                             "AND finished_at < now() - interval '30 days'"))
        self.db.commit()
        if expired:
            log.info("expired %s export files", expired)
