"""The back office for operators: accounts, contracts, credit notes, audit, letters to print. Every action audited."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse, parse_uuid

from ..contracts import ContractInput, CreditNoteInput, decode_document
from ..db import repo
from ..usecases import backoffice, invoicing
from .common import Base, bounded, paging


class BackOfficeApi(Base):
    @rpc
    def list_accounts(self, limit: int = 100, offset: int = 0) -> list[dict]:
        self.operator("back_office", "support")
        return backoffice.accounts(self.db, self.cat, self.clock.today(), *paging(limit, offset))

    @rpc
    def get_account_overview(self, account_id: str) -> dict:
        """Subscription, invoices, consumption, contracts and entitlements of any account."""
        actor = self.operator("back_office", "support")
        account = parse_uuid(account_id, "account_id")
        data = backoffice.account_overview(self.db, self.cat, account, self.clock.today())
        repo.audit(self.db, actor, "account.viewed", account)
        self.db.commit()
        return data

    @rpc
    def record_contract(self, contract: dict) -> dict:
        """Premium contracting: contract document (PDF, base64), one-time and monthly fee."""
        actor = self.operator("back_office")
        data = parse(ContractInput, contract)
        document = decode_document(data.document_b64, "document_b64")
        row, invoice = backoffice.record_contract(self.db, self.cat, data, document, self.clock.today(), actor,
                                                  self.stage)
        self.db.commit()
        return {"contract": backoffice.contract_summary(row),
                "invoice": invoicing.summary(invoice) if invoice else None}

    @rpc
    def issue_credit_note(self, credit: dict) -> dict:
        actor = self.operator("back_office")
        data = parse(CreditNoteInput, credit)
        note = invoicing.credit_note(self.db, self.cat, data.invoice_id, data.amount_cents, data.reason,
                                     self.clock.today(), actor.user_id or "?")
        repo.audit(self.db, actor, "invoice.credited", note.account_id, str(data.invoice_id),
                   {"credit_note": note.number, "net_cents": note.net_cents, "reason": data.reason})
        self.db.commit()
        invoicing.render_pending(self.session_factory())
        invoicing.deliver_pending(self.session_factory(), self.mailer.send, now=self.clock.now)
        return invoicing.summary(note)

    @rpc
    def list_audit(self, account_id: str | None = None, limit: int = 200) -> list[dict]:
        self.operator("back_office", "support")
        account = parse_uuid(account_id, "account_id") if account_id else None
        return backoffice.audit_entries(self.db, account, bounded(limit, "limit", 1, 1000))

    @rpc
    def list_letters_to_print(self) -> list[dict]:
        self.operator("back_office", "support")
        return backoffice.letters_to_print(self.db)
