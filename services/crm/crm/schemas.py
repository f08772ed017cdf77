"""The crm's RPC contract on entry: pydantic input models (svckit.validation.Input: unknown fields are errors).

Every RPC method validates its arguments with :func:`svckit.validation.parse`, so a bad field comes back as
InvalidInput naming the field, in German and English, whoever called.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, field_validator, model_validator

from svckit.validation import Input, Line, invalid

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
        raise invalid("Ländercode mit zwei Buchstaben erwartet (ISO 3166, z. B. DE).",
                      "Two-letter country code expected (ISO 3166, e.g. DE).")
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
            raise invalid("Nur eine E-Mail-Adresse kann die Hauptadresse sein.",
                          "Only one e-mail address can be the primary one.")
        seen = set()
        for e in emails:
            key = str(e.email).lower()
            if key in seen:
                raise invalid(f"Die Adresse {e.email} steht doppelt in der Liste.",
                              f"The address {e.email} is listed twice.")
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
            raise invalid("Ein Auswahlfeld braucht mindestens eine Auswahl.", "A choice field needs choices.")
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
            raise invalid("Ein dynamischer Verteiler braucht einen Filter.", "A dynamic list needs a filter.")
        if self.kind == "static" and self.filter is not None:
            raise invalid("Ein statischer Verteiler hat keinen Filter.", "A static list has no filter.")
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
            raise invalid("Das Ende liegt vor dem Beginn.", "The end is before the start.")
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
            raise invalid("Betreff oder Text fehlt.", "Subject or text is missing.")
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
            raise invalid("Genau eine Quelle angeben: list_id, event_id, mailing_id oder contact_ids.",
                          "Give exactly one source: list_id, event_id, mailing_id or contact_ids.")
        return self


class RecipientSource(Input):
    list_id: uuid.UUID | None = None
    contact_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=100000)] | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.list_id is None) == (self.contact_ids is None):
            raise invalid("Genau eine Quelle angeben: list_id oder contact_ids.",
                          "Give exactly one source: list_id or contact_ids.")
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
            raise invalid("Der Name darf keine Schrägstriche enthalten.", "The name must not contain slashes.")
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
