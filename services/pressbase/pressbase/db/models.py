"""The pressbase service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention).

The migration (0002) is the source of truth for the SQL details (text search configuration, functions, GIN
indexes); these models are what the repositories use. The search tables (``journalist_search`` ...) are written
and read with SQL only (db/search_sql.py, db/loader.py).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    SmallInteger,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from svckit.entitlements import entitlements_table
from svckit.jobs import JobColumns, job_table_args
from svckit.models import created_at, make_base
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)
account_entitlements = entitlements_table(Base.metadata)

_ts = DateTime(timezone=True)


class Label(Base):
    """German and English label of a reference code (topic, desk, media type, region ...)."""

    __tablename__ = "labels"

    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    de: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)


class Outlet(Base):
    """A media outlet (newspaper, magazine, broadcaster, online medium ...) of one licensed dataset."""

    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    ext_id: Mapped[str] = mapped_column(Text, unique=True)
    dataset: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str | None] = mapped_column(Text)
    circulation: Mapped[int | None] = mapped_column(Integer)
    reach: Mapped[int] = mapped_column(Integer, server_default="0")
    website: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    departments: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    plus: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")


class Journalist(Base):
    """A journalist or editor; works for outlets (journalist_outlets) with a role each."""

    __tablename__ = "journalists"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    ext_id: Mapped[str] = mapped_column(Text, unique=True)
    dataset: Mapped[str] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str] = mapped_column(Text, server_default="")
    last_name: Mapped[str] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(Text)
    desks: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    topics: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    country: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    freelance: Mapped[bool] = mapped_column(Boolean, server_default="false")
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    outlets: Mapped[list] = mapped_column(JSONB, server_default="[]")  # the vendor's [{outlet, role}]
    plus: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    last_verified: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")


class JournalistOutlet(Base):
    __tablename__ = "journalist_outlets"

    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalists.id", ondelete="CASCADE"), primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(Text)
    ord: Mapped[int] = mapped_column(SmallInteger, server_default="0")


class ForwardFeature(Base):
    """An editorial calendar entry: the topic an outlet plans for an issue and the submission deadline."""

    __tablename__ = "forward_features"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    ext_id: Mapped[str] = mapped_column(Text, unique=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id", ondelete="CASCADE"))
    dataset: Mapped[str] = mapped_column(Text)
    issue_date: Mapped[date | None] = mapped_column(Date)
    topic: Mapped[str | None] = mapped_column(Text)
    topic_tokens: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    deadline: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")


class FeedImport(Base):
    """One applied (or failed) feed file: when, what mode, how many records of each kind changed."""

    __tablename__ = "feed_imports"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    source: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, server_default="running")
    created_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    finished_at: Mapped[datetime | None] = mapped_column(_ts)
    counts: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    errors: Mapped[list] = mapped_column(JSONB, server_default="[]")


class RecordChange(Base):
    __tablename__ = "record_changes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("feed_imports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(Text)
    record_id: Mapped[int] = mapped_column(BigInteger)
    ext_id: Mapped[str] = mapped_column(Text)
    op: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict | None] = mapped_column(JSONB)
    changed_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")


class FeedUpload(Base):
    __tablename__ = "feed_uploads"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    created_by: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger, server_default="0")
    chunks: Mapped[int] = mapped_column(Integer, server_default="0")
    complete: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[created_at]


class FeedUploadChunk(Base):
    __tablename__ = "feed_upload_chunks"

    upload_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feed_uploads.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Selection(Base):
    """A saved search or a hand-picked list of an account, optionally limited to one client."""

    __tablename__ = "selections"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)       # search | list
    target: Mapped[str] = mapped_column(Text)     # journalists | outlets
    query: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")


class SelectionItem(Base):
    __tablename__ = "selection_items"

    selection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("selections.id", ondelete="CASCADE"), primary_key=True)
    item_kind: Mapped[str] = mapped_column(Text, primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    added_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")


class TransferLink(Base):
    """A journalist transferred into a CRM client: which contact, which version, which field values."""

    __tablename__ = "transfer_links"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    journalist_id: Mapped[int] = mapped_column(BigInteger)
    contact_id: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSONB)
    transferred_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    transferred_at: Mapped[datetime] = mapped_column(_ts, server_default="now()")
    applied_at: Mapped[datetime | None] = mapped_column(_ts)


class Export(Base):
    """One Excel export: the log entry (who, when, how many) and the file while it may be downloaded."""

    __tablename__ = "exports"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    selection_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    selection_name: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    lang: Mapped[str] = mapped_column(Text, server_default="de")
    records: Mapped[int] = mapped_column(Integer, server_default="0")
    filename: Mapped[str | None] = mapped_column(Text)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime | None] = mapped_column(_ts)


class Job(JobColumns, Base):
    """A long job with progress (feed import, export, transfer); the columns and the runner are svckit.jobs'
    (pressbase.jobhandlers names the handlers). Feed imports belong to no account (operators run them)."""

    __tablename__ = "jobs"
    __table_args__ = job_table_args("jobs")
