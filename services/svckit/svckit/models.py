"""Declarative base shared by every service's models: explicitly named constraints, typed columns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# reusable column types (warehouse style)
uuid_pk = Annotated[uuid.UUID, mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)]
created_at = Annotated[datetime, mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())]
updated_at = Annotated[datetime, mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now(),
                                               onupdate=func.now())]


def make_base() -> type[DeclarativeBase]:
    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)
        type_annotation_map = {
            dict: JSONB,
            uuid.UUID: UUID(as_uuid=True),
            datetime: DateTime(timezone=True),
        }

    return Base
