"""Events the dispatch service publishes (past tense) and their payload builders: plain JSON, never ORM objects.

Those that must never be lost (bounces, usage, history, purges) go through the outbox (db/outbox.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

RECIPIENT_BOUNCED = "recipient_bounced"
MAILING_SENT = "mailing_sent"
USAGE_RECORDED = "usage_recorded"
ACCOUNT_PURGED = "account_purged"
PERSON_ERASED = "person_erased"

SERVICE = "dispatch"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def recipient_bounced(account_id, email: str, hard: bool, status: str | None, reason: str, mailing_id,
                      bounced_at: datetime) -> dict[str, Any]:
    return {"account_id": str(account_id), "email": email, "hard": bool(hard), "status": status,
            "reason": (reason or "")[:500], "mailing_id": str(mailing_id) if mailing_id else None,
            "bounced_at": _iso(bounced_at)}


def mailing_sent(account_id, mailing_id, subject: str, sent_at: datetime | None,
                 recipients: Iterable[tuple[Any, str]]) -> dict[str, Any]:
    return {"account_id": str(account_id), "mailing_id": str(mailing_id), "subject": subject,
            "sent_at": _iso(sent_at),
            "recipients": [{"contact_id": str(c) if c else None, "email": e} for c, e in recipients]}


def usage_recorded(account_id, kind: str, quantity: int, occurred_at: datetime, idempotency_key: str,
                   bytes_: int | None = None) -> dict[str, Any]:
    payload = {"account_id": str(account_id), "kind": kind, "quantity": int(quantity),
               "occurred_at": _iso(occurred_at), "idempotency_key": idempotency_key}
    if bytes_ is not None:
        payload["bytes"] = int(bytes_)
    return payload


def account_purged(account_id) -> dict[str, Any]:
    return {"service": SERVICE, "account_id": str(account_id)}


def person_erased(account_id, contact_id) -> dict[str, Any]:
    return {"service": SERVICE, "account_id": str(account_id), "contact_id": str(contact_id) if contact_id else None}
