"""Whole-account export for GDPR requests and contract end (docs/contracts.md "GDPR")."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse_uuid

from ..usecases import lifecycle
from .base import Entrypoints


class GdprEntrypoints(Entrypoints):
    @rpc
    def export_account_data(self, account_id) -> dict:
        """The caller's own account (or any account for a service acting for it / an operator)."""
        wanted = str(parse_uuid(account_id, "account_id"))
        with self.work() as work:
            return lifecycle.export_account_data(work, wanted)
