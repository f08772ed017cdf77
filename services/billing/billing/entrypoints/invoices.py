"""Invoices: list, read, PDF and XML download (license manager of the account, or operators)."""

from __future__ import annotations

import base64

from svckit.entrypoints import rpc
from svckit.errors import NotFound, field_error
from svckit.validation import parse_uuid

from ..db import repo
from ..i18n import _
from ..usecases import invoicing, subscriptions
from .common import Base, paging


class InvoicesApi(Base):
    @rpc
    def list_invoices(self, account_id: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
        account = self.account_for(account_id, own_roles=("license_manager",))
        limit, offset = paging(limit, offset)
        if self.auth.principal.is_operator and repo.subscription_row(self.db, account) is None:
            raise NotFound(subscriptions.NO_SUBSCRIPTION)  # an unknown account is not an empty list
        return [invoicing.summary(i) for i in repo.invoices_of(self.db, account, limit, offset)]

    @rpc
    def get_invoice(self, invoice_id: str) -> dict:
        return invoicing.detail(self.db, self._invoice(invoice_id))

    @rpc
    def get_invoice_pdf(self, invoice_id: str) -> dict:
        inv = self._invoice(invoice_id)
        pdf = invoicing.pdf_of(self.db, inv)
        name = ("Rechnung" if inv.language == "de" else "Invoice") if inv.doc_type == "invoice" else (
            "Gutschrift" if inv.language == "de" else "Credit-note")
        return {"filename": f"{name}_{inv.number}.pdf", "content_type": "application/pdf",
                "content_b64": base64.b64encode(pdf).decode()}

    @rpc
    def get_invoice_xml(self, invoice_id: str, flavor: str = "factur-x") -> dict:
        """``factur-x`` (the XML embedded in the PDF) or ``xrechnung`` (XRechnung 3.0, CII syntax)."""
        if flavor not in ("factur-x", "xrechnung"):
            raise field_error("flavor", _("Allowed values: factur-x, xrechnung."))
        inv = self._invoice(invoice_id)
        xml = invoicing.xml_of(self.db, inv, flavor)
        return {"filename": f"{inv.number}-{flavor}.xml", "content_type": "application/xml",
                "content_b64": base64.b64encode(xml).decode()}

    def _invoice(self, invoice_id):
        p = self.auth.principal
        p.require_authenticated()
        iid = parse_uuid(invoice_id, "invoice_id")
        if p.is_operator:
            p.require_operator("back_office", "support")
            return invoicing.load_for(self.db, iid)
        account = p.require_account()
        if not p.is_service:
            p.require_role("license_manager")
        return invoicing.load_for(self.db, iid, account)
