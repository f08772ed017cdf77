"""Contacts, custom fields, history and recipients."""

from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse

from ..contracts import ContactCreate, ContactFilter, ContactUpdate, CustomFieldIn, HistoryIn, Page
from ..usecases import contacts, customfields, duplicates, history, pressbase, recipients
from .base import Entrypoints


class ContactEntrypoints(Entrypoints):
    @rpc
    def create_contact(self, data: dict) -> dict:
        with self.work() as work:
            return contacts.create(work, parse(ContactCreate, data))

    @rpc
    def get_contact(self, contact_id: str) -> dict:
        with self.work() as work:
            return contacts.get(work, contact_id)

    @rpc
    def update_contact(self, contact_id: str, data: dict) -> dict:
        with self.work() as work:
            return contacts.update_contact(work, contact_id, parse(ContactUpdate, data))

    @rpc
    def delete_contact(self, contact_id: str) -> None:
        with self.work() as work:
            contacts.delete_contact(work, contact_id)

    @rpc
    def search_contacts(self, filter: dict | None = None, cursor: str | None = None, limit: int = 50) -> dict:
        with self.work() as work:
            return contacts.search(work, parse(ContactFilter, filter or {}),
                                   parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def list_custom_fields(self) -> list:
        with self.work() as work:
            return customfields.all_fields(work)

    @rpc
    def create_custom_field(self, data: dict) -> dict:
        with self.work() as work:
            return customfields.create(work, parse(CustomFieldIn, data))

    @rpc
    def delete_custom_field(self, key: str) -> None:
        with self.work() as work:
            customfields.delete_field(work, key)

    @rpc
    def add_history(self, contact_id: str, data: dict) -> dict:
        with self.work() as work:
            return history.add(work, contact_id, parse(HistoryIn, data))

    @rpc
    def list_history(self, contact_id: str, cursor: str | None = None, limit: int = 50,
                     kind: str | None = None) -> dict:
        with self.work() as work:
            return history.entries(work, contact_id, parse(Page, {"cursor": cursor, "limit": limit}), kind)

    @rpc
    def resolve_recipients(self, source: dict, cursor: str | None = None, limit: int = 1000) -> dict:
        """dispatch: a list's or some contacts' recipients, a page at a time (docs/contracts.md)."""
        with self.work() as work:
            return recipients.resolve(work, source, cursor, limit)

    @rpc
    def find_duplicates(self, client_id: str, limit: int = 100) -> dict:
        """Pairs in one client with the same e-mail or a similar name and organisation."""
        with self.work() as work:
            return duplicates.find(work, client_id, limit)

    @rpc
    def merge_contacts(self, contact_id: str, data: dict) -> dict:
        with self.work() as work:
            return duplicates.merge(work, contact_id, (data or {}).get("other_id"))

    @rpc
    def import_pressbase_contacts(self, client_id: str, records: list) -> list:
        """pressbase's transfer (docs/contracts.md): create or link by pressbase_id / e-mail; idempotent."""
        with self.work() as work:
            return pressbase.import_contacts(work, client_id, records)

    @rpc
    def update_pressbase_contacts(self, client_id: str, updates: list) -> list:
        """pressbase applies the changes its user chose (docs/contracts.md): [{contact_id, updated}]."""
        with self.work() as work:
            return pressbase.update_contacts(work, client_id, updates)

    @rpc
    def receive_pressbase_updates(self, records: list) -> dict:
        """pressbase: new versions of records; linked contacts keep the differences for their users to apply."""
        with self.work() as work:
            n = pressbase.receive_updates(work, records)
        return {"contacts_with_changes": n}

    @event_handler("pressbase", "journalist_changed")
    def on_journalist_changed(self, payload: dict) -> None:
        with self.auth.acting_as(Principal.system("crm")) as system, self.work(system) as work:
            pressbase.receive_updates(work, [payload.get("record") or {}])

    @rpc
    def get_pressbase_changes(self, contact_id: str) -> dict:
        with self.work() as work:
            return pressbase.pending(work, contact_id)

    @rpc
    def apply_pressbase_changes(self, contact_id: str, data: dict | None = None) -> dict:
        with self.work() as work:
            return pressbase.apply(work, contact_id, (data or {}).get("fields"))

    @rpc
    def dismiss_pressbase_changes(self, contact_id: str) -> None:
        with self.work() as work:
            pressbase.dismiss(work, contact_id)
