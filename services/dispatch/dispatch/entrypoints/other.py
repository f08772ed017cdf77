"""Suppressions, transactional mail, tracking (anonymous callers with signed tokens), events from others."""

from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse

from .. import contracts
from ..usecases import account_settings, lifecycle, suppression, tracking, transactional


class SuppressionEntrypoints:
    """The suppression list as the caller may see it (scopes: usecases/suppression.py)."""

    @rpc
    def list_suppressions(self, query: dict | None = None) -> dict:
        with self.work() as work:
            return suppression.list_entries(work, parse(contracts.PageIn, query or {}))

    @rpc
    def add_suppression(self, data: dict) -> dict:
        with self.work() as work:
            return suppression.add_entry(work, parse(contracts.SuppressionIn, data))

    @rpc
    def delete_suppression(self, address: str) -> None:
        with self.work() as work:
            suppression.delete_entries(work, address)


class AccountSettingsEntrypoints:
    """The account's dispatch defaults (open and click tracking); administrators change them."""

    @rpc
    def get_dispatch_settings(self) -> dict:
        with self.work() as work:
            return account_settings.get(work)

    @rpc
    def update_dispatch_settings(self, data: dict) -> dict:
        with self.work() as work:
            return account_settings.update(work, parse(contracts.AccountSettingsUpdate, data))


class TransactionalEntrypoints:
    @rpc
    def send_transactional(self, payload: dict) -> str:
        """svckit.mail.TransactionalMail for identity and billing: its own lane, ahead of every mailing.
        Returns the Message-ID; the same idempotency_key twice sends once. Callers are services on the internal
        broker (identity sends login codes on behalf of callers who are not logged in yet).
        """
        with self.work() as work:
            result = transactional.enqueue(work, parse(contracts.TransactionalIn, payload),
                                           self.settings.verp_domain)
        return result["message_id"]


class TrackingEntrypoints:
    @rpc
    def track_open(self, token: str, info: dict | None = None) -> bool:
        with self.work() as work:
            return tracking.track_open(work, token, parse(contracts.TrackingIn, info or {}),
                                       self.settings.tracking_secret)

    @rpc
    def track_click(self, token: str, info: dict | None = None) -> dict:
        with self.work() as work:
            return tracking.track_click(work, token, parse(contracts.TrackingIn, info or {}),
                                        self.settings.tracking_secret)

    @rpc
    def get_unsubscribe(self, token: str) -> dict:
        with self.work() as work:
            return tracking.unsubscribe_info(work, token, self.settings.tracking_secret)

    @rpc
    def unsubscribe(self, token: str, info: dict | None = None) -> dict:
        with self.work() as work:
            return tracking.unsubscribe(work, token, parse(contracts.TrackingIn, info or {}),
                                        self.settings.tracking_secret, via=(info or {}).get("via") or "web")


class EventEntrypoints:
    @event_handler("billing", "entitlements_changed")
    def on_entitlements_changed(self, payload: dict) -> None:
        with self.work() as work:
            lifecycle.store_entitlements(work, payload)

    @event_handler("crm", "contact_email_corrected")
    def on_contact_email_corrected(self, payload: dict) -> None:
        with self.work() as work:
            lifecycle.email_corrected(work, payload)

    @event_handler("crm", "person_erasure_requested")
    def on_person_erasure_requested(self, payload: dict) -> None:
        system = Principal.system("dispatch", account_id=str(payload.get("account_id")))
        with self.auth.acting_as(system), self.work(system) as work:   # person_erased leaves as dispatch
            lifecycle.erase_person(work, payload)

    @event_handler("billing", "account_purge_requested")
    def on_account_purge_requested(self, payload: dict) -> None:
        account_id = payload["account_id"]
        with self.auth.acting_as(Principal.system("dispatch", account_id=str(account_id))) as system, \
                self.work(system) as work:   # account_purged leaves as dispatch
            lifecycle.purge_account(work, account_id)
