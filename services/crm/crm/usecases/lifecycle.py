"""What other services tell the crm: bounces, a deleted client, an account to purge, entitlements."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select

from svckit import entitlements as ent
from svckit.rows import rowcount
from svckit.work import Work

from .. import events
from ..db import contacts as repo
from ..db.models import (
    ArchivedMessage,
    Contact,
    ContactEmail,
    CustomField,
    DistributionList,
    ErasureLog,
    Event,
    HistoryEntry,
    Import,
    Job,
    Mailbox,
    MediaFolder,
    StoredFile,
    account_entitlements,
)
from ..storage import Storage


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def recipient_bounced(work: Work, payload: dict) -> int:
    """A hard bounce marks that address invalid on every contact of the account having it (idempotent)."""
    session, now = work.session, work.now
    account_id = _uuid(payload.get("account_id"))
    email = str(payload.get("email") or "").strip().lower()
    if account_id is None or not email or not payload.get("hard"):
        return 0
    reason = str(payload.get("reason") or payload.get("status") or "hard bounce")
    at = payload.get("bounced_at") or now.isoformat()
    return repo.mark_invalid(session, account_id, email, reason, at)


def delete_client(work: Work, storage: Storage, payload: dict) -> int:
    """identity deleted a client: everything in that partition goes, files included (idempotent)."""
    session = work.session
    account_id, client_id = _uuid(payload.get("account_id")), _uuid(payload.get("client_id"))
    if account_id is None or client_id is None:
        return 0
    keys = session.scalars(select(StoredFile.storage_key).where(StoredFile.account_id == account_id,
                                                               StoredFile.client_id == client_id)).all()
    session.execute(delete(StoredFile).where(StoredFile.account_id == account_id, StoredFile.client_id == client_id))
    for model in (DistributionList, Event, MediaFolder):
        session.execute(delete(model).where(model.account_id == account_id, model.client_id == client_id))
    n = rowcount(session.execute(delete(Contact).where(Contact.account_id == account_id,
                                                       Contact.client_id == client_id)))
    session.execute(delete(Job).where(Job.account_id == account_id, Job.client_id == client_id))
    session.flush()
    for key in keys:
        storage.delete(key)
    return n


def purge_account(work: Work, storage: Storage, account_id_raw) -> bool:
    """Contract end: delete every row and every file of the account (idempotent); emits ``account_purged``."""
    session = work.session
    account_id = _uuid(account_id_raw)
    if account_id is None:
        return False
    for model in (HistoryEntry, ContactEmail, Import, StoredFile, DistributionList, Event, MediaFolder, Mailbox,
                  CustomField, ArchivedMessage, ErasureLog, Job):
        session.execute(delete(model).where(model.account_id == account_id))
    session.execute(delete(Contact).where(Contact.account_id == account_id))
    session.execute(delete(account_entitlements).where(account_entitlements.c.account_id == account_id))
    session.flush()
    storage.delete_prefix(str(account_id))
    work.emit(events.ACCOUNT_PURGED, events.account_purged(account_id_raw))
    return True


def entitlements_changed(work: Work, payload: dict) -> bool:
    session = work.session
    try:
        return ent.store(session, account_entitlements, payload)
    except (KeyError, TypeError, ValueError):
        return False
