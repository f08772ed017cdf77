"""IMAP mailboxes of the calling user and their sync jobs (on demand and by timer)."""

from __future__ import annotations

import logging

from nameko.timer import timer

from svckit.entrypoints import rpc
from svckit.errors import Unavailable
from svckit.principal import Principal
from svckit.settings import env
from svckit.validation import parse

from .. import keyring, mailarchive
from ..contracts import MailboxIn, MailboxUpdate
from .base import Entrypoints

log = logging.getLogger(__name__)
SYNC_INTERVAL = float(env("CRM_IMAP_INTERVAL", "300"))


class MailboxEntrypoints(Entrypoints):
    @rpc(sensitive_arguments=("data.password",))
    def create_mailbox(self, data: dict) -> dict:
        with self.work() as work:
            return mailarchive.create(work, parse(MailboxIn, data))

    @rpc
    def list_mailboxes(self) -> list:
        with self.work() as work:
            return mailarchive.mailboxes(work)

    @rpc
    def get_mailbox(self, mailbox_id: str) -> dict:
        with self.work() as work:
            return mailarchive.get(work, mailbox_id)

    @rpc(sensitive_arguments=("data.password",))
    def update_mailbox(self, mailbox_id: str, data: dict) -> dict:
        with self.work() as work:
            return mailarchive.update(work, mailbox_id, parse(MailboxUpdate, data))

    @rpc
    def delete_mailbox(self, mailbox_id: str) -> None:
        with self.work() as work:
            mailarchive.delete(work, mailbox_id)

    @rpc
    def sync_mailbox(self, mailbox_id: str) -> dict:
        with self.work() as work:
            return mailarchive.start_sync(work, self.jobs, mailbox_id)

    @timer(interval=SYNC_INTERVAL)
    def sync_all_mailboxes(self) -> None:
        """Every few minutes: a sync job for each mailbox that has none waiting or running."""
        with self.work(Principal.system("crm")) as work:
            mailarchive.queue_syncs(work, self.jobs)

    @timer(interval=SYNC_INTERVAL)
    def rekey_secrets(self) -> None:
        """Rewrites mailbox passwords still under an older key of the ring under the newest one (crm.keyring;
        idempotent, row by row: several crm processes may run it at once)."""
        try:
            ring = keyring.KeyRing.from_config(self.config)
        except Unavailable:
            return      # no key configured: no mailbox can have been stored
        result = keyring.rekey(self.db, ring)
        if result["rewritten"] or result["unreadable"]:
            log.info("mailbox passwords re-encrypted under key %s: %s", ring.current_id, result)
