"""The crm's RPC contract: the input models every RPC method validates its arguments with, and the answers of the
calls the gateway exposes (the gateway imports this module and generates the OpenAPI document from it).

Only pydantic, the standard library and svckit here: the gateway imports this module, never the service's
database or nameko code.

Input (``svckit.validation.Input``: unknown fields are errors): every RPC method validates its arguments with
:func:`svckit.validation.parse`, so a bad field comes back as InvalidInput naming the field, in German and English,
whoever called.

Answers (:class:`Answer`): each declares every field the service returns, with its real nullability; an answer with
a field that is not declared, a missing one or one of another type fails the end-to-end tests (they validate every
response against the generated document) and this service's own tests where they check an answer with
``Model.model_validate``. Open content (a job's result, custom field values, a saved filter) is ``dict[str, Any]``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, field_validator, model_validator

from svckit.contracts import Answer
from svckit.validation import Input, Line, invalid

from .i18n import _

# Single-line texts (names, addresses, labels, file names) are svckit.validation.Line: CR, LF, NUL, the Unicode line
# separators and other control characters are refused with the field named, so no name can start a mail header
# or break an export's row. Multi-line texts (notes, descriptions, history bodies) stay str (NUL is refused by Input).
Name = Annotated[Line, Field(max_length=100)]
Short = Annotated[Line, Field(max_length=200)]
Tag = Annotated[Line, Field(min_length=1, max_length=60)]
Title = Annotated[Line, Field(max_length=60)]
Role = Annotated[Line, Field(max_length=150)]        # position, department
PostalCode = Annotated[Line, Field(max_length=20)]
Label = Annotated[Line, Field(max_length=30)]
Phone = Annotated[Line, Field(min_length=1, max_length=50)]
FileName = Annotated[Line, Field(min_length=1, max_length=255)]

GENDERS = Literal["female", "male", "diverse", "unknown"]
LEGAL_BASES = Literal["consent", "contract", "legal_obligation", "vital_interest", "public_task",
                      "legitimate_interest"]
ORG_TYPES = Literal["company", "media", "agency", "public", "other"]
HISTORY_KINDS = Literal["note", "call", "meeting"]
PARTICIPANT_STATES = Literal["invited", "registered", "declined", "attended"]
STRATEGIES = Literal["skip", "update", "create"]


class EmailIn(Input):
    email: EmailStr
    label: Label = ""
    primary: bool = False
    state: Literal["valid", "invalid", "unverified"] = "valid"


class PhoneIn(Input):
    number: Phone
    label: Label = ""


def _country(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise invalid(_("Two-letter country code expected (ISO 3166, e.g. DE)."))
    return value


class ContactFields(Input):
    """Fields shared by create and update (update sends only what changes)."""

    kind: Literal["person", "organisation"] = "person"
    gender: GENDERS = "unknown"
    title: Title = ""
    first_name: Name = ""
    last_name: Name = ""
    org_name: Short = ""
    org_type: ORG_TYPES | None = None
    organisation_id: uuid.UUID | None = None
    organisation: Short = ""
    position: Role = ""
    department: Role = ""
    street: Short = ""
    address_extra: Short = ""
    postal_code: PostalCode = ""
    city: Name = ""
    country: Line = "DE"
    language: Literal["de", "en"] = "de"
    informal: bool = False
    letter_salutation: Short | None = None
    emails: Annotated[list[EmailIn], Field(max_length=10)] = []
    phones: Annotated[list[PhoneIn], Field(max_length=10)] = []
    tags: Annotated[list[Tag], Field(max_length=50)] = []
    custom: dict[str, Any] = {}
    notes: Annotated[str, Field(max_length=20000)] = ""
    legal_basis: LEGAL_BASES = "legitimate_interest"
    data_source: Annotated[Line, Field(max_length=300)] = ""
    informed_at: datetime | None = None

    _country = field_validator("country")(classmethod(lambda cls, v: _country(v)))

    @field_validator("emails")
    @classmethod
    def _one_primary(cls, emails: list[EmailIn]) -> list[EmailIn]:
        if sum(1 for e in emails if e.primary) > 1:
            raise invalid(_("Only one e-mail address can be the primary one."))
        seen = set()
        for e in emails:
            key = str(e.email).lower()
            if key in seen:
                raise invalid(_("The address {email} is listed twice.").format(email=e.email))
            seen.add(key)
        return emails


class ContactCreate(ContactFields):
    client_id: uuid.UUID


class ContactUpdate(Input):
    """Only the fields sent are changed (PATCH)."""

    gender: GENDERS | None = None
    title: Title | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    org_name: Short | None = None
    org_type: ORG_TYPES | None = None
    organisation_id: uuid.UUID | None = None
    organisation: Short | None = None
    position: Role | None = None
    department: Role | None = None
    street: Short | None = None
    address_extra: Short | None = None
    postal_code: PostalCode | None = None
    city: Name | None = None
    country: Line | None = None
    language: Literal["de", "en"] | None = None
    informal: bool | None = None
    letter_salutation: Short | None = None
    emails: Annotated[list[EmailIn], Field(max_length=10)] | None = None
    phones: Annotated[list[PhoneIn], Field(max_length=10)] | None = None
    tags: Annotated[list[Tag], Field(max_length=50)] | None = None
    custom: dict[str, Any] | None = None
    notes: Annotated[str, Field(max_length=20000)] | None = None
    legal_basis: LEGAL_BASES | None = None
    data_source: Annotated[Line, Field(max_length=300)] | None = None
    informed_at: datetime | None = None

    @field_validator("country")
    @classmethod
    def _c(cls, v):
        return None if v is None else _country(v)

    _one_primary = field_validator("emails")(classmethod(lambda cls, v: v if v is None else
                                                         ContactFields._one_primary.__func__(cls, v)))


class ContactFilter(Input):
    """Search and dynamic-list filter: every part optional, all parts must hold (AND)."""

    q: Annotated[Line, Field(max_length=200)] = ""
    client_ids: Annotated[list[uuid.UUID], Field(max_length=200)] = []
    kind: Literal["person", "organisation"] | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] = []          # all of these tags
    any_tags: Annotated[list[Tag], Field(max_length=20)] = []      # at least one of these
    country: Line | None = None
    city: Name | None = None
    language: Literal["de", "en"] | None = None
    org_type: ORG_TYPES | None = None
    position: Role | None = None
    has_email: bool | None = None
    email_state: Literal["valid", "invalid", "unverified"] | None = None
    list_id: uuid.UUID | None = None
    source_kind: Literal["manual", "import", "pressbase", "imap"] | None = None
    custom: dict[str, Any] = {}

    @field_validator("country")
    @classmethod
    def _c(cls, v):
        return None if v is None else _country(v)


class Page(Input):
    cursor: Annotated[str, Field(max_length=500)] | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 50


class CustomFieldIn(Input):
    key: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
    label_de: Annotated[Line, Field(min_length=1, max_length=100)]
    label_en: Annotated[Line, Field(min_length=1, max_length=100)]
    type: Literal["text", "number", "date", "boolean", "choice"]
    choices: Annotated[list[Annotated[Line, Field(min_length=1, max_length=100)]], Field(max_length=100)] = []

    @model_validator(mode="after")
    def _choices(self):
        if self.type == "choice" and not self.choices:
            raise invalid(_("A choice field needs choices."))
        return self


class ListCreate(Input):
    client_id: uuid.UUID
    name: Annotated[Line, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    kind: Literal["static", "dynamic"] = "static"
    filter: ContactFilter | None = None

    @model_validator(mode="after")
    def _filter(self):
        if self.kind == "dynamic" and self.filter is None:
            raise invalid(_("A dynamic list needs a filter."))
        if self.kind == "static" and self.filter is not None:
            raise invalid(_("A static list has no filter."))
        return self


class ListUpdate(Input):
    name: Annotated[Line, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    filter: ContactFilter | None = None


class IdList(Input):
    contact_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]


class EventCreate(Input):
    client_id: uuid.UUID
    name: Annotated[Line, Field(min_length=1, max_length=200)]
    kind: Literal["press_conference", "press_trip", "interview", "trade_fair", "background_talk", "other"] = \
        "press_conference"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: Annotated[Line, Field(max_length=300)] = ""
    description: Annotated[str, Field(max_length=10000)] = ""

    @model_validator(mode="after")
    def _times(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise invalid(_("The end is before the start."))
        return self


class EventUpdate(Input):
    name: Annotated[Line, Field(min_length=1, max_length=200)] | None = None
    kind: Literal["press_conference", "press_trip", "interview", "trade_fair", "background_talk", "other"] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: Annotated[Line, Field(max_length=300)] | None = None
    description: Annotated[str, Field(max_length=10000)] | None = None


class ParticipantsIn(Input):
    contact_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]
    status: PARTICIPANT_STATES = "invited"


class ParticipantUpdate(Input):
    status: PARTICIPANT_STATES
    note: Annotated[str, Field(max_length=500)] = ""


class HistoryIn(Input):
    kind: HISTORY_KINDS
    subject: Annotated[Line, Field(max_length=500)] = ""
    body: Annotated[str, Field(max_length=100000)] = ""
    occurred_at: datetime | None = None

    @model_validator(mode="after")
    def _something(self):
        if not self.subject and not self.body:
            raise invalid(_("Subject or text is missing."))
        return self


class Upload(Input):
    """A file the gateway spooled: the name of the spool file, its size and SHA-256 as the gateway measured them."""

    token: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    filename: FileName
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    content_type: Annotated[Line, Field(max_length=150)] = "application/octet-stream"


class ImportMapping(Input):
    sheet: Annotated[Line, Field(max_length=200)] | None = None
    header_row: Annotated[int, Field(ge=1, le=1000)] | None = None
    mapping: dict[str, Annotated[str, Field(max_length=80)]]   # column number (1-based, as text) -> field | ""


class ImportRun(Input):
    client_id: uuid.UUID
    list_id: uuid.UUID | None = None
    strategy: STRATEGIES = "skip"


class ExportIn(Input):
    source: dict[str, Any]
    language: Literal["de", "en"] | None = None


class ExportSource(Input):
    list_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    mailing_id: Annotated[Line, Field(min_length=1, max_length=100)] | None = None
    contact_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=100000)] | None = None
    status: PARTICIPANT_STATES | None = None   # participants export: only this status

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("list_id", "event_id", "mailing_id", "contact_ids") if getattr(self, k) is not None]
        if len(given) != 1:
            raise invalid(_("Give exactly one source: list_id, event_id, mailing_id or contact_ids."))
        return self


class RecipientSource(Input):
    list_id: uuid.UUID | None = None
    contact_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=100000)] | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.list_id is None) == (self.contact_ids is None):
            raise invalid(_("Give exactly one source: list_id or contact_ids."))
        return self


class MailboxIn(Input):
    host: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9.\-:\[\]]+$")]
    port: Annotated[int, Field(ge=1, le=65535)] = 993
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: Annotated[Line, Field(min_length=1, max_length=255)]
    password: Annotated[Line, Field(min_length=1, max_length=500)]
    folders: Annotated[list[Annotated[Line, Field(min_length=1, max_length=300)]], Field(min_length=1, max_length=50)] \
        = ["INBOX"]


class MailboxUpdate(Input):
    host: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9.\-:\[\]]+$")] | None = None
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    security: Literal["ssl", "starttls", "none"] | None = None
    username: Annotated[Line, Field(min_length=1, max_length=255)] | None = None
    password: Annotated[Line, Field(min_length=1, max_length=500)] | None = None
    folders: Annotated[list[Annotated[Line, Field(min_length=1, max_length=300)]],
                       Field(min_length=1, max_length=50)] | None = None


class FolderCreate(Input):
    client_id: uuid.UUID
    name: Annotated[Line, Field(min_length=1, max_length=200)]
    parent_id: uuid.UUID | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if "/" in v or "\\" in v or v in (".", ".."):
            raise invalid(_("The name must not contain slashes."))
        return v


class FolderUpdate(Input):
    name: Annotated[Line, Field(min_length=1, max_length=200)] | None = None
    parent_id: uuid.UUID | None = None


class FileUpdate(Input):
    name: FileName | None = None
    folder_id: uuid.UUID | None = None


class PressbaseRecord(Input):
    """One journalist as pressbase transfers it (docs/contracts.md, "Pressbase transfer")."""

    model_config = {"extra": "ignore", "str_strip_whitespace": True}

    pressbase_id: Annotated[Line, Field(min_length=1, max_length=100)]
    gender: GENDERS = "unknown"
    title: Title = ""
    first_name: Name = ""
    last_name: Name = ""
    email: EmailStr | None = None
    phone: Annotated[Line, Field(max_length=50)] | None = None
    mobile: Annotated[Line, Field(max_length=50)] | None = None
    organisation: Short = ""
    position: Role = ""
    department: Role = ""
    street: Short = ""
    postal_code: PostalCode = ""
    city: Name = ""
    country: Line = "DE"
    language: Literal["de", "en"] = "de"
    tags: Annotated[list[Tag], Field(max_length=50)] = []

    _country = field_validator("country")(classmethod(lambda cls, v: _country(v or "DE")))


class PressbaseImport(Input):
    client_id: uuid.UUID
    records: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=500)]


class DateRange(Input):
    since: date | None = None


# --- request bodies the service reads without a model of its own (documented here, checked by the use case) ---------

class MergeIn(Input):
    other_id: uuid.UUID = Field(description="the contact merged into this one (then deleted)")


class ApplyChangesIn(Input):
    fields: list[str] | Literal["all"] | None = Field(
        default=None, description="the changed fields to apply (default: all)")


class AttachIn(Input):
    file_id: uuid.UUID


# --- answers -----------------------------------------------------------------------------------------------------

class Email(Answer):
    email: str
    label: str
    primary: bool
    state: Literal["valid", "invalid", "unverified"]
    invalid_reason: str | None
    invalid_at: datetime | None


class PhoneNumber(Answer):
    number: str
    label: str


class Contact(Answer):
    id: uuid.UUID
    account_id: uuid.UUID
    client_id: uuid.UUID
    kind: Literal["person", "organisation"]
    gender: GENDERS
    title: str
    first_name: str
    last_name: str
    org_name: str
    org_type: ORG_TYPES | None
    organisation_id: uuid.UUID | None
    organisation: str
    position: str
    department: str
    street: str
    address_extra: str
    postal_code: str
    city: str
    country: str
    language: Literal["de", "en"]
    informal: bool
    salutation: str = Field(description="Frau / Herr (Ms / Mr); empty when the gender is not known")
    letter_salutation: str = Field(description="e.g. Sehr geehrte Frau Dr. Müller,")
    letter_salutation_override: str | None
    notes: str
    legal_basis: LEGAL_BASES
    data_source: str
    informed_at: datetime | None
    emails: list[Email]
    phones: list[PhoneNumber]
    tags: list[str]
    custom: dict[str, Any] = Field(description="custom field values by key (types as the account defined them)")
    source_kind: Literal["manual", "import", "pressbase", "imap"]
    pressbase_id: str | None
    pressbase_changes: bool = Field(description="the linked media database record has changes not applied yet")
    created_at: datetime
    created_by: uuid.UUID | None
    updated_at: datetime
    updated_by: uuid.UUID | None


class ContactSummary(Answer):
    """A contact in a result list (search, list members, duplicates)."""

    id: uuid.UUID
    client_id: uuid.UUID
    kind: Literal["person", "organisation"]
    gender: GENDERS
    title: str
    first_name: str
    last_name: str
    org_name: str
    organisation: str
    position: str
    city: str
    country: str
    email: str | None = Field(description="the primary e-mail address")
    email_state: Literal["valid", "invalid", "unverified"] | None
    tags: list[str]


class ContactPage(Answer):
    items: list[ContactSummary]
    next_cursor: str | None


class FileRef(Answer):
    id: uuid.UUID
    name: str
    content_type: str
    size: int


class HistoryEntry(Answer):
    id: uuid.UUID
    contact_id: uuid.UUID
    kind: str = Field(description="note, call, meeting, or what other services recorded (mailing, e-mail ...)")
    occurred_at: datetime
    subject: str
    body: str
    data: dict[str, Any] = Field(description="details of a recorded entry (e.g. the mailing), by kind")
    created_by: uuid.UUID | None
    files: list[FileRef]


class HistoryPage(Answer):
    items: list[HistoryEntry]
    next_cursor: str | None


class DuplicatePair(Answer):
    a: ContactSummary
    b: ContactSummary
    reasons: list[str]
    score: float


class Duplicates(Answer):
    items: list[DuplicatePair]


class FieldChange(Answer):
    old: Any
    new: Any


class PressbaseChanges(Answer):
    contact_id: uuid.UUID
    pressbase_id: str | None
    changes: dict[str, FieldChange] = Field(description="field -> old and new value")
    received_at: datetime | None = None


class CustomField(Answer):
    key: str
    label_de: str
    label_en: str
    type: Literal["text", "number", "date", "boolean", "choice"]
    choices: list[str]


class DistributionList(Answer):
    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    description: str
    kind: Literal["static", "dynamic"]
    filter: dict[str, Any] | None = Field(description="a dynamic list's saved filter (ContactFilter)")
    members: int | None = Field(description="number of members (in a single list's answer)")
    created_at: datetime
    updated_at: datetime


class ListPage(Answer):
    items: list[DistributionList]
    next_cursor: str | None


class MemberCount(Answer):
    members: int


class ParticipantCounts(Answer):
    invited: int
    registered: int
    declined: int
    attended: int


class Event(Answer):
    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    kind: str
    starts_at: datetime | None
    ends_at: datetime | None
    location: str
    description: str
    participants: ParticipantCounts | None = Field(description="counts per status (in a single event's answer)")
    created_at: datetime


class EventPage(Answer):
    items: list[Event]
    next_cursor: str | None


class ParticipantsAdded(Answer):
    participants: ParticipantCounts


class ParticipantState(Answer):
    contact_id: uuid.UUID
    status: PARTICIPANT_STATES
    note: str


class Participant(ContactSummary):
    status: PARTICIPANT_STATES
    note: str


class ParticipantPage(Answer):
    items: list[Participant]
    next_cursor: str | None


class ImportSheet(Answer):
    name: str
    header_row: int
    columns: list[str]
    mapping: dict[str, str] = Field(description="suggested: column number (1-based, as text) -> field")
    sample: list[list[str]]
    rows_estimate: int | None


class Import(Answer):
    id: uuid.UUID
    filename: str
    format: str
    state: str = Field(description="analysed, mapped, dry_run, dry_run_done, importing, done")
    sheets: list[ImportSheet]
    sheet: str | None
    header_row: int | None
    mapping: dict[str, str]
    fields: list[str] = Field(description="the fields a column can be mapped to")
    summary: dict[str, dict[str, int]] | None = Field(description="per run (dry, real): rows per outcome")
    dry_run: dict[str, Any] | None = Field(description="the settings of the last finished dry run")
    created_at: datetime


class ImportListed(Answer):
    id: uuid.UUID
    filename: str
    format: str
    state: str
    summary: dict[str, dict[str, int]] | None
    created_at: datetime
    updated_at: datetime


class ReportRow(Answer):
    row: int
    outcome: str
    contact_id: uuid.UUID | None
    reasons: list[str]


class ImportReport(Answer):
    items: list[ReportRow]
    summary: dict[str, int] | None
    next_cursor: str | None


class Job(Answer):
    id: uuid.UUID
    kind: str
    state: str = Field(description="queued, running, done, failed or cancelled")
    done: int
    total: int | None
    phase: str | None = Field(description="the step a running job reported last (per kind), if any")
    result: dict[str, Any] | None = Field(description="what the job produced; its content depends on the kind")
    error: dict[str, Any] | None = Field(description="why it failed: code, detail (de, en), fields, extra")
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class MediaFolder(Answer):
    id: uuid.UUID
    client_id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    created_at: datetime


class MediaFile(Answer):
    id: uuid.UUID
    client_id: uuid.UUID | None
    folder_id: uuid.UUID | None
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: uuid.UUID | None


class FolderListing(Answer):
    folders: list[MediaFolder]
    files: list[MediaFile]


class StorageUsage(Answer):
    bytes: int


class Mailbox(Answer):
    id: uuid.UUID
    host: str
    port: int
    security: Literal["ssl", "starttls", "none"]
    username: str
    folders: list[str]
    last_sync_at: datetime | None
    last_error: str | None
    password_set: bool = Field(description="the password is stored (encrypted; it is never returned)")


class LocalText(Answer):
    de: str
    en: str


class ListMembership(Answer):
    id: uuid.UUID
    name: str
    kind: Literal["static", "dynamic"]


class EventMembership(Answer):
    id: uuid.UUID
    name: str
    starts_at: datetime | None
    status: PARTICIPANT_STATES


class PersonExport(Answer):
    article: str
    controller_note: LocalText
    contact: Contact
    legal_basis: LEGAL_BASES
    data_source: str
    informed_at: datetime | None
    lists: list[ListMembership]
    events: list[EventMembership]
    history: list[HistoryEntry]
    files: list[MediaFile]


class Erasure(Answer):
    contact_id: uuid.UUID
    erased: bool
    emails: int
