"""Search and read the media database: journalists, outlets, forward features, reference data, the licence."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..contracts import ForwardFeatureSearch, JournalistSearch, OutletSearch
from ..domain import catalog
from ..i18n import _
from ..usecases import search
from .base import Entrypoints


def _record_id(value, field: str) -> int:
    from svckit.errors import InvalidInput

    try:
        number = int(value)
        if number <= 0 or number >= 2 ** 63:
            raise ValueError
        return number
    except (TypeError, ValueError):
        raise InvalidInput(fields={field: _("Invalid identifier.")}) from None


class SearchEntrypoints(Entrypoints):
    @rpc
    def get_reference(self) -> dict:
        """Codes and labels (media types, frequencies, desks, roles, languages, topics, regions) in the caller's
        language."""
        return catalog.reference(self.lang)

    @rpc
    def get_licence(self) -> dict:
        """What the caller's account may see and do here (datasets, forward features, export), and why not (in the
        caller's language)."""
        with self.work() as work:
            return search.licence_view(work)

    @rpc
    def search_journalists(self, query: dict | None = None) -> dict:
        params = parse(JournalistSearch, query or {})
        with self.work() as work:
            return search.search_journalists(work, params)

    @rpc
    def search_outlets(self, query: dict | None = None) -> dict:
        params = parse(OutletSearch, query or {})
        with self.work() as work:
            return search.search_outlets(work, params)

    @rpc
    def get_journalist(self, journalist_id) -> dict:
        record_id = _record_id(journalist_id, "journalist_id")
        with self.work() as work:
            return search.get_journalist(work, record_id)

    @rpc
    def get_outlet(self, outlet_id) -> dict:
        record_id = _record_id(outlet_id, "outlet_id")
        with self.work() as work:
            return search.get_outlet(work, record_id)

    @rpc
    def search_forward_features(self, query: dict | None = None) -> dict:
        params = parse(ForwardFeatureSearch, query or {})
        with self.work() as work:
            return search.search_forward_features(work, params)
