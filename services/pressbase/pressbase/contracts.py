"""The pressbase RPC contract: input models, validated again on entry (any service may call)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator

from svckit.i18n import Text
from svckit.validation import Input, Line, invalid

from .domain import catalog


def _codes(table: dict[str, Text], what: Text):
    def check(values):
        for v in values:
            if v not in table:
                raise invalid(f"Unbekannter Wert „{v}“ ({what.de}).", f"Unknown value \"{v}\" ({what.en}).")
        return list(dict.fromkeys(values))
    return check


#: a record or link id: a positive 64-bit integer (PostgreSQL bigint); anything larger is refused naming the field
RecordId = Annotated[int, Field(ge=1, le=2 ** 63 - 1)]
#: a selection's name: one line (it becomes a file name and a mailing's list name)
SelectionName = Annotated[Line, Field(min_length=1, max_length=200)]


class _Filters(Input):
    media_type: list[str] = Field([], max_length=20)
    country: list[str] = Field([], max_length=60)
    state: list[str] = Field([], max_length=60)
    topic: list[str] = Field([], max_length=50)
    desk: list[str] = Field([], max_length=30)
    language: list[str] = Field([], max_length=30)
    frequency: list[str] = Field([], max_length=20)
    dataset: list[Literal["dach", "plus", "world"]] = Field([], max_length=3)

    _media_type = field_validator("media_type")(_codes(catalog.MEDIA_TYPES, Text("Medientyp", "media type")))
    _country = field_validator("country")(_codes(catalog.COUNTRIES, Text("Land", "country")))
    _state = field_validator("state")(_codes(catalog.REGIONS, Text("Bundesland/Kanton", "state")))
    _topic = field_validator("topic")(_codes(catalog.TOPICS, Text("Thema", "topic")))
    _desk = field_validator("desk")(_codes(catalog.DESKS, Text("Ressort", "desk")))
    _language = field_validator("language")(_codes(catalog.LANGUAGES, Text("Sprache", "language")))
    _frequency = field_validator("frequency")(_codes(catalog.FREQUENCIES, Text("Erscheinungsweise", "frequency")))


class JournalistFilters(_Filters):
    outlet: list[RecordId] = Field([], max_length=50)
    freelance: bool | None = None


class OutletFilters(_Filters):
    pass


class _Search(Input):
    q: str | None = Field(None, max_length=300)
    prefix: bool = True
    sort: Literal["relevance", "name", "reach"] = "relevance"
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(20, ge=1, le=100)
    facets: bool = True


class JournalistSearch(_Search):
    filters: JournalistFilters = JournalistFilters()


class OutletSearch(_Search):
    filters: OutletFilters = OutletFilters()


class ForwardFeatureSearch(Input):
    q: str | None = Field(None, max_length=300)
    topic: list[str] = Field([], max_length=50)
    outlet: list[RecordId] = Field([], max_length=50)
    media_type: list[str] = Field([], max_length=20)
    deadline_from: date | None = None       # default: today (upcoming deadlines)
    deadline_to: date | None = None
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(20, ge=1, le=100)

    _topic = field_validator("topic")(_codes(catalog.TOPICS, Text("Thema", "topic")))
    _media_type = field_validator("media_type")(_codes(catalog.MEDIA_TYPES, Text("Medientyp", "media type")))


class SavedQuery(Input):
    """What a saved search stores: the words and filters (sort and paging are the reader's business)."""

    q: str | None = Field(None, max_length=300)
    filters: dict = {}


MAX_ITEMS_PER_CALL = 5_000


class SelectionCreate(Input):
    name: SelectionName
    kind: Literal["search", "list"]
    target: Literal["journalists", "outlets"] = "journalists"
    client_id: uuid.UUID | None = None
    query: SavedQuery | None = None
    journalist_ids: list[RecordId] = Field([], max_length=MAX_ITEMS_PER_CALL)
    outlet_ids: list[RecordId] = Field([], max_length=MAX_ITEMS_PER_CALL)


class SelectionUpdate(Input):
    name: SelectionName | None = None
    query: SavedQuery | None = None
    client_id: uuid.UUID | None = None
    account_wide: bool = False      # true: remove the client limit (client_id null means "unchanged")


class SelectionItems(Input):
    journalist_ids: list[RecordId] = Field([], max_length=MAX_ITEMS_PER_CALL)
    outlet_ids: list[RecordId] = Field([], max_length=MAX_ITEMS_PER_CALL)


class ItemsFromSearch(Input):
    """Add the results of a search to a hand-picked list (at most ``max`` of them, in relevance order)."""

    q: str | None = Field(None, max_length=300)
    filters: dict = {}
    max: int = Field(1000, ge=1, le=MAX_ITEMS_PER_CALL)


class Paging(Input):
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(50, ge=1, le=500)


class ExportStart(Input):
    selection_id: uuid.UUID
    lang: Literal["de", "en"] | None = None


class TransferStart(Input):
    client_id: uuid.UUID
    selection_id: uuid.UUID | None = None
    journalist_ids: list[RecordId] = Field([], max_length=MAX_ITEMS_PER_CALL)


class ApplyChanges(Input):
    client_id: uuid.UUID
    link_ids: list[RecordId] = Field(min_length=1, max_length=500)


class ExportChunk(Input):
    offset: int = Field(0, ge=0, le=2 ** 31 - 1)
    size: int = Field(4 * 1024 * 1024, ge=1, le=4 * 1024 * 1024)


class FeedUploadStart(Input):
    filename: Annotated[Line, Field(max_length=255)] | None = None
    format: Literal["jsonl", "csv"]


class FeedImportStart(Input):
    upload_id: uuid.UUID
    mode: Literal["full", "delta"] = "delta"
    record_type: Literal["outlet", "journalist", "forward_feature"] | None = None
