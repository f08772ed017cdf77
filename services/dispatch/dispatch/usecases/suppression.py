"""The suppression list: addresses and whole domains an account never mails again, and why."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from .. import events
from ..db import outbox

REASONS = ("blacklist", "unsubscribed", "hard_bounce", "soft_bounces", "complaint")
SOFT_WINDOW = timedelta(days=30)


def normalise(address: str) -> str:
    return address.strip().lower()


def fingerprint(address: str) -> str:
    """What stays of an erased person's unsubscribe or bounce: a hash, so the wish is still honoured (GDPR
    Art. 21) without keeping the address (Art. 17)."""
    return "#" + hashlib.sha256(normalise(address).encode()).hexdigest()


def suppress(session: Session, account_id, address: str, reason: str, detail: dict | None = None) -> bool:
    """Add (idempotent); True when new. Caller commits."""
    return session.execute(text(
        "INSERT INTO suppressions (account_id, address, reason, detail) VALUES (:a, :addr, :r, CAST(:d AS jsonb)) "
        "ON CONFLICT ON CONSTRAINT uq_suppressions_account_id_address DO NOTHING"),
        {"a": account_id, "addr": normalise(address), "r": reason, "d": json.dumps(detail or {})}).rowcount > 0


def suppressed(session: Session, account_id, emails: Iterable[str]) -> dict[str, str]:
    """email -> reason for those suppressed by address or by their domain (``@domain``)."""
    emails = list({normalise(e) for e in emails})
    if not emails:
        return {}
    keys = emails + ["@" + e.rpartition("@")[2] for e in emails] + [fingerprint(e) for e in emails]
    rows = session.execute(text("SELECT address, reason FROM suppressions WHERE account_id = :a "
                                "AND address = ANY(:keys)"), {"a": account_id, "keys": keys}).all()
    by_key = {r.address: r.reason for r in rows}
    out = {}
    for e in emails:
        reason = by_key.get(e) or by_key.get("@" + e.rpartition("@")[2]) or by_key.get(fingerprint(e))
        if reason:
            out[e] = reason
    return out


def record_bounce(session: Session, delivery: dict, hard: bool, status: str | None, reason: str, now: datetime,
                  soft_limit: int = 3) -> str | None:
    """A recipient bounced (at SMTP time or by DSN): suppress when hard, or after ``soft_limit`` soft bounces in
    30 days, and tell crm (``recipient_bounced``, through the outbox). Returns the suppression reason if any.
    Caller commits."""
    account_id = delivery.get("account_id")
    if account_id is None:          # transactional system mail: nobody's list to clean
        return None
    email = delivery["email"]
    reason_code = None
    if hard:
        reason_code = "hard_bounce"
    else:
        count = session.execute(text(
            "SELECT count(*) FROM deliveries WHERE account_id = :a AND email = :e AND bounce = 'soft' "
            "AND final_at >= :since"), {"a": account_id, "e": email, "since": now - SOFT_WINDOW}).scalar() or 0
        if count >= soft_limit:
            reason_code = "soft_bounces"
    if reason_code:
        suppress(session, account_id, email, reason_code,
                 {"status": status, "reason": (reason or "")[:300], "mailing_id": str(delivery.get("mailing_id"))})
    outbox.add(session, events.RECIPIENT_BOUNCED,
               events.recipient_bounced(account_id, email, hard or reason_code == "soft_bounces", status,
                                        reason, delivery.get("mailing_id"), now))
    return reason_code
