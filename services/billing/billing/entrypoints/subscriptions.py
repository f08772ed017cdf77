"""The license manager's subscription area, consumption for the start screen, entitlements for everyone."""

from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse

from ..contracts import AffiliateInput, ChangeInput
from ..usecases import entitlements, export, subscriptions
from .common import Base


class SubscriptionsApi(Base):
    @rpc
    def get_subscription(self, account_id: str | None = None) -> dict:
        account = self.account_for(account_id, own_roles=("license_manager",))
        with self.work() as work:
            return subscriptions.get(work, account)

    @rpc
    def cancel_subscription(self) -> dict:
        account = self.license_manager_account()
        with self.work() as work:
            return subscriptions.cancel(work, account)

    @rpc
    def revoke_cancellation(self) -> dict:
        account = self.license_manager_account()
        with self.work() as work:
            return subscriptions.revoke(work, account)

    @rpc
    def change_subscription(self, change: dict) -> dict:
        """Extensions at once (pro-rata invoice for the rest of the invoiced period), reductions on 1 January."""
        account = self.license_manager_account()
        data = parse(ChangeInput, change)
        with self.work() as work:
            return subscriptions.change(work, account, data)

    @rpc
    def add_affiliated_company(self, affiliate: dict) -> dict:
        """An affiliated company joins as a further client of the account (still one invoice recipient)."""
        account = self.license_manager_account()
        data = parse(AffiliateInput, affiliate)
        with self.auth.acting_as(Principal.system("billing", account)) as system, self.work(system) as work:
            return subscriptions.add_affiliate(work, account, data.name, self.identity_rpc)

    @rpc
    def get_consumption(self, account_id: str | None = None) -> dict:
        """For the start screen: storage used, mails sent this month and in total (any user of the account)."""
        account = self.account_for(account_id)
        with self.work() as work:
            return subscriptions.consumption(work, account)

    @rpc
    def get_entitlements(self, account_id: str) -> dict:
        account = self.account_for(account_id)
        with self.work() as work:
            return entitlements.current(work, account)

    @rpc
    def export_account_data(self, account_id: str, cursor: str | None = None) -> dict:
        """billing's part of the whole-account export (GDPR): tables, then the invoice PDFs page by page."""
        p = self.auth.principal
        if not p.is_service:
            p.require_role("administrator", "license_manager")
        account = self.account_for(account_id)
        with self.work() as work:
            return export.export(work, account, cursor)

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
        with self.work() as work:
            subscriptions.record_usage(work, data)
