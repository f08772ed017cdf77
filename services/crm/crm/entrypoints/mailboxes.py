"""IMAP mailboxes of the calling user and their sync jobs (on demand and by timer)."""

from __future__ import annotations

import logging

from nameko.timer import timer
from sqlalchemy import select

from svckit.entrypoints import rpc
from svckit.errors import Unavailable
from svckit.jobs import serialise as job_json
from svckit.principal import Principal
from svckit.settings import env
from svckit.validation import parse

from .. import keyring, mailarchive
from ..contracts import MailboxIn, MailboxUpdate
from ..db.models import Job, Mailbox
from .base import Entrypoints

log = logging.getLogger(__name__)
SYNC_INTERVAL = float(env("CRM_IMAP_INTERVAL", "300"))


class MailboxEntrypoints(Entrypoints):
    @rpc(sensitive_arguments=("data.password",))
    def create_mailbox(self, data: dict) -> dict:
        result = mailarchive.create(self.db, self.auth.principal, self.config, parse(MailboxIn, data))
        self.commit()
        return result

    @rpc
    def list_mailboxes(self) -> list:
        return mailarchive.mailboxes(self.db, self.auth.principal)

    @rpc
    def get_mailbox(self, mailbox_id: str) -> dict:
        return mailarchive.serialise(mailarchive.own_mailbox(self.db, self.auth.principal, mailbox_id))

    @rpc(sensitive_arguments=("data.password",))
    def update_mailbox(self, mailbox_id: str, data: dict) -> dict:
        result = mailarchive.update(self.db, self.auth.principal, self.config, mailbox_id, parse(MailboxUpdate, data))
        self.commit()
        return result

    @rpc
    def delete_mailbox(self, mailbox_id: str) -> None:
        self.db.delete(mailarchive.own_mailbox(self.db, self.auth.principal, mailbox_id))
        self.commit()

    @rpc
    def sync_mailbox(self, mailbox_id: str) -> dict:
        principal = self.auth.principal
        m = mailarchive.own_mailbox(self.db, principal, mailbox_id)
        m.principal = principal.to_dict()
        job = self.jobs.enqueue(self.db, "imap_sync", principal, {"mailbox_id": str(m.id)})
        self.commit()
        return job_json(job)

    @timer(interval=SYNC_INTERVAL)
    def sync_all_mailboxes(self) -> None:
        """Every few minutes: a sync job for each mailbox that has none waiting or running."""
        busy = {j.params.get("mailbox_id") for j in self.db.scalars(
            select(Job).where(Job.kind == "imap_sync", Job.state.in_(("queued", "running"))))}
        for m in self.db.scalars(select(Mailbox)):
            if str(m.id) not in busy:
                owner = Principal.from_dict(m.principal or {})
                if owner.account_id:
                    self.jobs.enqueue(self.db, "imap_sync", owner, {"mailbox_id": str(m.id)})
        self.commit()

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
