"""The whole-account export (docs/contracts.md, GDPR)."""

from __future__ import annotations

from svckit import accountexport
from svckit.entrypoints import rpc

from ..usecases.export import TABLES


class ExportEntrypoints:
    @rpc
    def export_account_data(self, account_id, cursor=None) -> dict:
        """dispatch's part of the whole-account export, one table page per call; only the caller's own account
        (crm acting for it, its administrator or license manager)."""
        account = accountexport.own_account(self.auth.principal, account_id)
        return accountexport.export_page(self.db, "dispatch", TABLES, account, cursor)
