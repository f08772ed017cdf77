"""What an account may do, as billing decides it and every other service obeys it.

billing publishes ``entitlements_changed`` with :meth:`Entitlements.to_payload` whenever an account's subscription
changes (and ``billing.get_entitlements(account_id)`` returns the current ones). Consumers keep the newest
version per account in their own ``account_entitlements`` table (:func:`entitlements_table`, :func:`store`):
events arrive at least once and possibly out of order, so an older version never overwrites a newer one.

An account a service has heard nothing about yet gets :data:`UNKNOWN`: the starting phase's limits with the DACH
dataset, the safe side until billing has spoken.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, func, select
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlalchemy.orm import Session

EVENT = "entitlements_changed"

DACH, PLUS, WORLD = "dach", "plus", "world"
STARTING, REGULAR, CANCELLED, ENDED = "starting", "regular", "cancelled", "ended"
STARTING_PHASE_MAX_RECIPIENTS = 100


@dataclass(frozen=True)
class Entitlements:
    account_id: str
    version: int = 0
    phase: str = STARTING                # starting | regular | cancelled (still usable until term end) | ended
    seats: int = 1
    datasets: tuple[str, ...] = (DACH,)  # pressbase datasets the account has licensed and may see now
    forward_features: bool = False       # editorial calendars (Forward Features DACH)
    pressbase_export: bool = False
    premium_dispatch: bool = False
    premium_support: bool = False
    max_recipients_per_mailing: int | None = STARTING_PHASE_MAX_RECIPIENTS  # None = unlimited
    storage_included_bytes: int = 1024 ** 3
    term_end: str | None = None          # ISO date the current term ends
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.phase in (STARTING, REGULAR, CANCELLED)

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["datasets"] = list(self.datasets)
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> "Entitlements":
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["datasets"] = tuple(values.get("datasets") or ())
        values["account_id"] = str(values["account_id"])
        return cls(**values)


def unknown(account_id: str) -> Entitlements:
    return Entitlements(account_id=str(account_id))


def entitlements_table(metadata: MetaData) -> Table:
    return Table(
        "account_entitlements", metadata,
        Column("account_id", UUID(as_uuid=True), primary_key=True),
        Column("version", BigInteger, nullable=False),
        Column("data", JSONB, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def store(session: Session, table: Table, payload: dict[str, Any]) -> bool:
    """Upsert if newer than what is stored; returns True when it changed anything. Caller commits."""
    ent = Entitlements.from_payload(payload)
    stmt = insert(table).values(account_id=ent.account_id, version=ent.version, data=ent.to_payload())
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.account_id],
        set_={"version": stmt.excluded.version, "data": stmt.excluded.data, "updated_at": func.now()},
        where=table.c.version < stmt.excluded.version,
    )
    # RETURNING, not rowcount: through an ORM Session an INSERT's rowcount is -1 (SQLAlchemy 2.1, psycopg 3)
    return session.execute(stmt.returning(table.c.account_id)).first() is not None


def load(session: Session, table: Table, account_id: str) -> Entitlements:
    data = session.execute(select(table.c.data).where(table.c.account_id == account_id)).scalar()
    return Entitlements.from_payload(data) if data else unknown(account_id)
