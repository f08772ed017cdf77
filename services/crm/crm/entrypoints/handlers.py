"""Events from other services. Every handler is idempotent: events arrive at least once."""

from __future__ import annotations

import logging

from nameko.events import event_handler

from svckit.principal import Principal

from ..usecases import history, lifecycle
from .base import Entrypoints

log = logging.getLogger(__name__)


class EventHandlers(Entrypoints):
    @event_handler("dispatch", "recipient_bounced")
    def on_recipient_bounced(self, payload: dict) -> None:
        with self.work() as work:
            n = lifecycle.recipient_bounced(work, payload)
        log.info("bounce marked %s addresses invalid", n)

    @event_handler("dispatch", "mailing_sent")
    def on_mailing_sent(self, payload: dict) -> None:
        with self.work() as work:
            history.record_mailing(work, payload)

    @event_handler("identity", "client_deleted")
    def on_client_deleted(self, payload: dict) -> None:
        with self.work() as work:
            lifecycle.delete_client(work, self.storage, payload)

    @event_handler("billing", "account_purge_requested")
    def on_account_purge_requested(self, payload: dict) -> None:
        account_id = payload.get("account_id")
        work = self.work()
        if lifecycle.purge_account(work, self.storage, account_id):
            with self.auth.acting_as(Principal.system("crm", account_id=str(account_id))):
                work.commit()  # account_purged leaves the outbox as crm's system principal
        else:
            work.session.rollback()

    @event_handler("billing", "entitlements_changed")
    def on_entitlements_changed(self, payload: dict) -> None:
        """Keeps the newest entitlements; at contract end the account's export archive is prepared and offered
        (GET /api/v1/crm/account-exports) before the purge four weeks later."""
        work = self.work()
        lifecycle.entitlements_changed(work, payload)
        if payload.get("phase") == "ended" and payload.get("account_id"):
            system = Principal.system("crm", account_id=str(payload["account_id"]))
            self.jobs.enqueue(work.session, "account_export", system, {"reason": "contract_end"},
                              key="contract-end-archive")
        work.commit()
