"""The license manager's subscription area, consumption for the start screen, entitlements for everyone."""

from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse

from ..contracts import AffiliateInput, ChangeInput
from ..db import repo
from ..usecases import entitlements, export, invoicing, subscriptions
from .common import Base


class SubscriptionsApi(Base):
    @rpc
    def get_subscription(self, account_id: str | None = None) -> dict:
        account = self.account_for(account_id, own_roles=("license_manager",))
        row = subscriptions.row_for(self.db, account)
        return subscriptions.view(self.db, self.cat, row, self.clock.today())

    @rpc
    def cancel_subscription(self) -> dict:
        account = self.license_manager_account()
        row = subscriptions.cancel(self.db, self.cat, account, self.clock.today(), self.auth.principal, self.stage)
        self.db.commit()
        return subscriptions.view(self.db, self.cat, row, self.clock.today())

    @rpc
    def revoke_cancellation(self) -> dict:
        account = self.license_manager_account()
        row = subscriptions.revoke(self.db, self.cat, account, self.clock.today(), self.auth.principal, self.stage)
        self.db.commit()
        return subscriptions.view(self.db, self.cat, row, self.clock.today())

    @rpc
    def change_subscription(self, change: dict) -> dict:
        """Extensions at once (pro-rata invoice for the rest of the invoiced period), reductions on 1 January."""
        account = self.license_manager_account()
        data = parse(ChangeInput, change)
        row, invoice = subscriptions.change(self.db, self.cat, account, data.seats, data.addons, self.clock.today(),
                                            self.auth.principal, self.stage)
        self.db.commit()
        return {"subscription": subscriptions.view(self.db, self.cat, row, self.clock.today()),
                "invoice": invoicing.summary(invoice) if invoice else None}

    @rpc
    def add_affiliated_company(self, affiliate: dict) -> dict:
        """An affiliated company joins as a further client of the account (still one invoice recipient)."""
        account = self.license_manager_account()
        data = parse(AffiliateInput, affiliate)
        with self.auth.acting_as(Principal.system("billing", account)):
            result = subscriptions.add_affiliate(self.db, account, data.name, self.identity_rpc, self.auth.principal)
        self.db.commit()
        return result

    @rpc
    def get_consumption(self, account_id: str | None = None) -> dict:
        """For the start screen: storage used, mails sent this month and in total (any user of the account)."""
        account = self.account_for(account_id)
        return subscriptions.consumption(self.db, self.cat, account, self.clock.today())

    @rpc
    def get_entitlements(self, account_id: str) -> dict:
        account = self.account_for(account_id)
        payload = entitlements.current(self.db, self.cat, account, self.clock.today(), self.stage)
        self.db.commit()
        return payload

    @rpc
    def export_account_data(self, account_id: str, cursor: str | None = None) -> dict:
        """billing's part of the whole-account export (GDPR): tables, then the invoice PDFs page by page."""
        p = self.auth.principal
        if not p.is_service:
            p.require_role("administrator", "license_manager")
        account = self.account_for(account_id)
        return export.export(self.db, account, cursor)

    @event_handler("dispatch", "usage_recorded")
    def on_dispatch_usage(self, payload: dict) -> None:
        self._record_usage(payload)

    @event_handler("crm", "usage_recorded")
    def on_crm_usage(self, payload: dict) -> None:
        self._record_usage(payload)

    def _record_usage(self, payload: dict) -> None:
        import logging

        from svckit.errors import InvalidInput

        from ..contracts import UsageRecorded

        try:
            data = parse(UsageRecorded, payload)
        except InvalidInput as exc:  # a malformed event is dropped (and logged), never retried forever
            logging.getLogger(__name__).error("usage_recorded dropped: %s", exc)
            return
        repo.record_usage(self.db, data.idempotency_key, data.account_id, data.kind, data.quantity, data.occurred_at)
        self.db.commit()
