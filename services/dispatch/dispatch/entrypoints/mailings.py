"""Mailings: edit, attach, preview, test, volume, start, cancel, progress, report, recipients, re-send, export."""

from __future__ import annotations

from svckit.entrypoints import rpc

from ..usecases import mailings, reports
from ..usecases.common import remote
from ..usecases.recipients import RpcResolver


class MailingEntrypoints:
    def _resolver(self) -> RpcResolver:
        return RpcResolver(self.crm_rpc, self.pressbase_rpc)

    @rpc
    def create_mailing(self, data: dict) -> dict:
        result = mailings.create(self.db, self.auth.principal, data)
        self.db.commit()
        return result

    @rpc
    def update_mailing(self, mailing_id: str, data: dict) -> dict:
        result = mailings.update_(self.db, self.auth.principal, mailing_id, data)
        self.db.commit()
        return result

    @rpc
    def get_mailing(self, mailing_id: str) -> dict:
        return mailings.get(self.db, self.auth.principal, mailing_id)

    @rpc
    def list_mailings(self, filters: dict | None = None) -> list:
        return mailings.list_(self.db, self.auth.principal, filters)

    @rpc
    def delete_mailing(self, mailing_id: str) -> None:
        mailings.delete(self.db, self.auth.principal, mailing_id)
        self.db.commit()

    @rpc
    def add_attachment(self, mailing_id: str, data: dict) -> dict:
        result = mailings.add_attachment(self.db, self.auth.principal, mailing_id, data, self.settings,
                                         fetch_file=self._media_file)
        self.db.commit()
        return result

    @rpc
    def delete_attachment(self, mailing_id: str, attachment_id: str) -> None:
        mailings.delete_attachment(self.db, self.auth.principal, mailing_id, attachment_id)
        self.db.commit()

    @rpc
    def preview_mailing(self, mailing_id: str, data: dict | None = None) -> dict:
        return mailings.preview(self.db, self.auth.principal, mailing_id, data or {}, self._resolver())

    @rpc
    def test_send_mailing(self, mailing_id: str, data: dict) -> dict:
        result = mailings.test_send(self.db, self.auth.principal, mailing_id, data, self._resolver())
        self.db.commit()
        return result

    @rpc
    def get_mailing_volume(self, mailing_id: str) -> dict:
        return mailings.volume(self.db, self.auth.principal, mailing_id, self._resolver())

    @rpc
    def start_mailing(self, mailing_id: str, data: dict | None = None) -> dict:
        """Resolve, de-duplicate and filter the recipients, enforce entitlements, write one row per recipient."""
        result = mailings.start(self.db, self.auth.principal, mailing_id, data or {}, self._resolver(),
                                now=self.clock.now())
        self.db.commit()
        return result

    @rpc
    def cancel_mailing(self, mailing_id: str) -> dict:
        result = mailings.cancel(self.db, self.auth.principal, mailing_id, now=self.clock.now())
        self.db.commit()
        return result

    @rpc
    def get_mailing_progress(self, mailing_id: str) -> dict:
        return reports.progress(self.db, self.auth.principal, mailing_id)

    @rpc
    def get_mailing_report(self, mailing_id: str) -> dict:
        return reports.report(self.db, self.auth.principal, mailing_id)

    @rpc
    def list_mailing_recipients(self, mailing_id: str, query: dict | None = None) -> dict:
        return reports.recipients(self.db, self.auth.principal, mailing_id, query)

    @rpc
    def get_recipient_timeline(self, mailing_id: str, delivery_id) -> dict:
        return reports.timeline(self.db, self.auth.principal, mailing_id, delivery_id)

    @rpc
    def list_undeliverable(self, mailing_id: str) -> list:
        return mailings.undeliverable(self.db, self.auth.principal, mailing_id)

    @rpc
    def resend_mailing(self, mailing_id: str, data: dict | None = None) -> dict:
        result = mailings.resend(self.db, self.auth.principal, mailing_id, data or {},
                                 correct_contact=self._correct_in_crm, now=self.clock.now())
        self.db.commit()
        return result

    def _media_file(self, file_id: str) -> dict:
        with remote("crm"):
            return self.crm_rpc.get_attachments([file_id])[0]

    def _correct_in_crm(self, contact_id: str, old: str, new: str) -> None:
        """The user corrected an undeliverable address here: the contact in crm gets it too (crm then publishes
        contact_email_corrected). The caller's rights on the contact's client apply."""
        with remote("crm"):
            contact = self.crm_rpc.get_contact(contact_id)
        emails, found = [], False
        for e in contact.get("emails") or []:
            if e["email"].lower() == old.lower():
                found = True
                e = {**e, "email": new, "state": "valid"}
            emails.append({"email": e["email"], "label": e.get("label") or "", "primary": bool(e.get("primary")),
                           "state": e.get("state") or "valid"})
        if not found:
            emails.append({"email": new, "label": "", "primary": not emails, "state": "valid"})
        with remote("crm"):
            self.crm_rpc.update_contact(contact_id, {"emails": emails})

    @rpc
    def start_export(self, mailing_id: str) -> dict:
        """The Excel report as a job: poll ``get_export`` for progress, then ``download_export``."""
        job = reports.start_export(self.db, self.auth.principal, mailing_id, self.jobs)
        self.db.commit()
        return job

    @rpc
    def get_export(self, job_id: str) -> dict:
        return reports.job_view(reports.load_job(self.db, self.auth.principal, job_id))

    @rpc
    def download_export(self, job_id: str) -> dict:
        return reports.export_file(self.db, self.auth.principal, job_id)
