"""Invoices: list, read, PDF and XML download (license manager of the account, or operators)."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.errors import field_error

from ..i18n import _
from ..usecases import invoicing
from .common import Base, paging


class InvoicesApi(Base):
    @rpc
    def list_invoices(self, account_id: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
        account = self.account_for(account_id, own_roles=("license_manager",))
        limit, offset = paging(limit, offset)
        with self.work() as work:
            return invoicing.list_for(work, account, limit, offset)

    @rpc
    def get_invoice(self, invoice_id: str) -> dict:
        with self.work() as work:
            return invoicing.get(work, invoice_id)

    @rpc
    def get_invoice_pdf(self, invoice_id: str) -> dict:
        with self.work() as work:
            return invoicing.pdf(work, invoice_id)

    @rpc
    def get_invoice_xml(self, invoice_id: str, flavor: str = "factur-x") -> dict:
        """``factur-x`` (the XML embedded in the PDF) or ``xrechnung`` (XRechnung 3.0, CII syntax)."""
        if flavor not in ("factur-x", "xrechnung"):
            raise field_error("flavor", _("Allowed values: factur-x, xrechnung."))
        with self.work() as work:
            return invoicing.xml(work, invoice_id, flavor)
