"""The identity service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention)."""

from __future__ import annotations


from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from svckit.models import created_at, make_base, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)


class Account(Base):
    """A paying customer (tenant)."""

    __tablename__ = "accounts"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), server_default="de")
    seats: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[created_at]

    __table_args__ = (
        CheckConstraint("language IN ('de', 'en')", name="language"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
    )
