"""Sender domains and sender accounts (administrators), and the senders a user may use."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import senders


class SenderEntrypoints:
    @rpc
    def create_sender_domain(self, data: dict) -> dict:
        """Generate DKIM keys (RSA-2048 + Ed25519) and return the DNS records to publish."""
        with self.work() as work:
            return senders.create_domain(work, parse(contracts.DomainIn, data), self.settings)

    @rpc
    def list_sender_domains(self) -> list:
        with self.work() as work:
            return senders.list_domains(work, self.settings)

    @rpc
    def check_sender_domain(self, domain_id: str) -> dict:
        """Look the records up in DNS now; sending is refused while the DKIM record is missing. With a DKIM
        rotation under way, the new key signs from this check on if both of its records are found."""
        with self.work() as work:
            return senders.check_domain(work, domain_id, self.settings)

    @rpc
    def start_dkim_rotation(self, domain_id: str, data: dict | None = None) -> dict:
        """A new DKIM key pair under new selectors (``rotation`` in the answer: the records to publish); it signs
        only once ``check_sender_domain`` finds its records, and the old key then stays ``retiring`` for
        ``grace_days`` (default 7) before it is deleted."""
        with self.work() as work:
            return senders.start_rotation(work, domain_id, parse(contracts.RotationIn, data or {}), self.settings)

    @rpc
    def cancel_dkim_rotation(self, domain_id: str) -> None:
        """Drop a rotation's new key before it signs (the current key goes on signing)."""
        with self.work() as work:
            senders.cancel_rotation(work, domain_id, self.settings)

    @rpc
    def update_sender_domain(self, domain_id: str, data: dict) -> dict:
        with self.work() as work:
            return senders.update_domain(work, domain_id, parse(contracts.DomainUpdate, data), self.settings)

    @rpc
    def delete_sender_domain(self, domain_id: str) -> None:
        with self.work() as work:
            senders.delete_domain(work, domain_id)

    @rpc
    def create_sender(self, data: dict) -> dict:
        with self.work() as work:
            return senders.create_sender(work, parse(contracts.SenderIn, data))

    @rpc
    def update_sender(self, sender_id: str, data: dict) -> dict:
        with self.work() as work:
            return senders.update_sender(work, sender_id, parse(contracts.SenderUpdate, data))

    @rpc
    def delete_sender(self, sender_id: str) -> None:
        with self.work() as work:
            senders.delete_sender(work, sender_id)

    @rpc
    def list_senders(self) -> list:
        with self.work() as work:
            return senders.list_senders(work)
