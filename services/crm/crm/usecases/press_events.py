"""Events (press conferences, press trips ...) and their participants: invited, registered, declined, attended."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput, NotFound
from svckit.principal import Principal
from svckit.rows import rowcount
from svckit.validation import parse_uuid
from svckit.work import Work

from ..contracts import EventCreate, EventUpdate, Page, ParticipantsIn, ParticipantUpdate
from ..db import contacts as repo
from ..db.models import Contact, ContactEmail, Event, Participant
from ..i18n import _
from .common import NOT_FOUND, Scope, decode_cursor, encode_cursor, iso, load, user_uuid
from .contacts import summary, visible_contacts

OTHER_CLIENT = _("The contact belongs to another client than the event.")
END_BEFORE_START = _("The end is before the start.")


def serialise(e: Event, counts: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": str(e.id), "client_id": str(e.client_id), "name": e.name, "kind": e.kind,
            "starts_at": iso(e.starts_at), "ends_at": iso(e.ends_at), "location": e.location,
            "description": e.description, "participants": counts, "created_at": iso(e.created_at)}


def visible_event(session: Session, principal: Principal, event_id: Any, write: bool = False) -> Event:
    return load(session, Event, event_id, principal, "event", field="event_id", write=write)


def counts(session: Session, event_id: uuid.UUID) -> dict[str, int]:
    out = {"invited": 0, "registered": 0, "declined": 0, "attended": 0}
    for status, n in session.execute(select(Participant.status, func.count()).where(Participant.event_id == event_id)
                                     .group_by(Participant.status)):
        out[status] = n
    return out


def create(work: Work, data: EventCreate) -> dict:
    session, principal = work.session, work.principal
    principal.check_client(str(data.client_id), write=True)
    e = Event(id=uuid.uuid4(), account_id=uuid.UUID(principal.require_account()), created_by=user_uuid(principal),
              **data.model_dump())
    session.add(e)
    session.flush()
    return serialise(e, counts(session, e.id))


def get(work: Work, event_id: Any) -> dict:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id)
    return serialise(e, counts(session, e.id))


def update_event(work: Work, event_id: Any, data: EventUpdate) -> dict:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id, write=True)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None or key in ("starts_at", "ends_at"):
            setattr(e, key, value)
    if e.starts_at and e.ends_at and e.ends_at < e.starts_at:
        raise InvalidInput(fields={"ends_at": END_BEFORE_START})
    session.flush()
    return serialise(e, counts(session, e.id))


def delete_event(work: Work, event_id: Any) -> None:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id, write=True)
    session.delete(e)
    session.flush()


def search(work: Work, client_id: Any, page: Page) -> dict:
    session, principal = work.session, work.principal
    scope = Scope(principal)
    query = select(Event).where(Event.account_id == scope.account_id)
    if client_id:
        cid = parse_uuid(client_id, "client_id")
        principal.check_client(str(cid))
        query = query.where(Event.client_id == cid)
    elif scope.clients is not None:
        query = query.where(Event.client_id.in_(scope.clients))
    after = decode_cursor(page.cursor, 1)
    if after:
        query = query.where(Event.id > parse_uuid(after[0], "cursor"))
    rows = session.scalars(query.order_by(Event.id).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return {"items": [serialise(e) for e in rows],
            "next_cursor": encode_cursor(rows[-1].id) if more and rows else None}


def add_participants(work: Work, event_id: Any, data: ParticipantsIn) -> dict:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id, write=True)
    contacts = visible_contacts(session, principal, list(dict.fromkeys(data.contact_ids)))
    for c in contacts:
        if c.client_id != e.client_id:
            raise InvalidInput(fields={"contact_ids": OTHER_CLIENT}, contact_id=str(c.id))
    stmt = insert(Participant).values([{"event_id": e.id, "contact_id": c.id, "account_id": e.account_id,
                                        "status": data.status} for c in contacts])
    stmt = stmt.on_conflict_do_update(index_elements=["event_id", "contact_id"],
                                      set_={"status": stmt.excluded.status, "updated_at": func.now()})
    session.execute(stmt)
    session.flush()
    return {"participants": counts(session, e.id)}


def update_participant(work: Work, event_id: Any, contact_id: Any, data: ParticipantUpdate) -> dict:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id, write=True)
    p = session.get(Participant, (e.id, parse_uuid(contact_id, "contact_id")))
    if p is None:
        raise NotFound(NOT_FOUND["participant"])
    p.status = data.status
    p.note = data.note
    session.flush()
    return {"contact_id": str(p.contact_id), "status": p.status, "note": p.note}


def remove_participant(work: Work, event_id: Any, contact_id: Any) -> None:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id, write=True)
    n = session.execute(delete(Participant).where(Participant.event_id == e.id,
                                                  Participant.contact_id == parse_uuid(contact_id, "contact_id")))
    if rowcount(n) == 0:
        raise NotFound(NOT_FOUND["participant"])
    session.flush()


def participants(work: Work, event_id: Any, status: str | None, page: Page) -> dict:
    session, principal = work.session, work.principal
    e = visible_event(session, principal, event_id)
    conds = [Participant.event_id == e.id, Contact.client_id == e.client_id]
    if status:
        if status not in ("invited", "registered", "declined", "attended"):
            raise InvalidInput(fields={"status": _("Allowed values: invited, registered, declined, attended.")})
        conds.append(Participant.status == status)
    after = decode_cursor(page.cursor, 1)
    if after:
        conds.append(Participant.contact_id > parse_uuid(after[0], "cursor"))
    rows = session.execute(
        select(Contact, ContactEmail.email, ContactEmail.state, Participant.status, Participant.note)
        .select_from(repo.primary_email_join().join(Participant.__table__, Participant.contact_id == Contact.id))
        .where(*conds).order_by(Participant.contact_id).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    items = [{**summary(c, em, st), "status": status_, "note": note} for c, em, st, status_, note in rows]
    return {"items": items, "next_cursor": encode_cursor(rows[-1][0].id) if more and rows else None}
