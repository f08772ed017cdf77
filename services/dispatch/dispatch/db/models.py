"""The dispatch service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Identity, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from svckit.models import created_at, make_base
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)


class Suppression(Base):
    """An address (or a whole domain) that an account never mails again."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID]
    address: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[created_at]

    __table_args__ = (UniqueConstraint("account_id", "address"),)
