"""The crm service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention).

Every row carries ``account_id``; every row a user reaches carries ``client_id`` too, and every query is scoped by
both (see the repositories). Persons and organisations share one table (``kind``): both have addresses, e-mails,
tags, history and list memberships; a person may point to its organisation.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from svckit.entitlements import entitlements_table
from svckit.jobs import JobColumns, job_table_args
from svckit.models import created_at, make_base, updated_at, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)
account_entitlements = entitlements_table(Base.metadata)

UUIDCol = UUID(as_uuid=True)


class Contact(Base):
    """A person or an organisation (company, outlet, agency) inside one client partition of one account."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint("kind IN ('person', 'organisation')", name="kind"),
        CheckConstraint("gender IN ('female', 'male', 'diverse', 'unknown')", name="gender"),
        CheckConstraint("language IN ('de', 'en')", name="language"),
        Index("ix_contacts_scope", "account_id", "client_id", "id"),
        Index("ix_contacts_sort", "account_id", "name_key", "id"),
        Index("ix_contacts_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
        Index("ix_contacts_name_key_trgm", "name_key", postgresql_using="gin",
              postgresql_ops={"name_key": "gin_trgm_ops"}),
        Index("ix_contacts_tags", "tags", postgresql_using="gin"),
        Index("ix_contacts_pressbase", "account_id", "client_id", "pressbase_id", unique=True,
              postgresql_where=text("pressbase_id IS NOT NULL")),
        Index("ix_contacts_pressbase_global", "pressbase_id", postgresql_where=text("pressbase_id IS NOT NULL")),
        Index("ix_contacts_source_ref", "account_id", "source_ref", unique=True,
              postgresql_where=text("source_ref IS NOT NULL")),
        Index("ix_contacts_organisation", "organisation_id", postgresql_where=text("organisation_id IS NOT NULL")),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID] = mapped_column(index=True)
    client_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(12), server_default="person")
    gender: Mapped[str] = mapped_column(String(8), server_default="unknown")
    title: Mapped[str] = mapped_column(String(60), server_default="")
    first_name: Mapped[str] = mapped_column(String(100), server_default="")
    last_name: Mapped[str] = mapped_column(String(100), server_default="")
    org_name: Mapped[str] = mapped_column(String(200), server_default="")      # the organisation's own name
    org_type: Mapped[str | None] = mapped_column(String(20))                   # company | media | agency | other
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"))
    organisation: Mapped[str] = mapped_column(String(200), server_default="")  # person: name of their organisation
    position: Mapped[str] = mapped_column(String(150), server_default="")
    department: Mapped[str] = mapped_column(String(150), server_default="")
    street: Mapped[str] = mapped_column(String(200), server_default="")
    address_extra: Mapped[str] = mapped_column(String(200), server_default="")
    postal_code: Mapped[str] = mapped_column(String(20), server_default="")
    city: Mapped[str] = mapped_column(String(100), server_default="")
    country: Mapped[str] = mapped_column(String(2), server_default="DE")
    language: Mapped[str] = mapped_column(String(2), server_default="de")
    informal: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    letter_salutation: Mapped[str | None] = mapped_column(String(200))         # per-contact override
    phones: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'::text[]"))
    custom: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    legal_basis: Mapped[str] = mapped_column(String(30), server_default="legitimate_interest")
    data_source: Mapped[str] = mapped_column(String(300), server_default="")
    source_kind: Mapped[str] = mapped_column(String(20), server_default="manual")  # manual|import|pressbase|imap
    informed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # Art. 14 notice given
    source_ref: Mapped[str | None] = mapped_column(String(100))                # import:<id>:<row> (idempotent re-run)
    pressbase_id: Mapped[str | None] = mapped_column(String(100))
    pressbase_pending: Mapped[dict | None] = mapped_column(JSONB)
    search_text: Mapped[str] = mapped_column(Text, server_default="")
    name_key: Mapped[str] = mapped_column(String(300, collation="C"), server_default="")  # folded: sort, duplicates
    org_key: Mapped[str] = mapped_column(String(300), server_default="")        # folded organisation name
    created_at: Mapped[created_at]
    created_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[updated_at]
    updated_by: Mapped[uuid.UUID | None]


class ContactEmail(Base):
    __tablename__ = "contact_emails"
    __table_args__ = (
        UniqueConstraint("contact_id", "email_norm"),
        CheckConstraint("state IN ('valid', 'invalid', 'unverified')", name="state"),
        Index("ix_contact_emails_one_primary", "contact_id", unique=True, postgresql_where=text("is_primary")),
        Index("ix_contact_emails_account_email", "account_id", "email_norm"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    email: Mapped[str] = mapped_column(String(320))
    email_norm: Mapped[str] = mapped_column(String(320))
    label: Mapped[str] = mapped_column(String(30), server_default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    state: Mapped[str] = mapped_column(String(12), server_default="valid")
    invalid_reason: Mapped[str | None] = mapped_column(String(300))
    invalid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CustomField(Base):
    """A typed custom field of an account (shared by all its clients)."""

    __tablename__ = "custom_fields"
    __table_args__ = (
        UniqueConstraint("account_id", "key"),
        CheckConstraint("type IN ('text', 'number', 'date', 'boolean', 'choice')", name="type"),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    key: Mapped[str] = mapped_column(String(60))
    label_de: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(10))
    choices: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    created_at: Mapped[created_at]


class DistributionList(Base):
    __tablename__ = "lists"
    __table_args__ = (
        CheckConstraint("kind IN ('static', 'dynamic')", name="kind"),
        Index("ix_lists_scope", "account_id", "client_id"),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    kind: Mapped[str] = mapped_column(String(10))
    filter: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[created_at]
    created_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[updated_at]


class ListMember(Base):
    __tablename__ = "list_members"
    __table_args__ = (Index("ix_list_members_contact", "contact_id"),)

    list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[uuid.UUID]
    added_at: Mapped[created_at]


class Event(Base):
    """A press conference, press trip, interview day ... with its participants."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_scope", "account_id", "client_id", "starts_at"),)

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), server_default="press_conference")
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(300), server_default="")
    description: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[created_at]
    created_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[updated_at]


class Participant(Base):
    __tablename__ = "event_participants"
    __table_args__ = (
        CheckConstraint("status IN ('invited', 'registered', 'declined', 'attended')", name="status"),
        Index("ix_event_participants_contact", "contact_id"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(12), server_default="invited")
    note: Mapped[str] = mapped_column(String(500), server_default="")
    updated_at: Mapped[updated_at]


class HistoryEntry(Base):
    """Something that happened with a contact: a note, call, meeting, a mailing received, an archived e-mail."""

    __tablename__ = "history"
    __table_args__ = (
        CheckConstraint("kind IN ('note', 'call', 'meeting', 'mailing', 'email')", name="kind"),
        Index("ix_history_contact", "contact_id", "occurred_at"),
        Index("ix_history_account", "account_id"),
        Index("ix_history_mailing", "contact_id", "ref", unique=True, postgresql_where=text("ref IS NOT NULL")),
        Index("ix_history_ref", "account_id", "ref", postgresql_where=text("ref IS NOT NULL")),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    subject: Mapped[str] = mapped_column(String(500), server_default="")
    body: Mapped[str] = mapped_column(Text, server_default="")
    data: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    ref: Mapped[str | None] = mapped_column(String(400))   # mailing:<id> | msgid:<Message-ID> (idempotency)
    created_at: Mapped[created_at]
    created_by: Mapped[uuid.UUID | None]


class MediaFolder(Base):
    __tablename__ = "media_folders"
    __table_args__ = (
        Index("ix_media_folders_unique_name", "client_id",
              text("coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
              "name", unique=True),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("media_folders.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[created_at]


class StoredFile(Base):
    """A blob in storage: a mediacenter file, an e-mail attachment, an import upload or an export result."""

    __tablename__ = "files"
    __table_args__ = (
        CheckConstraint("purpose IN ('media', 'attachment', 'import', 'export')", name="purpose"),
        Index("ix_files_scope", "account_id", "client_id", "folder_id"),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID | None]
    folder_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("media_folders.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[created_at]
    created_by: Mapped[uuid.UUID | None]


class ContactFile(Base):
    __tablename__ = "contact_files"

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[uuid.UUID]


class HistoryFile(Base):
    __tablename__ = "history_files"

    history_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("history.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[uuid.UUID]


class Job(JobColumns, Base):
    """A background job (import, export, mailbox sync, account export) with progress the client polls; the columns
    and the runner are svckit.jobs' (crm.jobhandlers names the handlers)."""

    __tablename__ = "jobs"
    __table_args__ = job_table_args("jobs")
    # crm's table predates the kit's runner (migrations 0002, 0004): every job belongs to an account
    # (JobRunner(require_account=True)) and these columns keep their narrower types
    account_id: Mapped[uuid.UUID] = mapped_column(UUIDCol, nullable=False)
    kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(10), server_default="queued")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))


class Import(Base):
    """One upload going through the import wizard."""

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_account", "account_id", "created_at"),)

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID | None]
    file_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("files.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(10))            # xlsx | csv
    encoding: Mapped[str | None] = mapped_column(String(20))
    delimiter: Mapped[str | None] = mapped_column(String(1))
    analysis: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))  # sheets, header rows, samples
    sheet: Mapped[str | None] = mapped_column(String(200))
    header_row: Mapped[int | None] = mapped_column(Integer)
    mapping: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))   # column index -> field
    state: Mapped[str] = mapped_column(String(20), server_default="analysed")
    summary: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class ImportRow(Base):
    """The report of one row of one run (dry run or import): outcome and reasons."""

    __tablename__ = "import_rows"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True)
    run: Mapped[str] = mapped_column(String(8), primary_key=True)   # dry | real
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    contact_id: Mapped[uuid.UUID | None]


class Mailbox(Base):
    """A user's IMAP mailbox whose messages are archived into contacts' history."""

    __tablename__ = "mailboxes"
    __table_args__ = (
        CheckConstraint("security IN ('ssl', 'starttls', 'none')", name="security"),
        Index("ix_mailboxes_user", "account_id", "user_id"),
    )

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID]
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10))
    username: Mapped[str] = mapped_column(String(255))
    password_enc: Mapped[str] = mapped_column(Text)
    folders: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{INBOX}'::text[]"))
    principal: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]


class MailboxFolder(Base):
    """UIDVALIDITY / UID bookkeeping per mailbox folder: where the next fetch starts."""

    __tablename__ = "mailbox_folders"

    mailbox_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True)
    folder: Mapped[str] = mapped_column(String(300), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, server_default="0")


class ArchivedMessage(Base):
    """A message already archived for an account (idempotency by Message-ID across folders and mailboxes)."""

    __tablename__ = "archived_messages"

    account_id: Mapped[uuid.UUID] = mapped_column(UUIDCol, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(400), primary_key=True)
    archived_at: Mapped[created_at]
    contacts: Mapped[int] = mapped_column(Integer, server_default="0")


class ErasureLog(Base):
    """Accountability for Art. 17 erasures: who erased which contact when (addresses only as hashes)."""

    __tablename__ = "erasure_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID]
    contact_id: Mapped[uuid.UUID]
    email_hashes: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    requested_by: Mapped[uuid.UUID | None]
    erased_at: Mapped[created_at]
