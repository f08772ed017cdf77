"""Contact queries: filters shared by search, dynamic lists, exports and recipient resolution."""

from __future__ import annotations

import uuid
from typing import Any, Iterable

from sqlalchemy import and_, exists, false, func, select, update
from sqlalchemy.orm import Session, aliased

from ..domain import folding
from .models import Contact, ContactEmail, DistributionList, ListMember


def primary_email_join():
    """Contacts LEFT JOIN their primary e-mail (at most one row per contact: a partial unique index)."""
    return (Contact.__table__.outerjoin(
        ContactEmail.__table__, and_(ContactEmail.contact_id == Contact.id, ContactEmail.is_primary)))


def conditions(account_id: uuid.UUID, clients: list[uuid.UUID] | None, f: Any | None) -> list:
    """WHERE parts for a ContactFilter (schemas.ContactFilter or a dict of it) inside the caller's scope."""
    conds = [Contact.account_id == account_id]
    if clients is not None:
        conds.append(Contact.client_id.in_(clients) if clients else false())
    if f is None:
        return conds
    get = (lambda k: f.get(k)) if isinstance(f, dict) else (lambda k: getattr(f, k, None))
    for token in folding.query_tokens(get("q") or ""):
        conds.append(Contact.search_text.like(folding.like_pattern(token)))
    if get("kind"):
        conds.append(Contact.kind == get("kind"))
    if get("tags"):
        conds.append(Contact.tags.contains(list(get("tags"))))
    if get("any_tags"):
        conds.append(Contact.tags.overlap(list(get("any_tags"))))
    if get("country"):
        conds.append(Contact.country == get("country"))
    if get("city"):
        conds.append(func.lower(Contact.city) == str(get("city")).lower())
    if get("language"):
        conds.append(Contact.language == get("language"))
    if get("org_type"):
        conds.append(Contact.org_type == get("org_type"))
    if get("position"):
        conds.append(Contact.search_text.like(folding.like_pattern(folding.fold(get("position")))))
    if get("source_kind"):
        conds.append(Contact.source_kind == get("source_kind"))
    inner = aliased(ContactEmail)  # the outer query may join contact_emails itself (primary address)
    if get("has_email") is not None:
        has = exists().where(inner.contact_id == Contact.id)
        conds.append(has if get("has_email") else ~has)
    if get("email_state"):
        conds.append(exists().where(inner.contact_id == Contact.id, inner.is_primary,
                                    inner.state == get("email_state")))
    if get("list_id"):
        conds.append(exists().where(ListMember.contact_id == Contact.id,
                                    ListMember.list_id == uuid.UUID(str(get("list_id")))))
    for key, value in (get("custom") or {}).items():
        conds.append(Contact.custom.contains({key: value}))
    return conds


def emails_of(session: Session, contact_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[ContactEmail]]:
    ids = list(contact_ids)
    out: dict[uuid.UUID, list[ContactEmail]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.scalars(select(ContactEmail).where(ContactEmail.contact_id.in_(ids))
                           .order_by(ContactEmail.contact_id, ContactEmail.is_primary.desc(), ContactEmail.id))
    for row in rows:
        out[row.contact_id].append(row)
    return out


def contacts_with_email(session: Session, account_id: uuid.UUID, client_id: uuid.UUID | None,
                        emails_norm: Iterable[str]) -> dict[str, uuid.UUID]:
    """email (normalised) -> id of a contact that has it (in one client, or the whole account)."""
    emails = list({e for e in emails_norm if e})
    if not emails:
        return {}
    query = select(ContactEmail.email_norm, ContactEmail.contact_id).where(
        ContactEmail.account_id == account_id, ContactEmail.email_norm.in_(emails))
    if client_id is not None:
        query = query.where(ContactEmail.client_id == client_id)
    return {email: cid for email, cid in session.execute(query.order_by(ContactEmail.id.desc()))}


def mark_invalid(session: Session, account_id: uuid.UUID, email_norm: str, reason: str, at) -> int:
    result = session.execute(
        update(ContactEmail)
        .where(ContactEmail.account_id == account_id, ContactEmail.email_norm == email_norm,
               ContactEmail.state != "invalid")
        .values(state="invalid", invalid_reason=reason[:300], invalid_at=at))
    return result.rowcount


def list_of(session: Session, list_id: uuid.UUID) -> DistributionList | None:
    return session.get(DistributionList, list_id)
