"""Selections: saved searches and hand-picked lists; their records; their recipients for dispatch."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.errors import InvalidInput
from svckit.validation import parse

from ..contracts import ItemsFromSearch, Paging, SelectionCreate, SelectionItems, SelectionUpdate
from ..i18n import _
from ..usecases import selections
from .base import Entrypoints

MAX_PAGE = _("At most 1000 recipients per page.")


class SelectionEntrypoints(Entrypoints):
    @rpc
    def create_selection(self, data: dict) -> dict:
        params = parse(SelectionCreate, data)
        with self.work() as work:
            return selections.create(work, params)

    @rpc
    def list_selections(self, paging: dict | None = None) -> dict:
        page = parse(Paging, paging or {})
        with self.work() as work:
            return selections.list_for(work, page)

    @rpc
    def get_selection(self, selection_id) -> dict:
        with self.work() as work:
            return selections.get(work, selection_id)

    @rpc
    def update_selection(self, selection_id, data: dict) -> dict:
        changes = parse(SelectionUpdate, data)
        with self.work() as work:
            return selections.update(work, selection_id, changes)

    @rpc
    def delete_selection(self, selection_id) -> dict:
        with self.work() as work:
            return selections.delete(work, selection_id)

    @rpc
    def add_selection_items(self, selection_id, data: dict) -> dict:
        items = parse(SelectionItems, data)
        with self.work() as work:
            return selections.add_items(work, selection_id, items)

    @rpc
    def add_selection_items_from_search(self, selection_id, data: dict) -> dict:
        search = parse(ItemsFromSearch, data)
        with self.work() as work:
            return selections.add_from_search(work, selection_id, search)

    @rpc
    def remove_selection_items(self, selection_id, data: dict) -> dict:
        items = parse(SelectionItems, data)
        with self.work() as work:
            return selections.remove_items(work, selection_id, items)

    @rpc
    def list_selection_members(self, selection_id, paging: dict | None = None) -> dict:
        page = parse(Paging, paging or {})
        with self.work() as work:
            return selections.list_members(work, selection_id, page)

    @rpc
    def resolve_selection(self, selection_id, cursor=None, limit=1000) -> dict:
        """Recipients of a selection for dispatch (docs/contracts.md "Recipients"), a page at a time."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            raise InvalidInput(fields={"limit": MAX_PAGE})
        if cursor is not None and not isinstance(cursor, str):
            raise InvalidInput(fields={"cursor": _("Invalid cursor.")})
        with self.work() as work:
            return selections.resolve(work, selection_id, cursor, limit)
