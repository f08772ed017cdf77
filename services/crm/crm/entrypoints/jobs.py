"""The import wizard and jobs."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..contracts import ExportIn, ExportSource, ImportMapping, ImportRun, Page
from ..usecases import imports, jobs
from .base import Entrypoints


class JobEntrypoints(Entrypoints):
    @rpc
    def start_import(self, upload: dict) -> dict:
        """Take a spooled upload, refuse what is not a readable spreadsheet, analyse sheets and headers."""
        with self.work() as work:
            return imports.start(work, self.storage, upload)

    @rpc
    def list_imports(self, limit: int = 20, offset: int = 0) -> list:
        """The caller's recent imports, newest first (limit 1..100, offset 0..100000)."""
        with self.work() as work:
            return imports.recent(work, limit, offset)

    @rpc
    def get_import(self, import_id: str) -> dict:
        with self.work() as work:
            return imports.get(work, import_id)

    @rpc
    def set_import_mapping(self, import_id: str, data: dict) -> dict:
        with self.work() as work:
            return imports.set_mapping(work, import_id, parse(ImportMapping, data))

    @rpc
    def dry_run_import(self, import_id: str, data: dict) -> dict:
        with self.work() as work:
            return imports.start_run(work, self.jobs, import_id, parse(ImportRun, data), True)

    @rpc
    def run_import(self, import_id: str, data: dict) -> dict:
        """Bound to the import's last finished dry run: other settings are refused (409 naming them)."""
        with self.work() as work:
            return imports.start_run(work, self.jobs, import_id, parse(ImportRun, data), False)

    @rpc
    def import_report(self, import_id: str, run: str = "dry", outcome: str | None = None, cursor: str | None = None,
                      limit: int = 100, lang: str | None = None) -> dict:
        with self.work() as work:
            return imports.report(work, import_id, run, outcome, parse(Page, {"cursor": cursor, "limit": limit}), lang)

    @rpc
    def get_job(self, job_id: str) -> dict:
        with self.work() as work:
            return jobs.get(work, job_id)

    @rpc
    def cancel_job(self, job_id: str) -> dict:
        """Ask a job to stop: a queued one is cancelled at once, a running one at its next progress report."""
        with self.work() as work:
            return jobs.cancel(work, self.jobs, job_id)

    @rpc
    def download_job_file(self, job_id: str) -> dict:
        with self.work() as work:
            return jobs.download(work, self.storage, job_id)

    @rpc
    def start_export(self, data: dict) -> dict:
        """An .xlsx of a list, an event's participants, a mailing's recipients or chosen contacts, as a job."""
        request = parse(ExportIn, data)
        source = parse(ExportSource, request.source, prefix="source").model_dump(mode="json", exclude_none=True)
        with self.work() as work:
            return jobs.start_export(work, self.jobs, source, request.language)
