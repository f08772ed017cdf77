"""The back office for operators: accounts, contracts, credit notes, audit, letters to print. Every action audited."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse, parse_uuid

from ..contracts import ContractInput, CreditNoteInput, decode_document
from ..usecases import backoffice, invoicing
from .common import Base, bounded, paging


class BackOfficeApi(Base):
    @rpc
    def list_accounts(self, limit: int = 100, offset: int = 0) -> list[dict]:
        self.operator("back_office", "support")
        page = paging(limit, offset)
        with self.work() as work:
            return backoffice.accounts(work, *page)

    @rpc
    def get_account_overview(self, account_id: str) -> dict:
        """Subscription, invoices, consumption, contracts and entitlements of any account."""
        self.operator("back_office", "support")
        account = parse_uuid(account_id, "account_id")
        with self.work() as work:
            return backoffice.account_overview(work, account)

    @rpc
    def record_contract(self, contract: dict) -> dict:
        """Premium contracting: contract document (PDF, base64), one-time and monthly fee."""
        self.operator("back_office")
        data = parse(ContractInput, contract)
        document = decode_document(data.document_b64, "document_b64")
        with self.work() as work:
            return backoffice.record_contract(work, data, document)

    @rpc
    def issue_credit_note(self, credit: dict) -> dict:
        self.operator("back_office")
        data = parse(CreditNoteInput, credit)
        with self.work() as work:
            note = backoffice.issue_credit_note(work, data)
            work.after_commit(self._render_and_deliver)
        return invoicing.summary(note)

    def _render_and_deliver(self) -> None:
        """After a credit note's commit: its PDF, then its delivery (mail or letter)."""
        invoicing.render_pending(self.session_factory())
        invoicing.deliver_pending(self.session_factory(), self.mailer.send, now=self.clock.now)

    @rpc
    def list_audit(self, account_id: str | None = None, limit: int = 200) -> list[dict]:
        self.operator("back_office", "support")
        account = parse_uuid(account_id, "account_id") if account_id else None
        size = bounded(limit, "limit", 1, 1000)
        with self.work() as work:
            return backoffice.audit_entries(work, account, size)

    @rpc
    def list_letters_to_print(self) -> list[dict]:
        self.operator("back_office", "support")
        with self.work() as work:
            return backoffice.letters_to_print(work)
