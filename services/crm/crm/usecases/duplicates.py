"""Duplicate detection (same e-mail; similar name and organisation, by trigram similarity) and merging.

The search is one SQL statement over a client's contacts (pairs by trigram similarity: on a large client it is the
most expensive query of crm). It stays a request, bounded: PostgreSQL cancels it at the caller's deadline (the
transaction's statement_timeout, svckit.deadline) or after ``SCAN_SECONDS``, whichever comes first; the caller then
gets 503 instead of the scan running on for minutes after the gateway gave up (issue 15).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert

from svckit.errors import InvalidInput
from svckit.validation import parse_uuid
from svckit.work import Work

from ..db import contacts as repo
from ..db import queries
from ..db.models import Contact, ContactEmail, ContactFile, HistoryEntry, ListMember, Participant
from ..i18n import _
from .common import load, user_uuid
from .contacts import refresh_derived, serialise, summary

SAME = _("A contact cannot be merged with itself.")
OTHER_CLIENT = _("Only contacts of the same client can be merged.")
NAME_SIMILARITY = 0.6

#: a duplicate scan never runs longer than this, even for a caller without a deadline (the gateway's is shorter)
SCAN_SECONDS = 30.0


def find(work: Work, client_id: Any, limit: int = 100) -> dict:
    session, principal = work.session, work.principal
    cid = parse_uuid(client_id, "client_id")
    principal.check_client(str(cid))
    account = uuid.UUID(principal.require_account())
    limit = max(1, min(int(limit or 100), 500))
    # one round trip: the similarity threshold, and the scan bounded by the caller's deadline (the transaction's
    # statement_timeout, svckit.deadline) and by SCAN_SECONDS whichever ends first
    session.execute(queries.DUPLICATE_SCAN_SETTINGS, {"t": str(NAME_SIMILARITY), "cap": int(SCAN_SECONDS * 1000)})
    pairs = session.execute(queries.DUPLICATE_PAIRS, {"account": account, "client": cid, "limit": limit}).all()
    ids = {i for p in pairs for i in (p.a, p.b)}
    rows = {c.id: (c, e, s) for c, e, s in session.execute(
        select(Contact, ContactEmail.email, ContactEmail.state).select_from(repo.primary_email_join())
        .where(Contact.id.in_(ids))).all()} if ids else {}
    return {"items": [{"a": summary(*rows[p.a]), "b": summary(*rows[p.b]), "reasons": sorted(p.reasons),
                       "score": round(p.score, 3)} for p in pairs if p.a in rows and p.b in rows]}


def merge(work: Work, keep_id: Any, other_id: Any) -> dict:
    """Everything of ``other`` moves to ``keep`` (addresses, phones, tags, custom values, empty fields, history,
    lists, events, files); ``other`` is deleted."""
    session, principal = work.session, work.principal
    keep = load(session, Contact, keep_id, principal, "contact", field="contact_id", write=True, lock=True)
    other = load(session, Contact, other_id, principal, "contact", field="other_id", write=True, lock=True)
    if keep.id == other.id:
        raise InvalidInput(fields={"other_id": SAME})
    if keep.client_id != other.client_id:
        raise InvalidInput(fields={"other_id": OTHER_CLIENT})
    for col in ("gender", "title", "first_name", "last_name", "org_name", "org_type", "organisation",
                "organisation_id", "position", "department", "street", "address_extra", "postal_code", "city",
                "letter_salutation", "informed_at"):
        mine = getattr(keep, col)
        if mine in (None, "", "unknown") and getattr(other, col) not in (None, "", "unknown"):
            setattr(keep, col, getattr(other, col))
    keep.tags = list(dict.fromkeys(list(keep.tags or []) + list(other.tags or [])))
    numbers = {p.get("number") for p in keep.phones or []}
    keep.phones = list(keep.phones or []) + [p for p in other.phones or [] if p.get("number") not in numbers]
    keep.custom = {**(other.custom or {}), **(keep.custom or {})}
    if other.notes:
        keep.notes = (keep.notes + "\n\n" + other.notes).strip()
    pressbase_id = other.pressbase_id
    emails = repo.emails_of(session, [keep.id, other.id])
    have = {e.email_norm for e in emails[keep.id]}
    has_primary = any(e.is_primary for e in emails[keep.id])
    for e in emails[other.id]:
        if e.email_norm not in have:
            session.add(ContactEmail(contact_id=keep.id, account_id=keep.account_id, client_id=keep.client_id,
                                     email=e.email, email_norm=e.email_norm, label=e.label, state=e.state,
                                     invalid_reason=e.invalid_reason, invalid_at=e.invalid_at,
                                     is_primary=e.is_primary and not has_primary))
            has_primary = has_primary or e.is_primary
            have.add(e.email_norm)
    # history: entries with a ref the kept contact has already are duplicates (same mailing, same e-mail)
    kept_refs = select(HistoryEntry.ref).where(HistoryEntry.contact_id == keep.id, HistoryEntry.ref.isnot(None))
    session.execute(delete(HistoryEntry).where(HistoryEntry.contact_id == other.id, HistoryEntry.ref.in_(kept_refs)))
    session.execute(update(HistoryEntry).where(HistoryEntry.contact_id == other.id).values(contact_id=keep.id))
    for model, key in ((ListMember, "list_id"), (Participant, "event_id"), (ContactFile, "file_id")):
        rows = session.execute(select(getattr(model, key)).where(model.contact_id == other.id)).scalars().all()
        if rows:
            values = [{key: r, "contact_id": keep.id, "account_id": keep.account_id} for r in rows]
            if model is Participant:
                statuses = dict(session.execute(select(Participant.event_id, Participant.status)
                                                .where(Participant.contact_id == other.id)).all())
                for v in values:
                    v["status"] = statuses[v["event_id"]]
            session.execute(insert(model).values(values).on_conflict_do_nothing())
    session.execute(update(Contact).where(Contact.organisation_id == other.id).values(organisation_id=keep.id))
    session.delete(other)
    session.flush()
    if keep.pressbase_id is None and pressbase_id:
        keep.pressbase_id = pressbase_id
    keep.updated_by = user_uuid(principal)
    final = repo.emails_of(session, [keep.id])[keep.id]
    refresh_derived(keep, [e.email for e in final])
    session.flush()
    return serialise(keep, final)
