"""Distribution lists and events with participants."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..contracts import (
    EventCreate,
    EventUpdate,
    IdList,
    ListCreate,
    ListUpdate,
    Page,
    ParticipantsIn,
    ParticipantUpdate,
)
from ..usecases import lists, press_events
from .base import Entrypoints


class ListEntrypoints(Entrypoints):
    @rpc
    def create_list(self, data: dict) -> dict:
        with self.work() as work:
            return lists.create(work, parse(ListCreate, data))

    @rpc
    def get_list(self, list_id: str) -> dict:
        with self.work() as work:
            return lists.get(work, list_id)

    @rpc
    def update_list(self, list_id: str, data: dict) -> dict:
        with self.work() as work:
            return lists.update_list(work, list_id, parse(ListUpdate, data))

    @rpc
    def delete_list(self, list_id: str) -> None:
        with self.work() as work:
            lists.delete_list(work, list_id)

    @rpc
    def search_lists(self, client_id: str | None = None, q: str = "", cursor: str | None = None,
                     limit: int = 50) -> dict:
        with self.work() as work:
            return lists.search(work, client_id, str(q or "")[:200], parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def add_list_members(self, list_id: str, data: dict) -> dict:
        with self.work() as work:
            return lists.add_members(work, list_id, parse(IdList, data))

    @rpc
    def remove_list_members(self, list_id: str, data: dict) -> dict:
        with self.work() as work:
            return lists.remove_members(work, list_id, parse(IdList, data))

    @rpc
    def list_members(self, list_id: str, cursor: str | None = None, limit: int = 50) -> dict:
        with self.work() as work:
            return lists.members(work, list_id, parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def create_event(self, data: dict) -> dict:
        with self.work() as work:
            return press_events.create(work, parse(EventCreate, data))

    @rpc
    def get_event(self, event_id: str) -> dict:
        with self.work() as work:
            return press_events.get(work, event_id)

    @rpc
    def update_event(self, event_id: str, data: dict) -> dict:
        with self.work() as work:
            return press_events.update_event(work, event_id, parse(EventUpdate, data))

    @rpc
    def delete_event(self, event_id: str) -> None:
        with self.work() as work:
            press_events.delete_event(work, event_id)

    @rpc
    def search_events(self, client_id: str | None = None, cursor: str | None = None, limit: int = 50) -> dict:
        with self.work() as work:
            return press_events.search(work, client_id, parse(Page, {"cursor": cursor, "limit": limit}))

    @rpc
    def add_participants(self, event_id: str, data: dict) -> dict:
        with self.work() as work:
            return press_events.add_participants(work, event_id, parse(ParticipantsIn, data))

    @rpc
    def update_participant(self, event_id: str, contact_id: str, data: dict) -> dict:
        with self.work() as work:
            return press_events.update_participant(work, event_id, contact_id, parse(ParticipantUpdate, data))

    @rpc
    def remove_participant(self, event_id: str, contact_id: str) -> None:
        with self.work() as work:
            press_events.remove_participant(work, event_id, contact_id)

    @rpc
    def list_participants(self, event_id: str, status: str | None = None, cursor: str | None = None,
                          limit: int = 50) -> dict:
        with self.work() as work:
            return press_events.participants(work, event_id, status, parse(Page, {"cursor": cursor, "limit": limit}))
