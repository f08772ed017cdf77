"""The crm service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention)."""

from __future__ import annotations

import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from svckit.models import created_at, make_base, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)


class Contact(Base):
    """A press contact inside one client partition of one account."""

    __tablename__ = "contacts"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID] = mapped_column(index=True)
    client_id: Mapped[uuid.UUID]
    first_name: Mapped[str] = mapped_column(String(100), server_default="")
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[created_at]
