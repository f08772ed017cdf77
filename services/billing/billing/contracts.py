"""billing's contract: the RPC input models (validated on entry: any service may call) and the models of the answers
its HTTP routes give (the gateway imports this module to build its routes and the OpenAPI document; nothing here
imports billing's database or nameko code). The rules of an order that need more than its shape live in
``billing.domain.addresses`` and ``billing.usecases.orders``.

Answer models (``Answer``) forbid unknown fields, so an answer that grows a field the contract does not declare fails
the tests that check answers against the contract; where an answer is genuinely open (a job run's report, the
entitlements' ``extra``) the field says so.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import EmailStr, Field, field_validator

from svckit.contracts import Answer
from svckit.validation import Input, invalid

from .i18n import _

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
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
            raise invalid(_("ISO 3166 country code expected (e.g. DE, AT, CH)."))
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
            raise invalid(_("Invalid VAT ID (country code + number, e.g. DE123456789)."))
        return v


class InvoiceAddress(Input):
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
    billing_address: InvoiceAddress | None = None
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


def decode_document(value: str, field: str) -> bytes:
    """A base64 PDF of at most 5 MB from an input field (written orders, contracts); anything else names the field."""
    from svckit.errors import field_error

    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise field_error(field, _("Not valid base64.")) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        from svckit.errors import PayloadTooLarge

        raise PayloadTooLarge(_("The document is larger than 5 MB."),
                              fields={field: _("At most 5 MB.")})
    if not data.startswith(b"%PDF-"):
        raise field_error(field, _("Only PDF documents are accepted."))
    return data


# --- answers ---------------------------------------------------------------------------------------------------------

Money = int  # euro cents; net unless the name says gross
Phase = Literal["starting", "regular", "cancelled", "ended"]


class LocalText(Answer):
    """A text in both languages (the web app shows the reader's)."""

    de: str
    en: str


class Tier(Answer):
    seats: int
    monthly_net_cents: Money


class TierStep(Answer):
    seats: int = Field(description="seats per step above the largest tier")
    monthly_net_cents: Money
    max_seats: int


class CatalogueAddon(Answer):
    code: str
    name: LocalText
    monthly_net_cents: Money
    requires: list[str] = Field(description="add-on codes this one needs")
    one_time_net_cents: Money | None
    individual: bool = Field(description="priced by individual contract")


class UsagePrices(Answer):
    mails_standard_per_1000_cents: Money
    mails_premium_per_1000_cents: Money
    storage_included_bytes: int
    storage_per_gb_month_cents: Money


class Catalogue(Answer):
    """The price list (EUR net, versioned)."""

    version: str
    currency: Literal["EUR"]
    vat_rate_percent: str = Field(description="decimal as text, e.g. 19")
    terms_version: str
    dpc_version: str
    tiers: list[Tier]
    tier_step: TierStep
    addons: list[CatalogueAddon]
    usage: UsagePrices
    starting_phase_days: int
    pro_rata_convention: LocalText


class StartingPhase(Answer):
    first_day: date
    last_day: date
    active: bool


class Cancellation(Answer):
    cancelled_on: date | None
    ends_on: date | None
    revocable: bool
    notice_deadline: date
    would_end_on: date = Field(description="when a cancellation today would end the contract")


class Plan(Answer):
    seats: int
    addons: list[str]
    monthly_net_cents: Money


class ScheduledPlan(Plan):
    valid_from: date = Field(description="reductions take effect on 1 January")


class InvoiceRecipient(Answer):
    name: str | None
    attention: str | None
    street: str | None
    postcode: str | None
    city: str | None
    country: str | None
    vat_id: str | None
    email: str | None
    delivery: Literal["email", "letter"] | None


class Affiliate(Answer):
    name: str
    client_id: str = Field(description="the client identity created for the company (empty if identity gave none)")


class Subscription(Answer):
    account_id: uuid.UUID
    state: Literal["active", "ended", "purged"]
    phase: Phase
    start_date: date
    starting_phase: StartingPhase
    regular_from: date
    term_end: date
    cancellation: Cancellation
    purge_on: date | None
    plan: Plan
    scheduled: list[ScheduledPlan] = Field(description="reductions taking effect on 1 January")
    invoiced_through: date | None
    next_invoice_date: date | None
    invoice_recipient: InvoiceRecipient
    affiliates: list[Affiliate]
    catalogue_version: str


class Acceptance(Answer):
    version: str
    accepted_at: datetime


class OrderSummary(Answer):
    id: uuid.UUID
    state: Literal["received", "activated", "rejected"]
    source: Literal["web", "written"]
    company: str
    license_manager: str = Field(description="the license manager's e-mail address")
    seats: int
    addons: list[str]
    start_date: date
    account_id: uuid.UUID | None
    terms: Acceptance
    dpc: Acceptance
    has_document: bool
    created_at: datetime | None
    subscription: Subscription | None = Field(default=None, description="present once the order is activated")


class InvoiceLine(Answer):
    code: str
    name: LocalText
    detail: LocalText | None
    amount_cents: Money
    period_from: date | None
    period_to: date | None
    quantity: str | None = Field(description="decimal as text")
    unit_cents: Money | None


class InvoiceTax(Answer):
    category: str = Field(description="EN 16931 VAT category: S (standard), AE (reverse charge), O (outside scope)")
    rate: str = Field(description="percent, decimal as text")


class InvoiceDelivery(Answer):
    channel: Literal["email", "letter"]
    sent_at: datetime | None


class Invoice(Answer):
    id: uuid.UUID
    number: str = Field(description="gap-free per year: 2027-000001")
    doc_type: Literal["invoice", "credit_note"]
    kind: Literal["quarterly", "extension", "usage", "one_time", "credit_note"]
    issue_date: date
    due_date: date
    period_from: date | None
    period_to: date | None
    period_label: str | None
    currency: str
    language: Literal["de", "en"]
    net_cents: Money
    tax_cents: Money
    gross_cents: Money
    tax: InvoiceTax
    lines: list[InvoiceLine]
    corrects_invoice_id: uuid.UUID | None = Field(description="a credit note: the invoice it corrects")
    reason: str | None
    account_id: uuid.UUID
    delivery: InvoiceDelivery | None = Field(default=None, description="one invoice: how it is delivered")
    credited_net_cents: Money | None = Field(default=None, description="one invoice: credited so far")


class SubscriptionChanged(Answer):
    subscription: Subscription
    invoice: Invoice | None = Field(description="the pro-rata invoice of an extension")


class StorageUse(Answer):
    used_bytes: int
    included_bytes: int
    measured_at: datetime | None


class MailCounts(Answer):
    mails_standard: int
    mails_premium: int


class MailUse(Answer):
    this_month: MailCounts
    total: MailCounts


class Consumption(Answer):
    account_id: uuid.UUID
    storage: StorageUse
    mails: MailUse
    month: str = Field(description="the month counted as this_month")


class Entitlements(Answer):
    """What an account may do (``svckit.entitlements.Entitlements``); version 0: billing has not decided yet."""

    account_id: uuid.UUID
    version: int
    phase: Phase
    seats: int
    datasets: list[str]
    forward_features: bool
    pressbase_export: bool
    premium_dispatch: bool
    premium_support: bool
    max_recipients_per_mailing: int | None = Field(description="null: unlimited")
    storage_included_bytes: int
    term_end: date | None
    extra: dict[str, Any] = Field(description="open: further entitlements a consumer may ignore")


class Settings(Answer):
    auto_activate_orders: bool


class AccountRow(Answer):
    account_id: uuid.UUID
    name: str | None
    state: Literal["active", "ended", "purged"]
    phase: Phase
    seats: int | None
    addons: list[str]
    ends_on: date | None


class Contract(Answer):
    id: uuid.UUID
    account_id: uuid.UUID
    one_time_cents: Money
    monthly_cents: Money
    valid_from: date
    note: str | None
    document_name: str | None
    has_document: bool


class AccountOverview(Answer):
    account_id: uuid.UUID
    state: Literal["active", "ended", "purged"]
    subscription: Subscription | None = Field(default=None, description="absent once the account is purged")
    invoices: list[Invoice]
    consumption: Consumption
    contracts: list[Contract]
    entitlements: Entitlements | None


class ContractRecorded(Answer):
    contract: Contract
    invoice: Invoice | None = Field(description="the invoice of the one-time fee, if any")


class AuditEntry(Answer):
    id: int
    at: datetime | None
    actor_kind: str
    actor_id: str | None
    action: str
    account_id: uuid.UUID | None
    target: str | None
    details: dict[str, Any] | None


class JobRun(Answer):
    id: uuid.UUID
    today: date
    state: Literal["running", "done", "failed"]
    done: int
    total: int
    report: dict[str, Any] | None = Field(description="open: what the run did (jobs, invoices, errors) once it ends")
    started_by: str | None
    finished_at: datetime | None
