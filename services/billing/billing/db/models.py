"""The billing service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from svckit.models import created_at, make_base, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)


class Subscription(Base):
    """One account's subscription (calendar-year term after a 15-day starting phase)."""

    __tablename__ = "subscriptions"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    state: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[created_at]
