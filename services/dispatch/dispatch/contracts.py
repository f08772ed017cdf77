"""The RPC contract of dispatch: input models, validated on entry (any service may call, not only the gateway)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from svckit.validation import Input, Line, invalid

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s\"<>(),;:\\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


def check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value) or ".." in value:
        raise invalid("Ungültige E-Mail-Adresse.", "Invalid e-mail address.")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not _DOMAIN.match(value):
        raise invalid("Ungültiger Domainname.", "Invalid domain name.")
    return value


Email = Annotated[str, Field(max_length=320), AfterValidator(check_email)]
DomainName = Annotated[str, Field(max_length=253), AfterValidator(check_domain)]
#: ids of dispatch's own rows (deliveries, cursors) are PostgreSQL bigints
BIGINT_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
#: a word for a header (the transactional category)
Word = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
ContentType = Annotated[str, Field(max_length=127, pattern=r"^[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+$")]


def _line(max_length: int, min_length: int = 0):
    """A single-line text (names, subjects, file names): anything that may reach a mail header. CR, LF, NUL,
    U+2028/2029/0085 and other control characters are refused (svckit.validation.Line)."""
    return Annotated[Line, Field(min_length=min_length, max_length=max_length)]


class DomainIn(Input):
    domain: DomainName


class DomainUpdate(Input):
    allow_unverified: bool


class SenderIn(Input):
    from_name: _line(200, 1)
    from_address: Email
    reply_to: Email | None = None
    user_ids: list[str] = Field(default_factory=list, max_length=1000)


class SenderUpdate(Input):
    from_name: _line(200, 1) | None = None
    reply_to: Email | None = None
    user_ids: list[str] | None = Field(default=None, max_length=1000)


class InlineRecipient(Input):
    email: Email
    salutation: _line(40) | None = None
    letter_salutation: _line(200) | None = None
    title: _line(80) | None = None
    first_name: _line(200) | None = None
    last_name: _line(200) | None = None
    organisation: _line(300) | None = None
    position: _line(200) | None = None
    language: Literal["de", "en"] | None = None
    custom: dict[str, Any] = Field(default_factory=dict)


class ListSource(Input):
    type: Literal["list"]
    list_id: str = Field(min_length=1, max_length=64)


class ContactsSource(Input):
    type: Literal["contacts"]
    contact_ids: list[str] = Field(min_length=1, max_length=10_000)


class SelectionSource(Input):
    type: Literal["selection"]
    selection_id: str = Field(min_length=1, max_length=64)


class AddressesSource(Input):
    type: Literal["addresses"]
    recipients: list[InlineRecipient] = Field(min_length=1, max_length=1000)


Source = Annotated[ListSource | ContactsSource | SelectionSource | AddressesSource, Field(discriminator="type")]


class MailingIn(Input):
    client_id: str
    name: _line(200) = ""
    subject: _line(998) = ""
    html: str | None = Field(default=None, max_length=500_000)
    text: str | None = Field(default=None, max_length=500_000)
    sender_id: str | None = None
    lane: Literal["standard", "premium"] = "standard"
    language: Literal["de", "en"] = "de"
    sources: list[Source] = Field(default_factory=list, max_length=50)


class MailingUpdate(Input):
    name: _line(200) | None = None
    subject: _line(998) | None = None
    html: str | None = Field(default=None, max_length=500_000)
    text: str | None = Field(default=None, max_length=500_000)
    sender_id: str | None = None
    lane: Literal["standard", "premium"] | None = None
    language: Literal["de", "en"] | None = None
    sources: list[Source] | None = Field(default=None, max_length=50)


class StartIn(Input):
    scheduled_at: datetime | None = None

    @field_validator("scheduled_at")
    @classmethod
    def aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise invalid("Zeitpunkt mit Zeitzone angeben (z. B. 2026-05-01T09:00:00+02:00).",
                          "Give the time with a time zone (e.g. 2026-05-01T09:00:00+02:00).")
        return value


class PreviewIn(Input):
    email: Email | None = None


class TestSendIn(Input):
    to: list[Email] = Field(min_length=1, max_length=5)
    email: Email | None = None  # personalise as this recipient


class AttachmentIn(Input):
    filename: _line(255, 1)
    content_type: ContentType = "application/octet-stream"
    content_b64: str | None = Field(default=None, max_length=20_000_000)
    file_id: str | None = Field(default=None, max_length=64)   # a crm mediacenter file

    @field_validator("filename")
    @classmethod
    def plain_name(cls, value: str) -> str:
        if any(c in value for c in "/\\"):
            raise invalid("Der Dateiname darf keine Pfadzeichen enthalten.", "The file name may not contain paths.")
        return value

    @model_validator(mode="after")
    def one_source(self) -> AttachmentIn:
        if (self.content_b64 is None) == (self.file_id is None):
            raise invalid("Entweder den Inhalt (content_b64) oder eine Datei der Mediathek (file_id) angeben.",
                          "Give either the content (content_b64) or a mediacenter file (file_id).")
        return self


class Correction(Input):
    delivery_id: RowId
    email: Email


class ResendIn(Input):
    corrections: list[Correction] = Field(default_factory=list, max_length=10_000)
    corrected_only: bool = True


class SuppressionIn(Input):
    address: str = Field(min_length=3, max_length=320)
    reason: Literal["blacklist"] = "blacklist"

    @field_validator("address")
    @classmethod
    def address_or_domain(cls, value: str) -> str:
        value = value.strip().lower()
        if value.startswith("@"):
            return "@" + check_domain(value[1:])
        return check_email(value).lower()


class PageIn(Input):
    cursor: int | None = Field(default=None, ge=0, le=BIGINT_MAX)
    limit: int = Field(default=100, ge=1, le=1000)
    state: _line(20) | None = None
    q: _line(200) | None = None


class TrackingIn(Input):
    user_agent: str | None = Field(default=None, max_length=1000)
    method: str = Field(default="GET", max_length=10)
    ip: str | None = Field(default=None, max_length=64)
    via: Literal["web", "one_click", "mailto"] | None = None


class TransactionalAttachment(Input):
    filename: _line(255, 1)
    content_type: ContentType
    content_b64: str = Field(max_length=20_000_000)


class TransactionalIn(Input):
    to: Email
    subject: _line(998, 1)
    text: str = Field(min_length=1, max_length=1_000_000)
    html: str | None = Field(default=None, max_length=2_000_000)
    to_name: _line(200) | None = None
    category: Word = "notice"
    account_id: str | None = None
    language: Literal["de", "en"] = "de"
    attachments: list[TransactionalAttachment] = Field(default_factory=list, max_length=20)
    idempotency_key: str = Field(min_length=1, max_length=200)
