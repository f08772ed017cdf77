"""The dispatch service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention).

The heart is ``deliveries``: one row per recipient of a mailing (and per transactional mail). Sender workers claim
rows with ``FOR UPDATE SKIP LOCKED``; a row's ``state`` moves queued -> sending -> sent | deferred | failed, and
``delivery_events`` keeps every step as the recipient's timeline.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from svckit.entitlements import entitlements_table
from svckit.jobs import JobColumns, job_table_args
from svckit.models import created_at, make_base, updated_at, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)
account_entitlements = entitlements_table(Base.metadata)

# lanes, in the order they are served
TRANSACTIONAL, PREMIUM, STANDARD = 0, 1, 2
LANE_NAMES = {TRANSACTIONAL: "transactional", PREMIUM: "premium", STANDARD: "standard"}
LANES = {v: k for k, v in LANE_NAMES.items()}

# delivery states
QUEUED, SENDING, SENT, DEFERRED, FAILED, BOUNCED, CANCELLED = (
    "queued", "sending", "sent", "deferred", "failed", "bounced", "cancelled")
OPEN_STATES = (QUEUED, SENDING, DEFERRED)
FINAL_STATES = (SENT, FAILED, BOUNCED, CANCELLED)


class Suppression(Base):
    """An address (or a whole domain, ``@example.com``) that an account never mails again.

    Every entry stops mail from the whole account; ``client_id`` only decides who sees it (NULL: account-wide,
    visible to every user of the account; set: an unsubscribe through that client's mailing, visible to users who
    see the client). ``mailing_id``: the mailing it came from, if any (shown only with its client visible).
    """

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID]
    address: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[created_at]
    detail: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    client_id: Mapped[uuid.UUID | None]
    mailing_id: Mapped[uuid.UUID | None]

    __table_args__ = (
        UniqueConstraint("account_id", "address", "client_id", postgresql_nulls_not_distinct=True),
        Index("ix_suppressions_account_client", "account_id", "client_id", "id"),
        CheckConstraint("reason IN ('blacklist', 'unsubscribed', 'hard_bounce', 'soft_bounces', 'complaint')",
                        name="reason"),
    )


class SenderDomain(Base):
    """A domain an account sends from, with the DKIM keys we generated for it (private keys encrypted at rest)."""

    __tablename__ = "sender_domains"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID | None]  # NULL: the system domain of transactional mail
    domain: Mapped[str] = mapped_column(String(253))
    rsa_selector: Mapped[str] = mapped_column(String(63))
    ed25519_selector: Mapped[str] = mapped_column(String(63))
    rsa_private: Mapped[bytes] = mapped_column(LargeBinary)
    ed25519_private: Mapped[bytes] = mapped_column(LargeBinary)
    rsa_public: Mapped[str] = mapped_column(Text)       # base64 DER SubjectPublicKeyInfo (the p= of the record)
    ed25519_public: Mapped[str] = mapped_column(Text)   # base64 raw 32 bytes
    dkim_ok: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    allow_unverified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    check: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    checked_at: Mapped[datetime | None]
    #: the last sender-side bounce reason (blocked, auth_failure, reputation ...) and when it came
    sender_issue: Mapped[str | None] = mapped_column(String(30))
    sender_issue_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    __table_args__ = (
        Index("uq_sender_domains_account_domain", "account_id", "domain", unique=True,
              postgresql_where=text("account_id IS NOT NULL")),
        Index("uq_sender_domains_system_domain", "domain", unique=True,
              postgresql_where=text("account_id IS NULL")),
    )


class DkimKey(Base):
    """A DKIM key pair of a sender domain besides the one that signs (whose key lives in ``sender_domains``).

    ``pending``: a rotation's new key, waiting for its DNS record to be published and checked; then it signs and the
    key it replaces becomes ``retiring``: no longer signing, still listed (its record stays published so mail
    already sent verifies) until ``retire_after``, then deleted.
    """

    __tablename__ = "dkim_keys"

    id: Mapped[uuid_pk]
    domain_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sender_domains.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))
    rsa_selector: Mapped[str] = mapped_column(String(63))
    ed25519_selector: Mapped[str] = mapped_column(String(63))
    rsa_private: Mapped[bytes] = mapped_column(LargeBinary)
    ed25519_private: Mapped[bytes] = mapped_column(LargeBinary)
    rsa_public: Mapped[str] = mapped_column(Text)
    ed25519_public: Mapped[str] = mapped_column(Text)
    grace_seconds: Mapped[int] = mapped_column(Integer)
    check: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    checked_at: Mapped[datetime | None]
    retired_from_signing_at: Mapped[datetime | None]
    retire_after: Mapped[datetime | None]
    created_at: Mapped[created_at]

    __table_args__ = (
        CheckConstraint("state IN ('pending', 'retiring')", name="state"),
        CheckConstraint("grace_seconds >= 0", name="grace_seconds"),
        Index("uq_dkim_keys_one_pending", "domain_id", unique=True, postgresql_where=text("state = 'pending'")),
        Index("ix_dkim_keys_domain", "domain_id"),
        Index("ix_dkim_keys_retire_after", "retire_after", postgresql_where=text("state = 'retiring'")),
    )


class SenderAccount(Base):
    """From name and address (and reply-to) that an administrator set up and assigned to users."""

    __tablename__ = "sender_accounts"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    domain_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sender_domains.id", ondelete="CASCADE"))
    from_name: Mapped[str] = mapped_column(String(200))
    from_address: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    user_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)), server_default="{}")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    __table_args__ = (UniqueConstraint("account_id", "from_address"),)


class Mailing(Base):
    __tablename__ = "mailings"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    created_by: Mapped[uuid.UUID | None]
    sender_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sender_accounts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), server_default="")
    subject: Mapped[str] = mapped_column(String(998), server_default="")
    html: Mapped[str | None] = mapped_column(Text)
    text_body: Mapped[str | None] = mapped_column(Text)
    lane: Mapped[str] = mapped_column(String(20), server_default="standard")
    language: Mapped[str] = mapped_column(String(2), server_default="de")
    sources: Mapped[list] = mapped_column(JSONB, server_default="[]")
    state: Mapped[str] = mapped_column(String(20), server_default="draft")
    scheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    left_out: Mapped[list] = mapped_column(JSONB, server_default="[]")
    total: Mapped[int] = mapped_column(Integer, server_default="0")
    # open pixel / click redirects: None = the account's default (account_settings; on when it has none)
    track_opens: Mapped[bool | None] = mapped_column(Boolean)
    track_clicks: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    __table_args__ = (
        CheckConstraint("state IN ('draft', 'scheduled', 'sending', 'finished', 'cancelled')", name="state"),
        CheckConstraint("lane IN ('standard', 'premium')", name="lane"),
        Index("ix_mailings_account_client", "account_id", "client_id", "created_at"),
    )


class AccountSettings(Base):
    """An account's dispatch defaults (a row only once changed): open and click tracking for its mailings."""

    __tablename__ = "account_settings"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    track_opens: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    track_clicks: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    updated_at: Mapped[updated_at]


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    mailing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    created_at: Mapped[created_at]


class Delivery(Base):
    """One mail to one recipient: a mailing's recipient row or a transactional mail."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID | None]
    mailing_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    lane: Mapped[int] = mapped_column(SmallInteger)
    email: Mapped[str] = mapped_column(String(320))
    domain: Mapped[str] = mapped_column(String(253))
    contact_id: Mapped[uuid.UUID | None]
    recipient: Mapped[dict] = mapped_column(JSONB, server_default="{}")   # personalisation fields / the mail
    state: Mapped[str] = mapped_column(String(20), server_default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    first_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(80))
    message_id: Mapped[str | None] = mapped_column(String(255))
    last_code: Mapped[int | None] = mapped_column(Integer)
    last_reply: Mapped[str | None] = mapped_column(Text)
    bounce: Mapped[str | None] = mapped_column(String(10))   # hard | soft
    bounce_reason: Mapped[str | None] = mapped_column(String(30))   # dispatch.domain.bounce.REASONS
    size: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None]
    final_at: Mapped[datetime | None]
    usage_batch: Mapped[int | None] = mapped_column(BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    resend_of: Mapped[int | None] = mapped_column(BigInteger)
    corrected_email: Mapped[str | None] = mapped_column(String(320))
    in_doubt: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))   # sent? the answer was lost
    reported: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))   # in a mailing_sent event
    created_at: Mapped[created_at]

    __table_args__ = (
        CheckConstraint("state IN ('queued', 'sending', 'sent', 'deferred', 'failed', 'bounced', 'cancelled')",
                        name="state"),
        CheckConstraint("lane IN (0, 1, 2)", name="lane"),
        # the claim query: due work by lane
        Index("ix_deliveries_due", "lane", "next_attempt_at", "id",
              postgresql_where=text("state IN ('queued', 'deferred', 'sending')")),
        Index("ix_deliveries_mailing_state", "mailing_id", "state"),
        Index("uq_deliveries_mailing_email", "mailing_id", "email", unique=True,
              postgresql_where=text("mailing_id IS NOT NULL")),
        Index("uq_deliveries_idempotency_key", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL")),
        Index("ix_deliveries_account_email", "account_id", "email"),
        Index("ix_deliveries_usage_pending", "id", postgresql_where=text("state = 'sent' AND usage_batch IS NULL")),
    )


class DeliveryEvent(Base):
    """A recipient's timeline: queued, attempt, sent, deferred, failed, bounced, opened, clicked, unsubscribed."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    mailing_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(30))
    machine: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    detail: Mapped[dict] = mapped_column(JSONB, server_default="{}")

    __table_args__ = (
        Index("ix_delivery_events_delivery", "delivery_id", "at"),
        Index("ix_delivery_events_mailing_kind", "mailing_id", "kind"),
    )


class Job(JobColumns, Base):
    """Background jobs run by svckit's job runner (svckit.jobs, kinds in ``dispatch.jobhandlers``): the Excel
    report of a mailing, housekeeping, the bounce mailbox, the system sender domain."""

    __tablename__ = "jobs"
    __table_args__ = job_table_args("jobs")


class ExportFile(Base):
    """The workbook an export job (``mailing_export``) wrote: its id is the job's."""

    __tablename__ = "export_files"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    mailing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2), server_default="de")
    filename: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
