"""The engine's database steps: claim due deliveries (SKIP LOCKED, lanes in order), record outcomes, release (the SQL
is in ``db/queries.py``).

Premium is served strictly before standard: a standard row is claimable only while no transactional or premium
row is due and unclaimed. Claiming commits the attempt (attempts + 1, a lease, the Message-ID) *before* anything is
sent, so after a crash the row is known to be "perhaps sent" and is reconciled by that Message-ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..db.queries import CLAIM, MARK_DEFERRED, MARK_FAILED, MARK_SENT, RELEASE

Db = Session | Connection  # the engine passes plain connections; RPC code passes sessions


@dataclass
class Claimed:
    id: int
    account_id: Any
    mailing_id: Any
    lane: int
    email: str
    domain: str
    contact_id: Any
    recipient: dict
    attempts: int
    first_attempt_at: datetime
    message_id: str
    in_doubt: bool


def claim(session: Db, worker: str, n: int, now: datetime, lease_seconds: int, msgid_domain: str) -> list[Claimed]:
    rows = session.execute(CLAIM, {"now": now, "lease": now + timedelta(seconds=lease_seconds), "worker": worker,
                                   "n": n, "msgid_domain": msgid_domain}).mappings().all()
    session.commit()
    return [Claimed(**dict(r)) for r in rows]


def mark_sent(session: Db, row: Claimed, worker: str, now: datetime, code: int | None, reply: str,
              size: int | None, reconciled: bool = False) -> bool:
    """One round trip: the row and its timeline event together (a CTE), then the commit."""
    import json

    detail = {"code": code, "reply": reply[:300], "attempt": row.attempts, **({"reconciled": True} if reconciled
                                                                              else {})}
    done = session.execute(MARK_SENT,
        {"id": row.id, "worker": worker, "now": now, "code": code, "reply": reply[:1000], "size": size,
         "detail": json.dumps(detail)}).rowcount
    session.commit()
    return bool(done)


def mark_deferred(session: Db, row: Claimed, worker: str, now: datetime, next_at: datetime, code: int | None,
                  reply: str, in_doubt: bool = False) -> bool:
    import json

    detail = {"code": code, "reply": reply[:300], "attempt": row.attempts, "next_attempt_at": next_at.isoformat()}
    done = session.execute(MARK_DEFERRED,
        {"id": row.id, "worker": worker, "next": next_at, "code": code, "reply": reply[:1000], "doubt": in_doubt,
         "now": now, "detail": json.dumps(detail)}).rowcount
    session.commit()
    return bool(done)


def mark_failed(session: Db, row: Claimed, worker: str, now: datetime, code: int | None, reply: str,
                hard: bool, expired: bool = False) -> bool:
    done = session.execute(MARK_FAILED,
        {"id": row.id, "worker": worker, "now": now, "code": code, "reply": reply[:1000],
         "bounce": "hard" if hard else "soft"}).rowcount
    if done:
        _event(session, row, "failed", now, {"code": code, "reply": reply[:300], "attempt": row.attempts,
                                             "hard": hard, **({"expired": True} if expired else {})})
    return bool(done)  # the caller adds suppression / outbox rows in the same transaction, then commits


def release(session: Db, row: Claimed, worker: str, next_at: datetime) -> None:
    """Give a claimed row back untouched (its domain is over its rate): the attempt does not count."""
    session.execute(RELEASE,
        {"id": row.id, "worker": worker, "next": next_at})
    session.commit()


def _event(session: Db, row: Claimed, kind: str, now: datetime, detail: dict) -> None:
    import json

    session.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail) "
                         "VALUES (:d, :m, :k, :at, CAST(:detail AS jsonb))"),
                    {"d": row.id, "m": row.mailing_id, "k": kind, "at": now, "detail": json.dumps(detail)})
