"""The billing service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention).

Issued invoices are immutable (GoBD): a trigger refuses UPDATE and DELETE on ``invoices``; the rendered PDF/XML and
the delivery state live in their own tables so the invoice row itself is never touched again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from svckit.jobs import JobColumns, job_table_args
from svckit.models import created_at, make_base, updated_at, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)


class Order(Base):
    """An order from the website (waits for activation) or a written order an operator placed."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("state IN ('received', 'activated', 'rejected')", name="state"),
        CheckConstraint("source IN ('web', 'written')", name="source"),
        Index("ix_orders_state_created", "state", "created_at"),
    )

    id: Mapped[uuid_pk]
    state: Mapped[str] = mapped_column(String(20), default="received")
    source: Mapped[str] = mapped_column(String(20), default="web")
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)             # the validated order as placed
    start_date: Mapped[date] = mapped_column(Date)
    terms_version: Mapped[str] = mapped_column(String(40))
    terms_accepted_at: Mapped[datetime]
    dpc_version: Mapped[str] = mapped_column(String(40))
    dpc_accepted_at: Mapped[datetime]
    document: Mapped[bytes | None] = mapped_column(LargeBinary)      # the signed written order
    document_name: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[uuid.UUID | None]
    placed_by: Mapped[str | None] = mapped_column(String(64))       # operator id for written orders
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class Subscription(Base):
    """One account's subscription (calendar-year term after a 15-day starting phase)."""

    __tablename__ = "subscriptions"
    __table_args__ = (CheckConstraint("state IN ('active', 'ended', 'purged')", name="state"),)

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    order_id: Mapped[uuid.UUID | None]
    state: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    invoiced_through: Mapped[date | None] = mapped_column(Date)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    customer: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # invoice recipient, language, delivery
    catalogue_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class PlanEntry(Base):
    __tablename__ = "plan_entries"
    __table_args__ = (UniqueConstraint("subscription_id", "valid_from"),
                      CheckConstraint("seats > 0", name="seats_positive"))

    id: Mapped[uuid_pk]
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer)
    addons: Mapped[list[str]] = mapped_column(JSONB, default=list)


class BillingJob(Base):
    """One done job per (account, period, kind): the unique constraint is what makes every run idempotent."""

    __tablename__ = "billing_jobs"
    __table_args__ = (UniqueConstraint("account_id", "period", "kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID]
    period: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    invoice_id: Mapped[uuid.UUID | None]
    done_at: Mapped[created_at]


class InvoiceCounter(Base):
    """Gap-free numbers: the counter row is locked and incremented in the invoice's own transaction."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("year", "seq"),
        CheckConstraint("doc_type IN ('invoice', 'credit_note')", name="doc_type"),
        CheckConstraint("gross_cents = net_cents + tax_cents", name="gross_is_net_plus_tax"),
        Index("ix_invoices_account_issue", "account_id", "issue_date"),
    )

    id: Mapped[uuid_pk]
    number: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(20))           # quarterly | extension | usage | one_time | credit_note
    doc_type: Mapped[str] = mapped_column(String(20))
    period_label: Mapped[str | None] = mapped_column(String(20))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    customer: Mapped[dict[str, Any]] = mapped_column(JSONB)
    seller: Mapped[dict[str, Any]] = mapped_column(JSONB)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    tax: Mapped[dict[str, Any]] = mapped_column(JSONB)
    net_cents: Mapped[int] = mapped_column(BigInteger)
    tax_cents: Mapped[int] = mapped_column(BigInteger)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    corrects_invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]


class InvoiceDocument(Base):
    __tablename__ = "invoice_documents"

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[created_at]


class InvoiceDelivery(Base):
    __tablename__ = "invoice_deliveries"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'letter')", name="channel"),
        Index("ix_invoice_deliveries_pending", "invoice_id",
              postgresql_where=text("sent_at IS NULL AND channel = 'email'")),
    )

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str | None] = mapped_column(String(320))
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class UsageEvent(Base):
    """Each usage report once (its idempotency key); aggregated into usage_monthly as it arrives."""

    __tablename__ = "usage_events"
    __table_args__ = (Index("ix_usage_events_account_occurred", "account_id", "occurred_at"),)

    idempotency_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    account_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime]
    received_at: Mapped[created_at]


class UsageMonthly(Base):
    """Per account, month and kind: mails summed, storage as the month's peak (and the latest measurement)."""

    __tablename__ = "usage_monthly"

    account_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    latest: Mapped[int | None] = mapped_column(BigInteger)
    latest_at: Mapped[datetime | None]


class EntitlementState(Base):
    """The last entitlements published per account, with their monotonic version."""

    __tablename__ = "entitlement_state"

    account_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    updated_at: Mapped[updated_at]


class IndividualContract(Base):
    """Premium contracting: the signed contract, its one-time and monthly fees."""

    __tablename__ = "individual_contracts"
    __table_args__ = (CheckConstraint("one_time_cents >= 0 AND monthly_cents >= 0", name="fees_not_negative"),)

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_name: Mapped[str | None] = mapped_column(String(200))
    one_time_cents: Mapped[int] = mapped_column(BigInteger)
    monthly_cents: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]


class AuditEntry(Base):
    """Every operator action (who, what, on which account, when)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[created_at]
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    account_id: Mapped[uuid.UUID | None]
    target: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONB)
    updated_at: Mapped[updated_at]


class Job(JobColumns, Base):
    """Background jobs run by svckit's job runner (svckit.jobs): the back office's runs of the due jobs
    (``run_due``, with progress) and the periodic run (every ``BILLING_JOB_INTERVAL`` s)."""

    __tablename__ = "jobs"
    __table_args__ = job_table_args("jobs")
