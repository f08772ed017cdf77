"""Events from other services: entitlements, corrected addresses, GDPR erasure, account purge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from svckit import entitlements
from svckit.clock import utcnow
from svckit.rows import rowcount
from svckit.work import Work

from .. import events
from ..db import queries
from ..db.models import account_entitlements
from .suppression import fingerprint


def store_entitlements(work: Work, payload: dict) -> bool:
    return entitlements.store(work.session, account_entitlements, payload)


def email_corrected(work: Work, payload: dict) -> int:
    """crm says a contact's address was wrong: offer the re-send for that contact's undeliverable mails."""
    return rowcount(work.session.execute(queries.CORRECT_EMAIL,
        {"a": payload["account_id"], "c": payload["contact_id"], "old": payload["old_email"],
         "new": payload["new_email"]}))


def erase_person(work: Work, payload: dict) -> int:
    """GDPR erasure: anonymise that person's deliveries and timelines; their unsubscribe or bounce entry is kept
    only as a hash (so the objection is still honoured), a blacklist entry the customer set stays; then tell
    everyone (``person_erased``)."""
    session = work.session
    account_id = payload["account_id"]
    emails = [e.strip().lower() for e in payload.get("emails") or [] if e]
    contact_id = payload.get("contact_id")
    ids = session.execute(queries.PERSON_DELIVERIES,
        {"a": account_id, "emails": emails, "c": contact_id}).scalars().all()
    if ids:
        session.execute(queries.ERASE_DELIVERIES, {"ids": ids})
        session.execute(text("UPDATE delivery_events SET detail = '{}'::jsonb WHERE delivery_id = ANY(:ids)"),
                        {"ids": ids})
    for email in emails:   # the address goes, the wish stays (as a hash); the customer's own blacklist stays
        session.execute(queries.SUPPRESSION_TO_FINGERPRINT,
            {"a": account_id, "e": email, "fp": fingerprint(email)})
        session.execute(text("DELETE FROM suppressions WHERE account_id = :a AND address = :e "
                             "AND reason <> 'blacklist'"), {"a": account_id, "e": email})
    work.emit(events.PERSON_ERASED, events.person_erased(account_id, contact_id))
    return len(ids)


def purge_account(work: Work, account_id: str) -> None:
    """Everything the account has here goes; ``account_purged`` through the outbox. Idempotent."""
    session = work.session
    for table in ("deliveries", "export_files", "jobs", "mailings", "sender_accounts", "sender_domains",
                  "suppressions", "account_entitlements"):
        session.execute(text(f"DELETE FROM {table} WHERE account_id = :a"), {"a": account_id})  # noqa: S608 -- table names from a fixed tuple, values bound
    work.emit(events.ACCOUNT_PURGED, events.account_purged(account_id))


def now() -> datetime:
    return utcnow()
