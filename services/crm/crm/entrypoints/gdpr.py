"""GDPR: Art. 15 export of one person, Art. 17 erasure, the whole-account export archive."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from svckit.entrypoints import rpc
from svckit.jobs import serialise as job_json
from svckit.principal import ADMINISTRATOR, LICENSE_MANAGER

from ..db.models import Job
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
        principal = self.auth.principal
        principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
        job = self.jobs.enqueue(self.db, "account_export", principal, {})
        self.commit()
        return job_json(job)

    @rpc
    def list_account_exports(self) -> list:
        principal = self.auth.principal
        principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
        account = uuid.UUID(principal.require_account())
        jobs = self.db.scalars(select(Job).where(Job.account_id == account, Job.kind == "account_export")
                               .order_by(Job.created_at.desc()).limit(50))
        return [job_json(j) for j in jobs]
