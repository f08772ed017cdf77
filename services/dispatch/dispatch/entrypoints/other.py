"""Suppressions, transactional mail, tracking (anonymous callers with signed tokens), events from others."""

from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc

from ..usecases import lifecycle, suppression, tracking, transactional


class SuppressionEntrypoints:
    """The suppression list as the caller may see it (scopes: usecases/suppression.py)."""

    @rpc
    def list_suppressions(self, query: dict | None = None) -> dict:
        return suppression.list_entries(self.db, self.auth.principal, query)

    @rpc
    def add_suppression(self, data: dict) -> dict:
        result = suppression.add_entry(self.db, self.auth.principal, data)
        self.db.commit()
        return result

    @rpc
    def delete_suppression(self, address: str) -> None:
        suppression.delete_entries(self.db, self.auth.principal, address)
        self.db.commit()


class TransactionalEntrypoints:
    @rpc
    def send_transactional(self, payload: dict) -> str:
        """svckit.mail.TransactionalMail for identity and billing: its own lane, ahead of every mailing.
        Returns the Message-ID; the same idempotency_key twice sends once. Callers are services on the internal
        broker (identity sends login codes on behalf of callers who are not logged in yet).
        """
        result = transactional.enqueue(self.db, payload, self.settings.verp_domain)
        self.db.commit()
        return result["message_id"]


class TrackingEntrypoints:
    @rpc
    def track_open(self, token: str, info: dict | None = None) -> bool:
        result = tracking.track_open(self.db, token, info or {}, self.settings.tracking_secret, now=self.clock.now())
        self.db.commit()
        return result

    @rpc
    def track_click(self, token: str, info: dict | None = None) -> dict:
        result = tracking.track_click(self.db, token, info or {}, self.settings.tracking_secret, now=self.clock.now())
        self.db.commit()
        return result

    @rpc
    def get_unsubscribe(self, token: str) -> dict:
        return tracking.unsubscribe_info(self.db, token, self.settings.tracking_secret)

    @rpc
    def unsubscribe(self, token: str, info: dict | None = None) -> dict:
        result = tracking.unsubscribe(self.db, token, info or {}, self.settings.tracking_secret,
                                      via=(info or {}).get("via") or "web", now=self.clock.now())
        self.db.commit()
        return result


class EventEntrypoints:
    @event_handler("billing", "entitlements_changed")
    def on_entitlements_changed(self, payload: dict) -> None:
        lifecycle.store_entitlements(self.db, payload)

    @event_handler("crm", "contact_email_corrected")
    def on_contact_email_corrected(self, payload: dict) -> None:
        lifecycle.email_corrected(self.db, payload)

    @event_handler("crm", "person_erasure_requested")
    def on_person_erasure_requested(self, payload: dict) -> None:
        lifecycle.erase_person(self.db, payload)

    @event_handler("billing", "account_purge_requested")
    def on_account_purge_requested(self, payload: dict) -> None:
        lifecycle.purge_account(self.db, payload["account_id"])
