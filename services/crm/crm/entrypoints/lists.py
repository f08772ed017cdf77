"""Distribution lists and events with participants."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..schemas import EventCreate, EventUpdate, IdList, ListCreate, ListUpdate, Page, ParticipantsIn, ParticipantUpdate
from ..usecases import lists, press_events
from .base import Entrypoints


class ListEntrypoints(Entrypoints):
    @rpc
    def create_list(self, data: dict) -> dict:
        result = lists.create(self.db, self.auth.principal, parse(ListCreate, data))
        self.commit()
        return result

    @rpc
    def get_list(self, list_id: str) -> dict:
        return lists.get(self.db, self.auth.principal, list_id)

    @rpc
    def update_list(self, list_id: str, data: dict) -> dict:
        result = lists.update_list(self.db, self.auth.principal, list_id, parse(ListUpdate, data))
        self.commit()
        return result

    @rpc
    def delete_list(self, list_id: str) -> None:
        lists.delete_list(self.db, self.auth.principal, list_id)
        self.commit()

    @rpc
    def search_lists(self, client_id: str | None = None, q: str = "", cursor: str | None = None,
                     limit: int = 50) -> dict:
        return lists.search(self.db, self.auth.principal, client_id, str(q or "")[:200],
                            parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def add_list_members(self, list_id: str, data: dict) -> dict:
        result = lists.add_members(self.db, self.auth.principal, list_id, parse(IdList, data))
        self.commit()
        return result

    @rpc
    def remove_list_members(self, list_id: str, data: dict) -> dict:
        result = lists.remove_members(self.db, self.auth.principal, list_id, parse(IdList, data))
        self.commit()
        return result

    @rpc
    def list_members(self, list_id: str, cursor: str | None = None, limit: int = 50) -> dict:
        return lists.members(self.db, self.auth.principal, list_id, parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def create_event(self, data: dict) -> dict:
        result = press_events.create(self.db, self.auth.principal, parse(EventCreate, data))
        self.commit()
        return result

    @rpc
    def get_event(self, event_id: str) -> dict:
        return press_events.get(self.db, self.auth.principal, event_id)

    @rpc
    def update_event(self, event_id: str, data: dict) -> dict:
        result = press_events.update_event(self.db, self.auth.principal, event_id, parse(EventUpdate, data))
        self.commit()
        return result

    @rpc
    def delete_event(self, event_id: str) -> None:
        press_events.delete_event(self.db, self.auth.principal, event_id)
        self.commit()

    @rpc
    def search_events(self, client_id: str | None = None, cursor: str | None = None, limit: int = 50) -> dict:
        return press_events.search(self.db, self.auth.principal, client_id,
                                   parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def add_participants(self, event_id: str, data: dict) -> dict:
        result = press_events.add_participants(self.db, self.auth.principal, event_id, parse(ParticipantsIn, data))
        self.commit()
        return result

    @rpc
    def update_participant(self, event_id: str, contact_id: str, data: dict) -> dict:
        result = press_events.update_participant(self.db, self.auth.principal, event_id, contact_id,
                                                 parse(ParticipantUpdate, data))
        self.commit()
        return result

    @rpc
    def remove_participant(self, event_id: str, contact_id: str) -> None:
        press_events.remove_participant(self.db, self.auth.principal, event_id, contact_id)
        self.commit()

    @rpc
    def list_participants(self, event_id: str, status: str | None = None, cursor: str | None = None,
                          limit: int = 50) -> dict:
        return press_events.participants(self.db, self.auth.principal, event_id, status,
                                         parse(Page, {"cursor": cursor, "limit": limit}))
