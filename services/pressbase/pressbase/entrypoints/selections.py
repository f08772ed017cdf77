"""Selections: saved searches and hand-picked lists; their records; their recipients for dispatch."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.errors import InvalidInput
from svckit.i18n import Text
from svckit.validation import parse

from ..contracts import ItemsFromSearch, Paging, SelectionCreate, SelectionItems, SelectionUpdate
from ..usecases import selections
from .base import Entrypoints

MAX_PAGE = Text("Höchstens 1000 Empfänger je Seite.", "At most 1000 recipients per page.")


class SelectionEntrypoints(Entrypoints):
    @rpc
    def create_selection(self, data: dict) -> dict:
        selection = selections.create(self.db, self.principal, self.licence(), parse(SelectionCreate, data))
        view = selections.view(self.db, selection)
        self.db.commit()
        return view

    @rpc
    def list_selections(self, paging: dict | None = None) -> dict:
        return selections.list_for(self.db, self.principal, parse(Paging, paging or {}))

    @rpc
    def get_selection(self, selection_id) -> dict:
        return selections.view(self.db, selections.load(self.db, self.principal, selection_id))

    @rpc
    def update_selection(self, selection_id, data: dict) -> dict:
        selection = selections.load(self.db, self.principal, selection_id, write=True)
        selections.update(self.db, self.principal, selection, parse(SelectionUpdate, data))
        self.db.commit()
        return selections.view(self.db, selection)

    @rpc
    def delete_selection(self, selection_id) -> dict:
        selection = selections.load(self.db, self.principal, selection_id, write=True)
        self.db.delete(selection)
        self.db.commit()
        return {"deleted": True}

    @rpc
    def add_selection_items(self, selection_id, data: dict) -> dict:
        selection = selections.load(self.db, self.principal, selection_id, write=True)
        result = selections.add_items(self.db, self.principal, self.licence(), selection,
                                      parse(SelectionItems, data))
        self.db.commit()
        return result

    @rpc
    def add_selection_items_from_search(self, selection_id, data: dict) -> dict:
        selection = selections.load(self.db, self.principal, selection_id, write=True)
        result = selections.add_from_search(self.db, self.principal, self.licence(), selection,
                                            parse(ItemsFromSearch, data))
        self.db.commit()
        return result

    @rpc
    def remove_selection_items(self, selection_id, data: dict) -> dict:
        selection = selections.load(self.db, self.principal, selection_id, write=True)
        result = selections.remove_items(self.db, selection, parse(SelectionItems, data))
        self.db.commit()
        return result

    @rpc
    def list_selection_members(self, selection_id, paging: dict | None = None) -> dict:
        selection = selections.load(self.db, self.principal, selection_id)
        return selections.list_members(self.db, self.principal, self.licence(), selection,
                                       parse(Paging, paging or {}))

    @rpc
    def resolve_selection(self, selection_id, cursor=None, limit=1000) -> dict:
        """Recipients of a selection for dispatch (docs/contracts.md "Recipients"), a page at a time."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            raise InvalidInput(fields={"limit": MAX_PAGE})
        if cursor is not None and not isinstance(cursor, str):
            raise InvalidInput(fields={"cursor": Text("Ungültiger Cursor.", "Invalid cursor.")})
        selection = selections.load(self.db, self.principal, selection_id)
        return selections.resolve(self.db, self.licence(), selection, cursor, limit)
