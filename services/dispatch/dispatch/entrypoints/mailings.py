"""Mailings: edit, attach, preview, test, volume, start, cancel, progress, report, recipients, re-send, export."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import mailings, reports
from ..usecases.common import remote
from ..usecases.recipients import RpcResolver


class MailingEntrypoints:
    def _resolver(self) -> RpcResolver:
        return RpcResolver(self.crm_rpc, self.pressbase_rpc)

    @rpc
    def create_mailing(self, data: dict) -> dict:
        with self.work() as work:
            return mailings.create(work, parse(contracts.MailingIn, data))

    @rpc
    def update_mailing(self, mailing_id: str, data: dict) -> dict:
        with self.work() as work:
            return mailings.update_(work, mailing_id, parse(contracts.MailingUpdate, data))

    @rpc
    def get_mailing(self, mailing_id: str) -> dict:
        with self.work() as work:
            return mailings.get(work, mailing_id)

    @rpc
    def list_mailings(self, filters: dict | None = None) -> list:
        with self.work() as work:
            return mailings.list_(work, filters)

    @rpc
    def delete_mailing(self, mailing_id: str) -> None:
        with self.work() as work:
            mailings.delete(work, mailing_id)

    @rpc
    def add_attachment(self, mailing_id: str, data: dict) -> dict:
        with self.work() as work:
            return mailings.add_attachment(work, mailing_id, parse(contracts.AttachmentIn, data), self.settings,
                                           fetch_file=self._media_file)

    @rpc
    def delete_attachment(self, mailing_id: str, attachment_id: str) -> None:
        with self.work() as work:
            mailings.delete_attachment(work, mailing_id, attachment_id)

    @rpc
    def preview_mailing(self, mailing_id: str, data: dict | None = None) -> dict:
        with self.work() as work:
            return mailings.preview(work, mailing_id, parse(contracts.PreviewIn, data or {}), self._resolver())

    @rpc
    def test_send_mailing(self, mailing_id: str, data: dict) -> dict:
        with self.work() as work:
            return mailings.test_send(work, mailing_id, parse(contracts.TestSendIn, data), self._resolver())

    @rpc
    def get_mailing_volume(self, mailing_id: str) -> dict:
        with self.work() as work:
            return mailings.volume(work, mailing_id, self._resolver(), self.settings)

    @rpc
    def presend_verdict(self, mailing_id: str) -> dict:
        """The traffic-light verdict against the mailbox providers' bulk-sender rules (domain/verdict.py)."""
        with self.work() as work:
            return mailings.presend_verdict(work, mailing_id, self._resolver(), self.settings)

    @rpc
    def start_mailing(self, mailing_id: str, data: dict | None = None) -> dict:
        """Resolve, de-duplicate and filter the recipients, enforce entitlements, write one row per recipient."""
        with self.work() as work:
            return mailings.start(work, mailing_id, parse(contracts.StartIn, data or {}), self._resolver(),
                                  self.settings)

    @rpc
    def cancel_mailing(self, mailing_id: str) -> dict:
        with self.work() as work:
            return mailings.cancel(work, mailing_id)

    @rpc
    def get_mailing_progress(self, mailing_id: str) -> dict:
        with self.work() as work:
            return reports.progress(work, mailing_id)

    @rpc
    def get_mailing_report(self, mailing_id: str) -> dict:
        with self.work() as work:
            return reports.report(work, mailing_id)

    @rpc
    def list_mailing_recipients(self, mailing_id: str, query: dict | None = None) -> dict:
        with self.work() as work:
            return reports.recipients(work, mailing_id, parse(contracts.PageIn, query or {}))

    @rpc
    def get_recipient_timeline(self, mailing_id: str, delivery_id) -> dict:
        with self.work() as work:
            return reports.timeline(work, mailing_id, delivery_id)

    @rpc
    def list_undeliverable(self, mailing_id: str) -> list:
        with self.work() as work:
            return mailings.undeliverable(work, mailing_id)

    @rpc
    def resend_mailing(self, mailing_id: str, data: dict | None = None) -> dict:
        with self.work() as work:
            return mailings.resend(work, mailing_id, parse(contracts.ResendIn, data or {}),
                                   correct_contact=self._correct_in_crm)

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
        with self.work() as work:
            return reports.start_export(work, mailing_id, self.jobs)

    @rpc
    def get_export(self, job_id: str) -> dict:
        with self.work() as work:
            return reports.job_view(reports.load_job(work, job_id))

    @rpc
    def download_export(self, job_id: str) -> dict:
        with self.work() as work:
            return reports.export_file(work, job_id)
