"""The engine's queries: claim due deliveries (SKIP LOCKED, lanes in order), record outcomes, release.

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

Db = Session | Connection  # the engine passes plain connections; RPC code passes sessions

CLAIM = text("""
WITH due AS (
    SELECT d.id, d.state AS old_state
    FROM deliveries d
    WHERE d.state IN ('queued', 'deferred', 'sending')
      AND d.next_attempt_at <= :now
      AND (d.state <> 'sending' OR d.lease_until < :now)
      AND (d.lane < 2 OR NOT EXISTS (
            SELECT 1 FROM deliveries p
            WHERE p.lane < 2 AND p.state IN ('queued', 'deferred') AND p.next_attempt_at <= :now))
    ORDER BY d.lane, d.next_attempt_at, d.id
    LIMIT :n
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d
SET state = 'sending', lease_until = :lease, leased_by = :worker, attempts = d.attempts + 1,
    first_attempt_at = COALESCE(d.first_attempt_at, :now),
    in_doubt = d.in_doubt OR due.old_state = 'sending',
    message_id = COALESCE(d.message_id,
                          '<' || d.id || '.' || substr(md5(random()::text), 1, 12) || '@' || :msgid_domain || '>')
FROM due
WHERE d.id = due.id
RETURNING d.id, d.account_id, d.mailing_id, d.lane, d.email, d.domain, d.contact_id, d.recipient, d.attempts,
          d.first_attempt_at, d.message_id, d.in_doubt
""")


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


_GUARD = "WHERE id = :id AND state = 'sending' AND leased_by = :worker"


def mark_sent(session: Db, row: Claimed, worker: str, now: datetime, code: int | None, reply: str,
              size: int | None, reconciled: bool = False) -> bool:
    """One round trip: the row and its timeline event together (a CTE), then the commit."""
    import json

    detail = {"code": code, "reply": reply[:300], "attempt": row.attempts, **({"reconciled": True} if reconciled
                                                                              else {})}
    done = session.execute(text(f"""
        WITH u AS (
            UPDATE deliveries SET state = 'sent', sent_at = :now, final_at = :now, last_code = :code,
                   last_reply = :reply, size = :size, lease_until = NULL, in_doubt = false {_GUARD}
            RETURNING id, mailing_id)
        INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail)
        SELECT id, mailing_id, 'sent', :now, CAST(:detail AS jsonb) FROM u"""),  # noqa: S608 -- only the constant _GUARD clause is inserted, values bound
        {"id": row.id, "worker": worker, "now": now, "code": code, "reply": reply[:1000], "size": size,
         "detail": json.dumps(detail)}).rowcount
    session.commit()
    return bool(done)


def mark_deferred(session: Db, row: Claimed, worker: str, now: datetime, next_at: datetime, code: int | None,
                  reply: str, in_doubt: bool = False) -> bool:
    import json

    detail = {"code": code, "reply": reply[:300], "attempt": row.attempts, "next_attempt_at": next_at.isoformat()}
    done = session.execute(text(f"""
        WITH u AS (
            UPDATE deliveries SET state = 'deferred', next_attempt_at = :next, last_code = :code, last_reply = :reply,
                   lease_until = NULL, in_doubt = :doubt {_GUARD}
            RETURNING id, mailing_id)
        INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail)
        SELECT id, mailing_id, 'deferred', :now, CAST(:detail AS jsonb) FROM u"""),  # noqa: S608 -- only the constant _GUARD clause is inserted, values bound
        {"id": row.id, "worker": worker, "next": next_at, "code": code, "reply": reply[:1000], "doubt": in_doubt,
         "now": now, "detail": json.dumps(detail)}).rowcount
    session.commit()
    return bool(done)


def mark_failed(session: Db, row: Claimed, worker: str, now: datetime, code: int | None, reply: str,
                hard: bool, expired: bool = False) -> bool:
    done = session.execute(text(f"""
        UPDATE deliveries SET state = 'failed', final_at = :now, last_code = :code, last_reply = :reply,
               bounce = :bounce, lease_until = NULL, in_doubt = false {_GUARD}"""),  # noqa: S608 -- only the constant _GUARD clause is inserted, values bound
        {"id": row.id, "worker": worker, "now": now, "code": code, "reply": reply[:1000],
         "bounce": "hard" if hard else "soft"}).rowcount
    if done:
        _event(session, row, "failed", now, {"code": code, "reply": reply[:300], "attempt": row.attempts,
                                             "hard": hard, **({"expired": True} if expired else {})})
    return bool(done)  # the caller adds suppression / outbox rows in the same transaction, then commits


def release(session: Db, row: Claimed, worker: str, next_at: datetime) -> None:
    """Give a claimed row back untouched (its domain is over its rate): the attempt does not count."""
    session.execute(text(f"""
        UPDATE deliveries SET state = CASE WHEN attempts > 1 THEN 'deferred' ELSE 'queued' END,
               attempts = attempts - 1, first_attempt_at = CASE WHEN attempts > 1 THEN first_attempt_at END,
               next_attempt_at = :next, lease_until = NULL {_GUARD}"""),  # noqa: S608 -- only the constant _GUARD clause is inserted, values bound
        {"id": row.id, "worker": worker, "next": next_at})
    session.commit()


def _event(session: Db, row: Claimed, kind: str, now: datetime, detail: dict) -> None:
    import json

    session.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail) "
                         "VALUES (:d, :m, :k, :at, CAST(:detail AS jsonb))"),
                    {"d": row.id, "m": row.mailing_id, "k": kind, "at": now, "detail": json.dumps(detail)})
