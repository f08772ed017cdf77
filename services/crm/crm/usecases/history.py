"""History per contact: notes, calls and meetings users write; mailings and archived e-mails arrive by themselves."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert

from svckit.rows import rowcount
from svckit.validation import parse_uuid
from svckit.work import Work

from ..contracts import HistoryIn, Page
from ..db.models import Contact, HistoryEntry, HistoryFile, StoredFile
from .common import decode_cursor, encode_cursor, iso, load, user_uuid


def serialise(h: HistoryEntry, files: list[StoredFile] | None = None) -> dict[str, Any]:
    return {"id": str(h.id), "contact_id": str(h.contact_id), "kind": h.kind, "occurred_at": iso(h.occurred_at),
            "subject": h.subject, "body": h.body, "data": h.data or {}, "created_by": iso(h.created_by),
            "files": [{"id": str(f.id), "name": f.name, "content_type": f.content_type, "size": f.size}
                      for f in (files or [])]}


def add(work: Work, contact_id: Any, data: HistoryIn) -> dict:
    session, principal, now = work.session, work.principal, work.now
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True)
    h = HistoryEntry(id=uuid.uuid4(), account_id=c.account_id, client_id=c.client_id, contact_id=c.id,
                     kind=data.kind, subject=data.subject, body=data.body,
                     occurred_at=data.occurred_at or now, created_by=user_uuid(principal))
    session.add(h)
    session.flush()
    return serialise(h)


def entries(work: Work, contact_id: Any, page: Page, kind: str | None = None) -> dict:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id")
    query = select(HistoryEntry).where(HistoryEntry.contact_id == c.id)
    if kind:
        query = query.where(HistoryEntry.kind == kind)
    after = decode_cursor(page.cursor, 2)
    if after:
        query = query.where(tuple_(HistoryEntry.occurred_at, HistoryEntry.id) <
                            tuple_(datetime.fromisoformat(after[0]), parse_uuid(after[1], "cursor")))
    rows = session.scalars(query.order_by(HistoryEntry.occurred_at.desc(), HistoryEntry.id.desc())
                           .limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    files: dict[uuid.UUID, list[StoredFile]] = {}
    if rows:
        for hid, f in session.execute(select(HistoryFile.history_id, StoredFile)
                                      .join(StoredFile, StoredFile.id == HistoryFile.file_id)
                                      .where(HistoryFile.history_id.in_([h.id for h in rows]))):
            files.setdefault(hid, []).append(f)
    return {"items": [serialise(h, files.get(h.id)) for h in rows],
            "next_cursor": encode_cursor(rows[-1].occurred_at.isoformat(), rows[-1].id) if more and rows else None}


def record_mailing(work: Work, payload: dict) -> int:
    """dispatch's ``mailing_sent`` (one batch): one history row per contact, idempotent per (contact, mailing)."""
    session, now = work.session, work.now
    account_id = parse_uuid(payload.get("account_id"), "account_id")
    mailing_id = str(payload.get("mailing_id") or "")[:100]
    recipients = [r for r in payload.get("recipients") or [] if r.get("contact_id")]
    if not mailing_id or not recipients:
        return 0
    ids = []
    for r in recipients:
        try:
            ids.append(uuid.UUID(str(r["contact_id"])))
        except ValueError:
            continue
    contacts = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(ids),
                                                                       Contact.account_id == account_id))}
    sent_at = payload.get("sent_at") or now.isoformat()
    rows = []
    for r in recipients:
        try:
            c = contacts.get(uuid.UUID(str(r["contact_id"])))
        except ValueError:
            continue
        if c is None:
            continue
        rows.append({"id": uuid.uuid4(), "account_id": account_id, "client_id": c.client_id, "contact_id": c.id,
                     "kind": "mailing", "occurred_at": sent_at, "subject": str(payload.get("subject") or "")[:500],
                     "data": {"mailing_id": mailing_id, "email": r.get("email")}, "ref": f"mailing:{mailing_id}"})
    if not rows:
        return 0
    stmt = insert(HistoryEntry).values(rows).on_conflict_do_nothing(
        index_elements=["contact_id", "ref"], index_where=HistoryEntry.ref.isnot(None))
    return rowcount(session.execute(stmt))
