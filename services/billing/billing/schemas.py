"""The RPC contract of the billing service: input models, validated on entry (any service may call)."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import EmailStr, Field, field_validator

from svckit.validation import Input, invalid

from .domain.tax import EU_COUNTRIES

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
POSTCODES = {"DE": r"\d{5}", "AT": r"\d{4}", "CH": r"\d{4}", "LI": r"\d{4}"}
VAT_ID = re.compile(r"^[A-Z]{2}[A-Z0-9+*.\-]{2,13}$")


class Address(Input):
    street: str = Field(min_length=1, max_length=200)
    address_extra: str | None = Field(default=None, max_length=200)
    postcode: str = Field(min_length=1, max_length=12)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(default="DE", min_length=2, max_length=2)

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        if not v.isalpha():
            raise invalid("Ländercode nach ISO 3166 erwartet (z. B. DE, AT, CH).",
                          "ISO 3166 country code expected (e.g. DE, AT, CH).")
        return v.upper()


class Company(Input):
    name: str = Field(min_length=1, max_length=200)
    address: Address
    vat_id: str | None = Field(default=None, max_length=20)

    @field_validator("vat_id")
    @classmethod
    def _vat(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        v = v.replace(" ", "").upper()
        if not VAT_ID.match(v):
            raise invalid("Ungültige USt-IdNr. (Ländercode + Nummer, z. B. DE123456789).",
                          "Invalid VAT ID (country code + number, e.g. DE123456789).")
        return v


class BillingAddress(Input):
    name: str | None = Field(default=None, max_length=200)
    attention: str | None = Field(default=None, max_length=200)
    address: Address


class Person(Input):
    email: EmailStr
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    language: Literal["de", "en"] = "de"
    salutation: str | None = Field(default=None, max_length=40)


class ClientIn(Input):
    name: str = Field(min_length=1, max_length=200)


class OrderInput(Input):
    company: Company
    billing_address: BillingAddress | None = None
    invoice_delivery: Literal["email", "letter"] = "email"
    invoice_email: EmailStr | None = None
    buyer_reference: str | None = Field(default=None, max_length=100)
    language: Literal["de", "en"] = "de"
    license_manager: Person
    administrator: Person | None = None
    seats: int
    addons: list[str] = Field(default_factory=list, max_length=10)
    start_date: date
    clients: list[ClientIn] = Field(default_factory=list, max_length=50)
    accept_terms: bool
    accept_dpc: bool
    terms_version: str = Field(min_length=1, max_length=40)
    dpc_version: str = Field(min_length=1, max_length=40)


class WrittenOrderInput(OrderInput):
    document_b64: str | None = Field(default=None, max_length=MAX_DOCUMENT_BYTES * 4 // 3 + 8)
    document_name: str | None = Field(default=None, max_length=200)
    activate: bool = True


class ChangeInput(Input):
    seats: int
    addons: list[str] = Field(default_factory=list, max_length=10)


class CreditNoteInput(Input):
    invoice_id: uuid.UUID
    amount_cents: int | None = Field(default=None, gt=0)
    reason: str = Field(min_length=3, max_length=500)


class ContractInput(Input):
    account_id: uuid.UUID
    one_time_cents: int = Field(ge=0, le=100_000_000)
    monthly_cents: int = Field(ge=0, le=10_000_000)
    valid_from: date
    note: str | None = Field(default=None, max_length=1000)
    document_b64: str = Field(min_length=4, max_length=MAX_DOCUMENT_BYTES * 4 // 3 + 8)
    document_name: str = Field(min_length=1, max_length=200)


class UsageRecorded(Input):
    model_config = {**Input.model_config, "extra": "ignore"}

    account_id: uuid.UUID
    kind: Literal["mails_standard", "mails_premium", "storage_bytes"]
    quantity: int = Field(ge=0)
    occurred_at: datetime
    idempotency_key: str = Field(min_length=1, max_length=200)


class AffiliateInput(Input):
    name: str = Field(min_length=1, max_length=200)


class SettingsInput(Input):
    auto_activate_orders: bool


def address_errors(address: Address, field: str) -> dict:
    """Postal codes are text with a country's shape (DE 5 digits, AT/CH 4)."""
    from svckit.i18n import Text

    pattern = POSTCODES.get(address.country)
    if pattern and not re.fullmatch(pattern, address.postcode):
        digits = len(pattern.replace("\\d{", "").rstrip("}")) and pattern[3]
        return {f"{field}.postcode": Text("Ungültige Postleitzahl für {c} ({n} Ziffern).",
                                          "Invalid postal code for {c} ({n} digits).").format(c=address.country,
                                                                                               n=digits)}
    return {}


def vat_errors(company: Company, field: str) -> dict:
    from svckit.i18n import Text

    if company.vat_id and company.address.country in EU_COUNTRIES:
        prefix = "EL" if company.address.country == "GR" else company.address.country
        if not company.vat_id.startswith(prefix):
            return {f"{field}.vat_id": Text("Die USt-IdNr. passt nicht zum Land {c}.",
                                            "The VAT ID does not match the country {c}.").format(
                c=company.address.country)}
    return {}


def decode_document(value: str, field: str) -> bytes:
    from svckit.errors import field_error

    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise field_error(field, "Kein gültiges Base64.", "Not valid base64.") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        from svckit.errors import PayloadTooLarge
        from svckit.i18n import Text

        raise PayloadTooLarge(Text("Das Dokument ist größer als 5 MB.", "The document is larger than 5 MB."),
                              fields={field: Text("Höchstens 5 MB.", "At most 5 MB.")})
    if not data.startswith(b"%PDF-"):
        raise field_error(field, "Nur PDF-Dokumente werden angenommen.", "Only PDF documents are accepted.")
    return data
