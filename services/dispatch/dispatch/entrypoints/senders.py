"""Sender domains and sender accounts (administrators), and the senders a user may use."""

from __future__ import annotations

from svckit.entrypoints import rpc

from ..usecases import senders


class SenderEntrypoints:
    @rpc
    def create_sender_domain(self, data: dict) -> dict:
        """Generate DKIM keys (RSA-2048 + Ed25519) and return the DNS records to publish."""
        result = senders.create_domain(self.db, self.auth.principal, data, self.settings)
        self.db.commit()
        return result

    @rpc
    def list_sender_domains(self) -> list:
        return senders.list_domains(self.db, self.auth.principal, self.settings, now=self.clock.now())

    @rpc
    def check_sender_domain(self, domain_id: str) -> dict:
        """Look the records up in DNS now; sending is refused while the DKIM record is missing. With a DKIM
        rotation under way, the new key signs from this check on if both of its records are found."""
        result = senders.check_domain(self.db, self.auth.principal, domain_id, self.settings, now=self.clock.now())
        self.db.commit()
        return result

    @rpc
    def start_dkim_rotation(self, domain_id: str, data: dict | None = None) -> dict:
        """A new DKIM key pair under new selectors (``rotation`` in the answer: the records to publish); it signs
        only once ``check_sender_domain`` finds its records, and the old key then stays ``retiring`` for
        ``grace_days`` (default 7) before it is deleted."""
        result = senders.start_rotation(self.db, self.auth.principal, domain_id, data, self.settings,
                                         now=self.clock.now())
        self.db.commit()
        return result

    @rpc
    def cancel_dkim_rotation(self, domain_id: str) -> None:
        """Drop a rotation's new key before it signs (the current key goes on signing)."""
        senders.cancel_rotation(self.db, self.auth.principal, domain_id, self.settings)
        self.db.commit()

    @rpc
    def update_sender_domain(self, domain_id: str, data: dict) -> dict:
        result = senders.update_domain(self.db, self.auth.principal, domain_id, data, self.settings)
        self.db.commit()
        return result

    @rpc
    def delete_sender_domain(self, domain_id: str) -> None:
        senders.delete_domain(self.db, self.auth.principal, domain_id)
        self.db.commit()

    @rpc
    def create_sender(self, data: dict) -> dict:
        result = senders.create_sender(self.db, self.auth.principal, data)
        self.db.commit()
        return result

    @rpc
    def update_sender(self, sender_id: str, data: dict) -> dict:
        result = senders.update_sender(self.db, self.auth.principal, sender_id, data)
        self.db.commit()
        return result

    @rpc
    def delete_sender(self, sender_id: str) -> None:
        senders.delete_sender(self.db, self.auth.principal, sender_id)
        self.db.commit()

    @rpc
    def list_senders(self) -> list:
        return senders.list_senders(self.db, self.auth.principal)
