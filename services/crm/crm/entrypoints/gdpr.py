"""GDPR: Art. 15 export of one person, Art. 17 erasure, the whole-account export archive."""

from __future__ import annotations

from svckit.entrypoints import rpc

from ..usecases import gdpr
from .base import Entrypoints


class GdprEntrypoints(Entrypoints):
    @rpc
    def export_person(self, contact_id: str) -> dict:
        with self.work() as work:
            return gdpr.person_export(work, contact_id)

    @rpc
    def erase_person(self, contact_id: str) -> dict:
        with self.work() as work:
            return gdpr.erase_person(work, self.storage, contact_id)

    @rpc
    def export_account_data(self, account_id: str, cursor: str | None = None) -> dict:
        """The crm's part of the whole-account export (docs/contracts.md), one table page per call."""
        with self.work() as work:
            return gdpr.export_account_data(work, account_id, cursor)

    @rpc
    def start_account_export(self) -> dict:
        """The whole account in one archive (every service's part), as a job; administrators and license managers."""
        with self.work() as work:
            return gdpr.start_account_export(work, self.jobs)

    @rpc
    def list_account_exports(self) -> list:
        with self.work() as work:
            return gdpr.account_exports(work)
