"""The pressbase service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention)."""

from __future__ import annotations


from sqlalchemy import BigInteger, Identity, String
from sqlalchemy.orm import Mapped, mapped_column

from svckit.models import created_at, make_base
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)


class Outlet(Base):
    """A media outlet (newspaper, magazine, broadcaster, online medium) of a licensed dataset."""

    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[created_at]
