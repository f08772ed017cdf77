"""Long jobs: export, transfer and their runner (a timer that claims queued jobs), the export log and downloads,
changes since a transfer and applying them."""

from __future__ import annotations

import logging

import eventlet
from nameko.timer import timer
from sqlalchemy import text

from svckit.entrypoints import rpc
from svckit.errors import WireError
from svckit.principal import Principal
from svckit.validation import parse, parse_uuid

from .. import jobs
from ..contracts import ApplyChanges, ExportChunk, ExportStart, Paging, TransferStart
from ..usecases import exports, selections, transfers
from .base import Entrypoints

log = logging.getLogger(__name__)

USER_JOBS = ("export", "transfer")


class JobEntrypoints(Entrypoints):
    @rpc
    def get_job(self, job_id) -> dict:
        job = jobs.get_visible(self.db, self.principal, parse_uuid(job_id, "job_id"))
        return jobs.view(job, self.lang)

    @rpc
    def start_export(self, data: dict) -> dict:
        params = parse(ExportStart, data)
        licence = self.licence()
        licence.require_export()
        selection = selections.load(self.db, self.principal, params.selection_id)
        job = jobs.create(self.db, self.principal, "export",
                          {"selection_id": str(selection.id), "lang": params.lang or self.lang})
        self.db.commit()
        return jobs.view(job, self.lang)

    @rpc
    def list_exports(self, paging: dict | None = None) -> dict:
        return exports.log(self.db, self.principal, parse(Paging, paging or {}), self.clock.now())

    @rpc
    def get_export_chunk(self, export_id, offset: int = 0, size: int = exports.CHUNK_MAX) -> dict:
        window = parse(ExportChunk, {"offset": offset, "size": size})
        return exports.chunk(self.db, self.principal, export_id, window.offset, window.size,
                             self.clock.now())

    @rpc
    def start_transfer(self, data: dict) -> dict:
        params = parse(TransferStart, data)
        self.principal.check_client(str(params.client_id), write=True)
        ids = transfers.journalist_ids(self.db, self.principal, self.licence(), params)
        transfers.check_starting_phase_cap(self.db, self.principal, ids)
        job = jobs.create(self.db, self.principal, "transfer", {"client_id": str(params.client_id), "ids": ids},
                          total=len(ids))
        self.db.commit()
        return jobs.view(job, self.lang)

    @rpc
    def list_transfer_changes(self, client_id, paging: dict | None = None) -> dict:
        client = str(parse_uuid(client_id, "client_id"))
        return transfers.changes(self.db, self.principal, self.licence(), client, parse(Paging, paging or {}))

    @rpc
    def apply_transfer_changes(self, data: dict) -> dict:
        result = transfers.apply(self.db, self.principal, self.licence(), parse(ApplyChanges, data),
                                 self.crm_rpc.update_pressbase_contacts)
        self.db.commit()
        return result

    @timer(interval=3600)
    def housekeeping(self) -> None:
        """Hourly: export files past their time (the log stays), abandoned uploads, finished jobs after 30 days."""
        expired = exports.expire(self.db)
        self.db.execute(text("DELETE FROM feed_uploads "
                             "WHERE complete = false AND created_at < now() - interval '1 day'"))
        self.db.execute(text("DELETE FROM jobs WHERE state IN ('done', 'failed') "
                             "AND finished_at < now() - interval '30 days'"))
        self.db.commit()
        if expired:
            log.info("expired %s export files", expired)

    # --- the runner ---------------------------------------------------------------------------------------------
    @timer(interval=0.5)
    def run_user_jobs(self) -> None:
        """Claim and run one queued export or transfer (SKIP LOCKED: replicas share the queue)."""
        engine = self.db.get_bind()
        job = jobs.claim(engine, USER_JOBS)
        if job is None:
            return
        principal = Principal.from_dict(job["principal"])
        try:
            with self.auth.acting_as(principal):
                result = getattr(self, f"_job_{job['kind']}")(job, engine)
            jobs.finish(engine, job["id"], result)
        except Exception as exc:  # the job fails, the runner goes on
            self.db.rollback()
            if not isinstance(exc, WireError):
                log.exception("job %s (%s) failed", job["id"], job["kind"])
            jobs.fail(engine, job["id"], exc)
        finally:
            self.db.close()

    def _job_export(self, job: dict, engine) -> dict:
        params = job["params"]
        result = exports.run(self.db, self.principal, self.licence(), params["selection_id"], params["lang"],
                             progress=lambda n: jobs.progress(engine, job["id"], n), now=self.clock.now,
                             yield_cpu=lambda: eventlet.sleep(0))
        self.db.commit()
        return result

    def _job_transfer(self, job: dict, engine) -> dict:
        params = job["params"]
        return transfers.run(self.db, self.principal, self.licence(), params["client_id"], params["ids"],
                             self.crm_rpc.import_pressbase_contacts,
                             progress=lambda n: jobs.progress(engine, job["id"], n),
                             commit=self.db.commit)
