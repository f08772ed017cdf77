"""Contacts, custom fields, history and recipients."""

from __future__ import annotations

from nameko.events import event_handler

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse

from ..schemas import ContactCreate, ContactFilter, ContactUpdate, CustomFieldIn, HistoryIn, Page
from ..usecases import contacts, customfields, duplicates, history, pressbase, recipients
from .base import Entrypoints


class ContactEntrypoints(Entrypoints):
    @rpc
    def create_contact(self, data: dict) -> dict:
        result, events = contacts.create(self.db, self.auth.principal, parse(ContactCreate, data))
        self.commit(events)
        return result

    @rpc
    def get_contact(self, contact_id: str) -> dict:
        return contacts.get(self.db, self.auth.principal, contact_id)

    @rpc
    def update_contact(self, contact_id: str, data: dict) -> dict:
        result, events = contacts.update_contact(self.db, self.auth.principal, contact_id, parse(ContactUpdate, data))
        self.commit(events)
        return result

    @rpc
    def delete_contact(self, contact_id: str) -> None:
        contacts.delete_contact(self.db, self.auth.principal, contact_id)
        self.commit()

    @rpc
    def search_contacts(self, filter: dict | None = None, cursor: str | None = None, limit: int = 50) -> dict:
        return contacts.search(self.db, self.auth.principal, parse(ContactFilter, filter or {}),
                               parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def list_custom_fields(self) -> list:
        return customfields.all_fields(self.db, self.auth.principal)

    @rpc
    def create_custom_field(self, data: dict) -> dict:
        result = customfields.create(self.db, self.auth.principal, parse(CustomFieldIn, data))
        self.commit()
        return result

    @rpc
    def delete_custom_field(self, key: str) -> None:
        customfields.delete_field(self.db, self.auth.principal, key)
        self.commit()

    @rpc
    def add_history(self, contact_id: str, data: dict) -> dict:
        result = history.add(self.db, self.auth.principal, contact_id, parse(HistoryIn, data), self.clock.now())
        self.commit()
        return result

    @rpc
    def list_history(self, contact_id: str, cursor: str | None = None, limit: int = 50,
                     kind: str | None = None) -> dict:
        return history.entries(self.db, self.auth.principal, contact_id,
                               parse(Page, {"cursor": cursor, "limit": limit}), kind)

    @rpc
    def resolve_recipients(self, source: dict, cursor: str | None = None, limit: int = 1000) -> dict:
        """dispatch: a list's or some contacts' recipients, a page at a time (docs/contracts.md)."""
        return recipients.resolve(self.db, self.auth.principal, source, cursor, limit)

    @rpc
    def find_duplicates(self, client_id: str, limit: int = 100) -> dict:
        """Pairs in one client with the same e-mail or a similar name and organisation."""
        return duplicates.find(self.db, self.auth.principal, client_id, limit)

    @rpc
    def merge_contacts(self, contact_id: str, data: dict) -> dict:
        result = duplicates.merge(self.db, self.auth.principal, contact_id, (data or {}).get("other_id"))
        self.commit()
        return result

    @rpc
    def import_pressbase_contacts(self, client_id: str, records: list) -> list:
        """pressbase's transfer (docs/contracts.md): create or link by pressbase_id / e-mail; idempotent."""
        result = pressbase.import_contacts(self.db, self.auth.principal, client_id, records)
        self.commit()
        return result

    @rpc
    def update_pressbase_contacts(self, client_id: str, updates: list) -> list:
        """pressbase applies the changes its user chose (docs/contracts.md): [{contact_id, updated}]."""
        result, events = pressbase.update_contacts(self.db, self.auth.principal, client_id, updates)
        self.commit(events)
        return result

    @rpc
    def receive_pressbase_updates(self, records: list) -> dict:
        """pressbase: new versions of records; linked contacts keep the differences for their users to apply."""
        n = pressbase.receive_updates(self.db, self.auth.principal, records, self.clock.now())
        self.commit()
        return {"contacts_with_changes": n}

    @event_handler("pressbase", "journalist_changed")
    def on_journalist_changed(self, payload: dict) -> None:
        with self.auth.acting_as(Principal.system("crm")):
            pressbase.receive_updates(self.db, self.auth.principal, [payload.get("record") or {}], self.clock.now())
        self.commit()

    @rpc
    def get_pressbase_changes(self, contact_id: str) -> dict:
        return pressbase.pending(self.db, self.auth.principal, contact_id)

    @rpc
    def apply_pressbase_changes(self, contact_id: str, data: dict | None = None) -> dict:
        result, events = pressbase.apply(self.db, self.auth.principal, contact_id, (data or {}).get("fields"))
        self.commit(events)
        return result

    @rpc
    def dismiss_pressbase_changes(self, contact_id: str) -> None:
        pressbase.dismiss(self.db, self.auth.principal, contact_id)
        self.commit()
