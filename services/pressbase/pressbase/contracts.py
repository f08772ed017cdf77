"""The pressbase RPC contract: input models, validated again on entry (any service may call), and the answers of the
calls the gateway exposes (the OpenAPI document is generated from them).

Only pydantic, the standard library, svckit and the pure catalogue: the gateway imports this module."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from svckit.contracts import Answer, maybe, no_default
from svckit.i18n import Text
from svckit.validation import Input, Line, invalid

from .domain import catalog
from .i18n import _


def _codes(table: dict[str, Text], what: Text):
    def check(values):
        for v in values:
            if v not in table:
                raise invalid(_("Unknown value \"{value}\" ({what}).").format(value=v, what=what))
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

    _media_type = field_validator("media_type")(_codes(catalog.MEDIA_TYPES, _("media type")))
    _country = field_validator("country")(_codes(catalog.COUNTRIES, _("country")))
    _state = field_validator("state")(_codes(catalog.REGIONS, _("state")))
    _topic = field_validator("topic")(_codes(catalog.TOPICS, _("topic")))
    _desk = field_validator("desk")(_codes(catalog.DESKS, _("desk")))
    _language = field_validator("language")(_codes(catalog.LANGUAGES, _("language")))
    _frequency = field_validator("frequency")(_codes(catalog.FREQUENCIES, _("frequency")))


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

    _topic = field_validator("topic")(_codes(catalog.TOPICS, _("topic")))
    _media_type = field_validator("media_type")(_codes(catalog.MEDIA_TYPES, _("media type")))


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


class ExportOptions(Input):
    """The body of ``POST /selections/{id}/export`` (the gateway adds the selection; without ``lang``, the caller's
    language)."""

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


# --- answers ---------------------------------------------------------------------------------------------------------
# What the RPC methods behind the gateway's routes return: the gateway documents its routes with these models
# (OpenAPI), and the end-to-end tests validate every answer against that document. Every field the service returns
# is declared; unknown fields are refused (a new field must be added here, or the tests fail). Labels are in the
# caller's language.


class Code(Answer):
    """A code with its label in the caller's language."""

    code: str
    label: str


class TopicCode(Code):
    parent: str | None


class StateCode(Code):
    country: str


class Reference(Answer):
    datasets: list[Code]
    media_types: list[Code]
    frequencies: list[Code]
    desks: list[Code]
    roles: list[Code]
    languages: list[Code]
    topics: list[TopicCode]
    countries: list[Code]
    states: list[StateCode] = Field(description="ISO 3166-2 states and cantons, with their country")


class LicenceReasons(Answer):
    """Why not, in the caller's language (null: allowed)."""

    export: str | None
    forward_features: str | None


class Licence(Answer):
    phase: Literal["starting", "regular", "cancelled", "ended"]
    datasets: list[Literal["dach", "plus", "world"]]
    forward_features: bool
    export: bool
    plus_fields: bool
    reasons: LicenceReasons


Dataset = Literal["dach", "plus", "world"]
#: PLUS fields, only for accounts that licensed PLUS (the vendor's extra fields: open)
Plus = Annotated[dict[str, Any], Field(description="PLUS fields (only with the PLUS dataset); the vendor's extra "
                                                   "fields, open")]


class JournalistOutlet(Answer):
    id: int
    pressbase_id: str
    name: str
    media_type: Code | None
    role: Code | None


class Journalist(Answer):
    id: int
    pressbase_id: str
    dataset: Dataset
    name: str
    gender: str | None
    title: str | None
    first_name: str
    last_name: str
    position: str | None
    desks: list[Code]
    topics: list[Code]
    languages: list[Code]
    country: Code | None
    state: Code | None
    city: str | None
    freelance: bool
    email: str | None
    phone: str | None
    last_verified: date | None
    version: int
    outlets: list[JournalistOutlet]
    plus: Plus | None = maybe("PLUS fields (only with the PLUS dataset); open")


class OutletJournalist(Answer):
    id: int
    pressbase_id: str
    name: str
    position: str | None
    role: str | None


class FeatureOutlet(Answer):
    id: int
    pressbase_id: str
    name: str
    media_type: Code | None


class ForwardFeature(Answer):
    id: int
    outlet: FeatureOutlet
    dataset: Dataset
    issue_date: date | None
    topic: Code | None
    title: str
    description: str
    deadline: date


class Outlet(Answer):
    id: int
    pressbase_id: str
    dataset: Dataset
    name: str
    media_type: Code | None
    publisher: str | None
    country: Code | None
    state: Code | None
    city: str | None
    postal_code: str | None
    street: str | None
    language: Code | None
    frequency: Code | None
    circulation: int | None
    reach: int
    website: str | None
    email: str | None
    phone: str | None
    topics: list[Code]
    departments: list[Code]
    version: int
    plus: Plus | None = maybe("PLUS fields (only with the PLUS dataset); open")
    journalists: list[OutletJournalist] | None = maybe("one outlet: its journalists (at most 200)")
    forward_features: list[ForwardFeature] | None = maybe("one outlet, if licensed: its upcoming forward features")


class FacetEntry(Answer):
    code: str | bool = Field(description="the value (freelance: true or false)")
    label: str
    count: int
    parent: str | None = Field(default=None, description="topics only: the parent topic (null at the top)",
                               json_schema_extra=no_default)


class Correction(Answer):
    word: str
    used: list[str]


class _Result(Answer):
    next_cursor: str | None
    corrections: list[Correction] = Field(description="words corrected because they occur nowhere")
    total: int | None = maybe("with facets: the number of matches")
    estimated: bool | None = maybe("true: the total (and facet counts) are estimates from a sample (more matches "
                                    "than the exact-count limit)")
    facets_estimated: list[str] | None = maybe("the facet groups whose counts are estimates (a group with an "
                                                "active filter is counted without it, which may be many more "
                                                "matches), while the total may be exact")
    facets: dict[str, list[FacetEntry]] | None = Field(default=None, description="with facets: per group the "
                                                                                 "values and their counts",
                                                       json_schema_extra=no_default)


class JournalistResult(_Result):
    items: list[Journalist]
    sort: str = Field(description="the order used (relevance falls back to reach without words)")


class OutletResult(_Result):
    items: list[Outlet]
    sort: str = Field(description="the order used (relevance falls back to reach without words)")


class ForwardFeatureResult(_Result):
    items: list[ForwardFeature]


class ItemCounts(Answer):
    journalists: int
    outlets: int


class Selection(Answer):
    id: uuid.UUID
    name: str
    kind: Literal["search", "list"]
    target: Literal["journalists", "outlets"]
    client_id: uuid.UUID | None
    query: dict[str, Any] | None = Field(description="a saved search's words and filters ({q, filters})")
    items: ItemCounts
    created_by: uuid.UUID | None
    created_at: datetime | None
    updated_at: datetime | None


class SelectionPage(Answer):
    items: list[Selection]
    next_cursor: str | None


class JournalistMember(Journalist):
    kind: Literal["journalist"]


class OutletMember(Outlet):
    kind: Literal["outlet"]


class MemberPage(Answer):
    """The selection's current (licensed) records: journalists first, then outlets."""

    items: list[Annotated[JournalistMember | OutletMember, Field(discriminator="kind")]]
    next_cursor: str | None


class Added(Answer):
    added: int


class AddedFromSearch(Added):
    matched: int


class Removed(Answer):
    removed: int


class Recipient(Answer):
    """A mailing recipient (docs/contracts.md "Recipients"): a journalist, or an outlet's newsroom address."""

    contact_id: None
    pressbase_id: str
    client_id: str | None
    email: str | None
    email_valid: bool
    salutation: str
    letter_salutation: str
    title: str
    first_name: str
    last_name: str
    organisation: str
    position: str
    language: Literal["de", "en"]
    custom: dict[str, str | None] = Field(description="desk and media_type codes, for templates")


class Recipients(Answer):
    recipients: list[Recipient]
    next_cursor: str | None


class JobError(Answer):
    code: str | None
    detail: str
    fields: dict[str, str]
    extra: dict[str, Any] = Field(description="details of the failure (open)")


class Job(Answer):
    id: uuid.UUID
    kind: Literal["feed_import", "export", "transfer"]
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    done: int
    total: int | None
    phase: str | None = Field(description="the step a running feed import reported last (parsing, staging ...)")
    result: dict[str, Any] | None = Field(description="what a finished job made, per kind (open): an export's "
                                                      "export_id, records, filename, size; a transfer's counts; an "
                                                      "import's import_id and counts")
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    error: JobError | None


class FieldChange(Answer):
    field: str
    label: str
    old: Any
    new: Any


class TransferChange(Answer):
    link_id: int
    contact_id: str
    journalist_id: int
    pressbase_id: str
    name: str
    state: Literal["changed", "deleted"]
    transferred_version: int
    current_version: int | None
    transferred_at: datetime
    changes: list[FieldChange]


class TransferChangePage(Answer):
    items: list[TransferChange]
    next_cursor: str | None


class Applied(Answer):
    applied: int
    closed: int
    unchanged: int


class ExportEntry(Answer):
    id: uuid.UUID
    selection_id: uuid.UUID | None
    selection_name: str | None
    client_id: uuid.UUID | None
    user_id: uuid.UUID | None
    records: int
    filename: str | None
    size: int | None
    created_at: datetime
    expires_at: datetime | None
    available: bool


class ExportPage(Answer):
    items: list[ExportEntry]
    next_cursor: str | None


class FeedError(Answer):
    line: int
    field: str | None
    message: str


class FeedImport(Answer):
    id: int
    source: str
    filename: str | None
    format: str
    mode: Literal["full", "delta"]
    state: str
    created_by: str | None
    created_at: datetime
    finished_at: datetime | None
    counts: dict[str, Any] = Field(description="counts per kind and operation (open)")
    errors: list[FeedError]


class FeedImportPage(Answer):
    items: list[FeedImport]
    next_cursor: str | None


class RecordChange(Answer):
    id: int
    import_id: int
    kind: Literal["outlet", "journalist", "forward_feature"]
    record_id: int
    ext_id: str
    op: str
    changes: dict[str, Any] | None = Field(description="the fields changed (open)")
    changed_at: datetime


class RecordChangePage(Answer):
    items: list[RecordChange]
    next_cursor: str | None
