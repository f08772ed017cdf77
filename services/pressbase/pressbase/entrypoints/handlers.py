"""Events from other services. Every handler is idempotent: events arrive at least once."""

from __future__ import annotations

import logging

from nameko.events import event_handler

from svckit.principal import Principal

from ..usecases import lifecycle
from .base import Entrypoints

log = logging.getLogger(__name__)


class EventHandlers(Entrypoints):
    @event_handler("billing", "entitlements_changed")
    def on_entitlements_changed(self, payload: dict) -> None:
        """The newest entitlements per account decide what the account sees (older versions are ignored)."""
        with self.work() as work:
            changed = lifecycle.store_entitlements(work, payload)
        log.info("entitlements of %s %s", payload.get("account_id"), "stored" if changed else "unchanged")

    @event_handler("billing", "account_purge_requested")
    def on_account_purge_requested(self, payload: dict) -> None:
        """Delete the account's selections, links, export log and files, jobs and entitlements; confirm through
        the outbox (also when there was nothing left: the confirmation itself may have been lost)."""
        account_id = str(payload["account_id"])
        with self.auth.acting_as(Principal.system("pressbase", account_id=account_id)) as system, \
                self.work(system) as work:
            deleted = lifecycle.purge_account(work, account_id)
        log.info("purged account %s: %s", account_id, deleted)

    @event_handler("crm", "person_erasure_requested")
    def on_person_erasure_requested(self, payload: dict) -> None:
        account_id = payload.get("account_id")
        contact_id = payload.get("contact_id")
        if not account_id:
            return
        with self.auth.acting_as(Principal.system("pressbase", account_id=str(account_id))) as system, \
                self.work(system) as work:
            lifecycle.erase_person(work, account_id, contact_id)
