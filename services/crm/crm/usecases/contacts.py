"""Contacts: create, read, change, delete, search (persons and organisations)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, and_, delete, select, tuple_, update
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput, NotFound
from svckit.i18n import Text
from svckit.principal import Principal
from svckit.work import Work

from .. import events
from ..contracts import ContactCreate, ContactFilter, ContactUpdate, Page
from ..db import contacts as repo
from ..db.models import Contact, ContactEmail, CustomField
from ..domain import customfields, folding, salutation
from ..i18n import _
from .common import NOT_FOUND, Scope, decode_cursor, encode_cursor, iso, load, user_uuid

NAME_MISSING = _("First or last name is missing.")
ORG_NAME_MISSING = _("The organisation's name is missing.")
NOT_AN_ORG = _("This is not an organisation of this client.")
UNKNOWN_CUSTOM = _("Unknown custom field.")

FIELDS = ("kind", "gender", "title", "first_name", "last_name", "org_name", "org_type", "organisation", "position",
          "department", "street", "address_extra", "postal_code", "city", "country", "language", "informal",
          "letter_salutation", "notes", "legal_basis", "data_source", "informed_at")


# --- derived values --------------------------------------------------------------------------------------------------

def person_of(c: Contact | Row[Any]) -> salutation.Person:
    """From a Contact or a row with the same columns (recipients.RECIPIENT_COLUMNS)."""
    return salutation.Person(gender=c.gender, title=c.title, first_name=c.first_name, last_name=c.last_name,
                             language=c.language, country=c.country, informal=c.informal, kind=c.kind,
                             override=c.letter_salutation)


def refresh_derived(c: Contact, emails: list[str]) -> None:
    """Search text, sort key and organisation key follow every change of the fields they come from."""
    c.search_text = folding.search_text(first_name=c.first_name, last_name=c.last_name, title=c.title,
                                        org_name=c.org_name, organisation=c.organisation, position=c.position,
                                        department=c.department, city=c.city, emails=emails, tags=c.tags or [])
    c.name_key = folding.name_key(c.kind, c.first_name, c.last_name, c.org_name)
    c.org_key = folding.org_key(c.org_name if c.kind == "organisation" else c.organisation)


def check_names(c: Contact) -> None:
    if c.kind == "organisation" and not c.org_name.strip():
        raise InvalidInput(fields={"org_name": ORG_NAME_MISSING})
    if c.kind == "person" and not (c.first_name.strip() or c.last_name.strip()):
        raise InvalidInput(fields={"last_name": NAME_MISSING})


def custom_values(session: Session, account_id: uuid.UUID, values: dict[str, Any]) -> dict[str, Any]:
    """Coerce custom field values to their field's type; unknown keys and bad values name the field."""
    if not values:
        return {}
    defs = {d.key: d for d in session.scalars(select(CustomField).where(CustomField.account_id == account_id))}
    out: dict[str, Any] = {}
    errors: dict[str, Text] = {}
    for key, value in values.items():
        d = defs.get(key)
        if d is None:
            errors[f"custom.{key}"] = UNKNOWN_CUSTOM
            continue
        try:
            coerced = customfields.coerce(d.type, value, d.choices)
        except customfields.CustomValueError as exc:
            errors[f"custom.{key}"] = exc.text
            continue
        if coerced is not None:
            out[key] = coerced
    if errors:
        raise InvalidInput(fields=errors)
    return out


def _organisation(session: Session, principal: Principal, c: Contact, org_id: uuid.UUID | None) -> None:
    c.organisation_id = None
    if org_id is None:
        return
    org = session.get(Contact, org_id)
    if org is None or org.account_id != c.account_id or org.client_id != c.client_id or org.kind != "organisation":
        raise InvalidInput(fields={"organisation_id": NOT_AN_ORG})
    c.organisation_id = org.id
    c.organisation = org.org_name


def set_emails(session: Session, c: Contact, emails: list[dict]) -> tuple[str | None, str | None]:
    """Replace the contact's addresses; returns (old primary, new primary)."""
    old = session.scalar(select(ContactEmail.email).where(ContactEmail.contact_id == c.id, ContactEmail.is_primary))
    session.execute(delete(ContactEmail).where(ContactEmail.contact_id == c.id))
    session.flush()
    primary_index = next((i for i, e in enumerate(emails) if e.get("primary")), 0)
    new = None
    for i, e in enumerate(emails):
        address = str(e["email"]).strip()
        session.add(ContactEmail(contact_id=c.id, account_id=c.account_id, client_id=c.client_id, email=address,
                                 email_norm=address.lower(), label=e.get("label") or "",
                                 is_primary=(i == primary_index), state=e.get("state") or "valid"))
        if i == primary_index:
            new = address
    session.flush()
    return old, new


def serialise(c: Contact, emails: list[ContactEmail]) -> dict[str, Any]:
    data = {k: iso(getattr(c, k)) for k in FIELDS}
    data.update({
        "id": str(c.id), "account_id": str(c.account_id), "client_id": str(c.client_id),
        "organisation_id": iso(c.organisation_id),
        "salutation": salutation.salutation_word(c.gender, c.language),
        "letter_salutation": salutation.letter_salutation(person_of(c)),
        "letter_salutation_override": c.letter_salutation,
        "emails": [{"email": e.email, "label": e.label, "primary": e.is_primary, "state": e.state,
                    "invalid_reason": e.invalid_reason, "invalid_at": iso(e.invalid_at)} for e in emails],
        "phones": list(c.phones or []), "tags": list(c.tags or []), "custom": dict(c.custom or {}),
        "source_kind": c.source_kind, "pressbase_id": c.pressbase_id,
        "pressbase_changes": bool(c.pressbase_pending),
        "created_at": iso(c.created_at), "created_by": iso(c.created_by),
        "updated_at": iso(c.updated_at), "updated_by": iso(c.updated_by),
    })
    return data


def summary(c: Contact, email: str | None, state: str | None) -> dict[str, Any]:
    return {"id": str(c.id), "client_id": str(c.client_id), "kind": c.kind, "gender": c.gender, "title": c.title,
            "first_name": c.first_name, "last_name": c.last_name, "org_name": c.org_name,
            "organisation": c.organisation, "position": c.position, "city": c.city, "country": c.country,
            "email": email, "email_state": state, "tags": list(c.tags or [])}


# --- use cases -------------------------------------------------------------------------------------------------------

def create(work: Work, data: ContactCreate) -> dict:
    session, principal = work.session, work.principal
    principal.check_client(str(data.client_id), write=True)
    account = uuid.UUID(principal.require_account())
    values = data.model_dump(exclude={"client_id", "emails", "phones", "custom", "organisation_id", "tags"})
    c = Contact(id=uuid.uuid4(), account_id=account, client_id=data.client_id, **values,
                tags=_clean_tags(data.tags), phones=[p.model_dump() for p in data.phones],
                created_by=user_uuid(principal), updated_by=user_uuid(principal), source_kind="manual")
    c.custom = custom_values(session, account, data.custom)
    _organisation(session, principal, c, data.organisation_id)
    check_names(c)
    session.add(c)
    session.flush()
    set_emails(session, c, [e.model_dump(mode="json") for e in data.emails])
    emails = repo.emails_of(session, [c.id])[c.id]
    refresh_derived(c, [e.email for e in emails])
    session.flush()
    return serialise(c, emails)


def _clean_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for t in tags:
        t = " ".join(t.split())
        if t and t not in out:
            out.append(t)
    return out


def get(work: Work, contact_id: Any) -> dict:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id")
    return serialise(c, repo.emails_of(session, [c.id])[c.id])


def update_contact(work: Work, contact_id: Any, data: ContactUpdate) -> dict:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True, lock=True)
    changes = data.model_dump(exclude_unset=True)
    for key in FIELDS:
        if key in changes and key != "kind":
            value = changes[key]
            if value is None and key not in ("letter_salutation", "informed_at", "org_type"):
                continue
            setattr(c, key, value)
    if "tags" in changes and changes["tags"] is not None:
        c.tags = _clean_tags(changes["tags"])
    if "phones" in changes and changes["phones"] is not None:
        c.phones = [p.model_dump() for p in data.phones or []]   # not None here (see the condition)
    if "custom" in changes and changes["custom"] is not None:
        merged = {**(c.custom or {}), **changes["custom"]}
        c.custom = custom_values(session, c.account_id, {k: v for k, v in merged.items() if v is not None})
    if "organisation_id" in changes:
        _organisation(session, principal, c, data.organisation_id)
    check_names(c)
    if "emails" in changes and data.emails is not None:
        old, new = set_emails(session, c, [e.model_dump(mode="json") for e in data.emails])
        if old and new and old.lower() != new.lower():
            work.emit(events.CONTACT_EMAIL_CORRECTED, events.contact_email_corrected(c.account_id, c.id, old, new))
    emails = repo.emails_of(session, [c.id])[c.id]
    if c.kind == "organisation" and "org_name" in changes:
        session.execute(update(Contact).where(Contact.organisation_id == c.id).values(organisation=c.org_name))
    c.updated_by = user_uuid(principal)
    refresh_derived(c, [e.email for e in emails])
    session.flush()
    return serialise(c, emails)


def delete_contact(work: Work, contact_id: Any) -> None:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True)
    session.delete(c)
    session.flush()


def search(work: Work, f: ContactFilter, page: Page) -> dict:
    session, principal = work.session, work.principal
    scope = Scope(principal)
    clients = scope.narrow(list(f.client_ids))
    if f.list_id is not None:
        from .lists import visible_list
        visible_list(session, principal, f.list_id)
    conds = repo.conditions(scope.account_id, clients, f.model_copy(update={"q": ""}))
    after = decode_cursor(page.cursor, 2)
    if after:
        try:
            conds.append(tuple_(Contact.name_key, Contact.id) > tuple_(after[0], uuid.UUID(after[1])))
        except ValueError:
            raise InvalidInput(fields={"cursor": _("Invalid cursor.")}) from None
    tokens = folding.query_tokens(f.q)
    if tokens:
        match = and_(*[Contact.search_text.like(folding.like_pattern(t)) for t in tokens])
        rows = _text_search(session, conds, match, page.limit + 1)
    else:
        rows = list(session.execute(select(Contact, ContactEmail.email, ContactEmail.state)
                                    .select_from(repo.primary_email_join()).where(*conds)
                                    .order_by(Contact.name_key, Contact.id).limit(page.limit + 1)).all())
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    items = [summary(c, email, state) for c, email, state in rows]
    next_cursor = encode_cursor(rows[-1][0].name_key, rows[-1][0].id) if more and rows else None
    return {"items": items, "next_cursor": next_cursor}


WALK = 1500


def _text_search(session: Session, conds: list, match, want: int) -> list:
    """A text query's page in name order, in two phases: walk the name index for the first WALK rows and keep the
    matches (fast when matches are common and spread out: "prof", "zürich"); if that does not fill the page,
    take the remaining matches from the trigram index and sort them (fast when matches are few, or clustered
    under one name: every "muller" sorts after half the table, where walking alone was the slow case)."""
    walked = session.execute(select(Contact.id, Contact.name_key, match.label("hit")).where(*conds)
                             .order_by(Contact.name_key, Contact.id).limit(WALK)).all()
    hits = [r.id for r in walked if r.hit][:want]
    if len(hits) < want and len(walked) == WALK:
        last = walked[-1]
        # "name_key || ''" sorts the same ("C" collation) but cannot walk the index: the trigram index is used
        hits += session.execute(select(Contact.id).where(
            *conds, match, tuple_(Contact.name_key, Contact.id) > tuple_(last.name_key, last.id))
            .order_by(Contact.name_key.op("||")(""), Contact.id).limit(want - len(hits))).scalars().all()
    if not hits:
        return []
    rows = {r[0].id: r for r in session.execute(select(Contact, ContactEmail.email, ContactEmail.state)
                                                .select_from(repo.primary_email_join()).where(Contact.id.in_(hits)))}
    return [rows[i] for i in hits if i in rows]


def visible_contacts(session: Session, principal: Principal, ids: list[uuid.UUID], write: bool = False,
                     field: str = "contact_ids") -> list[Contact]:
    """Load several contacts; any unknown, foreign or hidden one is NotFound (named), read-only + write Forbidden."""
    if not ids:
        return []
    rows = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(ids)))}
    for cid in ids:
        c = rows.get(cid)
        if c is None:
            raise NotFound(NOT_FOUND["contact"], fields={field: NOT_FOUND["contact"]}, contact_id=str(cid))
        principal.check_row(c.account_id, c.client_id, write=write, not_found=NOT_FOUND["contact"])
    return [rows[i] for i in ids]
