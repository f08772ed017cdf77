"""Distribution lists: static (members) and dynamic (a saved filter, evaluated whenever the list is used)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.errors import Conflict, InvalidInput
from svckit.principal import Principal
from svckit.textsafe import like_contains
from svckit.validation import check_line
from svckit.work import Work

from ..contracts import ContactFilter, IdList, ListCreate, ListUpdate, Page
from ..db import contacts as repo
from ..db.models import Contact, ContactEmail, DistributionList, ListMember
from ..i18n import _
from .common import decode_cursor, encode_cursor, iso, load, user_uuid
from .contacts import summary, visible_contacts

DYNAMIC_NO_MEMBERS = _("A dynamic list has no fixed members; change its filter instead.")
OTHER_CLIENT = _("The contact belongs to another client than the list.")
NESTED_DYNAMIC = _("A filter can only refer to static lists.")


def serialise(dl: DistributionList, members: int | None = None) -> dict[str, Any]:
    return {"id": str(dl.id), "client_id": str(dl.client_id), "name": dl.name, "description": dl.description,
            "kind": dl.kind, "filter": dl.filter, "members": members, "created_at": iso(dl.created_at),
            "updated_at": iso(dl.updated_at)}


def visible_list(session: Session, principal: Principal, list_id: Any, write: bool = False) -> DistributionList:
    return load(session, DistributionList, list_id, principal, "list", field="list_id", write=write)


def _check_filter(session: Session, principal: Principal, f: ContactFilter | None, client_id: uuid.UUID) -> dict | None:
    if f is None:
        return None
    if f.client_ids and any(c != client_id for c in f.client_ids):
        raise InvalidInput(fields={"filter.client_ids": OTHER_CLIENT})
    if f.list_id is not None:
        inner = visible_list(session, principal, f.list_id)
        if inner.kind != "static":
            raise InvalidInput(fields={"filter.list_id": NESTED_DYNAMIC})
    return f.model_dump(mode="json", exclude_defaults=True)


def member_conditions(session: Session, dl: DistributionList) -> list:
    """The WHERE parts selecting a list's contacts: membership for static lists, the filter for dynamic ones.
    Always limited to the list's own client."""
    if dl.kind == "static":
        conds = repo.conditions(dl.account_id, [dl.client_id], None)
        conds.append(Contact.id.in_(select(ListMember.contact_id).where(ListMember.list_id == dl.id)))
        return conds
    return repo.conditions(dl.account_id, [dl.client_id], dl.filter or {})


def member_source(dl: DistributionList, base=None):
    """(FROM clause, WHERE parts, key column) to page through a list's contacts by keyset on the key column.
    A static list is driven from its membership rows (primary key (list_id, contact_id): each page is one index
    range), a dynamic one from the contacts its filter selects (ordered by id)."""
    base = base if base is not None else repo.primary_email_join()
    if dl.kind == "static":
        conds = repo.conditions(dl.account_id, [dl.client_id], None) + [ListMember.list_id == dl.id]
        return base.join(ListMember.__table__, ListMember.contact_id == Contact.id), conds, ListMember.contact_id
    return base, repo.conditions(dl.account_id, [dl.client_id], dl.filter or {}), Contact.id


def count_members(session: Session, dl: DistributionList) -> int:
    if dl.kind == "static":
        return session.scalar(select(func.count()).select_from(ListMember).where(ListMember.list_id == dl.id)) or 0
    return session.scalar(select(func.count()).select_from(Contact).where(*member_conditions(session, dl))) or 0


def create(work: Work, data: ListCreate) -> dict:
    session, principal = work.session, work.principal
    principal.check_client(str(data.client_id), write=True)
    dl = DistributionList(id=uuid.uuid4(), account_id=uuid.UUID(principal.require_account()), client_id=data.client_id,
                         name=data.name, description=data.description, kind=data.kind,
                         filter=_check_filter(session, principal, data.filter, data.client_id),
                         created_by=user_uuid(principal))
    session.add(dl)
    session.flush()
    return serialise(dl, count_members(session, dl))


def get(work: Work, list_id: Any) -> dict:
    session, principal = work.session, work.principal
    dl = visible_list(session, principal, list_id)
    return serialise(dl, count_members(session, dl))


def update_list(work: Work, list_id: Any, data: ListUpdate) -> dict:
    session, principal = work.session, work.principal
    dl = visible_list(session, principal, list_id, write=True)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and data.name is not None:
        dl.name = data.name
    if "description" in changes and data.description is not None:
        dl.description = data.description
    if "filter" in changes:
        if dl.kind != "dynamic":
            raise InvalidInput(fields={"filter": _("A static list has no filter.")})
        if data.filter is None:
            raise InvalidInput(fields={"filter": _("A dynamic list needs a filter.")})
        dl.filter = _check_filter(session, principal, data.filter, dl.client_id)
    session.flush()
    return serialise(dl, count_members(session, dl))


def delete_list(work: Work, list_id: Any) -> None:
    session, principal = work.session, work.principal
    dl = visible_list(session, principal, list_id, write=True)
    session.delete(dl)
    session.flush()


def search(work: Work, client_id: Any, q: str, page: Page) -> dict:
    session, principal = work.session, work.principal
    from .common import Scope
    check_line(q, "q")
    scope = Scope(principal)
    query = select(DistributionList).where(DistributionList.account_id == scope.account_id)
    if client_id:
        from svckit.validation import parse_uuid
        cid = parse_uuid(client_id, "client_id")
        principal.check_client(str(cid))
        query = query.where(DistributionList.client_id == cid)
    elif scope.clients is not None:
        query = query.where(DistributionList.client_id.in_(scope.clients))
    if q:
        query = query.where(DistributionList.name.ilike(like_contains(q)))   # % and _ are characters here
    after = decode_cursor(page.cursor, 2)
    if after:
        query = query.where((DistributionList.name, DistributionList.id) > (after[0], uuid.UUID(after[1])))  # type: ignore
    rows = session.scalars(query.order_by(DistributionList.name, DistributionList.id).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return {"items": [serialise(dl) for dl in rows],
            "next_cursor": encode_cursor(rows[-1].name, rows[-1].id) if more and rows else None}


def add_members(work: Work, list_id: Any, data: IdList) -> dict:
    session, principal = work.session, work.principal
    dl = visible_list(session, principal, list_id, write=True)
    if dl.kind != "static":
        raise Conflict(DYNAMIC_NO_MEMBERS)
    contacts = visible_contacts(session, principal, list(dict.fromkeys(data.contact_ids)))
    for c in contacts:
        if c.client_id != dl.client_id:
            raise InvalidInput(fields={"contact_ids": OTHER_CLIENT}, contact_id=str(c.id))
    if contacts:
        stmt = insert(ListMember).values([{"list_id": dl.id, "contact_id": c.id, "account_id": dl.account_id}
                                          for c in contacts]).on_conflict_do_nothing()
        session.execute(stmt)
    session.flush()
    return {"members": count_members(session, dl)}


def remove_members(work: Work, list_id: Any, data: IdList) -> dict:
    session, principal = work.session, work.principal
    dl = visible_list(session, principal, list_id, write=True)
    if dl.kind != "static":
        raise Conflict(DYNAMIC_NO_MEMBERS)
    session.execute(delete(ListMember).where(ListMember.list_id == dl.id,
                                             ListMember.contact_id.in_(data.contact_ids)))
    session.flush()
    return {"members": count_members(session, dl)}


def members(work: Work, list_id: Any, page: Page) -> dict:
    session, principal = work.session, work.principal
    dl = visible_list(session, principal, list_id)
    principal.check_client(str(dl.client_id))
    source, conds, key = member_source(dl)
    after = decode_cursor(page.cursor, 1)
    if after:
        try:
            conds.append(key > uuid.UUID(after[0]))
        except ValueError:
            raise InvalidInput(fields={"cursor": _("Invalid cursor.")}) from None
    rows = session.execute(select(Contact, ContactEmail.email, ContactEmail.state)
                           .select_from(source).where(*conds)
                           .order_by(key).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return {"items": [summary(c, e, s) for c, e, s in rows],
            "next_cursor": encode_cursor(rows[-1][0].id) if more and rows else None}
