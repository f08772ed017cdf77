"""Contacts that came from pressbase: the transfer (create or link, idempotent) and later changes the user can apply.

- ``crm.import_pressbase_contacts(client_id, records)`` (docs/contracts.md): a contact with that pressbase_id in the
  client is linked again (created false); else one with the record's e-mail is linked; else a new contact is made
  (source pressbase, legitimate interest, Art. 14 notice still to be given).
- When pressbase's record changes, pressbase sends the new record (event ``journalist_changed`` {pressbase_id,
  record, changed_at} or RPC ``crm.receive_pressbase_updates(records)``); every linked contact (in any account) keeps
  the differences as pending changes until its user applies (all or some fields) or dismisses them.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from svckit.errors import Conflict, Forbidden, InvalidInput
from svckit.i18n import Text
from svckit.textsafe import one_line
from svckit.validation import parse, to_invalid_input
from svckit.work import Work

from .. import events
from ..contracts import PressbaseImport, PressbaseRecord
from ..db import contacts as repo
from ..db.models import Contact, ContactEmail
from ..i18n import _
from .common import load, user_uuid
from .contacts import refresh_derived, serialise, set_emails

FIELDS = ("gender", "title", "first_name", "last_name", "organisation", "position", "department", "street",
          "postal_code", "city", "country", "language")
NOTHING_PENDING = _("There are no changes from the media database.")
ONLY_SERVICES = _("Only for services.")


def _one_line_fields(record: Any) -> Any:
    """A record pressbase pushed on its own (no user to show a 422 to): single-line fields cleaned of line breaks
    and controls instead of refusing the whole batch (svckit.textsafe.one_line)."""
    if not isinstance(record, dict):
        return record
    return {k: (one_line(v) if isinstance(v, str) else
                [one_line(t) for t in v] if k == "tags" and isinstance(v, list) else v) for k, v in record.items()}


def _records(raw: list[dict], clean: bool = False) -> list[PressbaseRecord]:
    """Validated records; a line break or control character in a name, address or tag is refused naming the
    field (``records.<i>.<field>``), or with ``clean`` removed (updates pressbase pushes by itself)."""
    out, errors = [], {}
    for i, r in enumerate(raw):
        try:
            out.append(PressbaseRecord.model_validate(_one_line_fields(r) if clean else r))
        except ValidationError as exc:
            errors.update(to_invalid_input(exc, prefix=f"records.{i}").fields)
    if errors:
        raise InvalidInput(fields=errors)
    return out


def import_contacts(work: Work, client_id: Any, raw_records: Any) -> list[dict]:
    session, principal = work.session, work.principal
    data = parse(PressbaseImport, {"client_id": client_id, "records": raw_records})
    principal.check_client(str(data.client_id), write=True)
    account = uuid.UUID(principal.require_account())
    records = _records(data.records)
    ids = [r.pressbase_id for r in records]
    linked = dict(session.execute(select(Contact.pressbase_id, Contact.id).where(
        Contact.account_id == account, Contact.client_id == data.client_id, Contact.pressbase_id.in_(ids))).all())
    by_email = repo.contacts_with_email(session, account, data.client_id,
                                        [str(r.email).lower() for r in records if r.email])
    out = []
    for r in records:
        if r.pressbase_id in linked:
            out.append({"pressbase_id": r.pressbase_id, "contact_id": str(linked[r.pressbase_id]), "created": False})
            continue
        match = by_email.get(str(r.email).lower()) if r.email else None
        if match is not None:
            c = session.get_one(Contact, match)   # found by e-mail just above
            if c.pressbase_id is None:
                c.pressbase_id = r.pressbase_id
                linked[r.pressbase_id] = c.id
                out.append({"pressbase_id": r.pressbase_id, "contact_id": str(c.id), "created": False})
                continue
        c = Contact(id=uuid.uuid4(), account_id=account, client_id=data.client_id, kind="person",
                    **{k: getattr(r, k) for k in FIELDS}, tags=list(dict.fromkeys(r.tags)),
                    phones=_phones(r.phone, r.mobile), pressbase_id=r.pressbase_id,
                    source_kind="pressbase", data_source="Mediendatenbank (pressbase)",
                    legal_basis="legitimate_interest", created_by=user_uuid(principal), updated_by=user_uuid(principal))
        if not (c.first_name or c.last_name):
            c.kind, c.org_name, c.organisation = "organisation", r.organisation or r.pressbase_id, ""
        session.add(c)
        session.flush()
        set_emails(session, c, [{"email": str(r.email), "primary": True}] if r.email else [])
        refresh_derived(c, [str(r.email)] if r.email else [])
        linked[r.pressbase_id] = c.id
        out.append({"pressbase_id": r.pressbase_id, "contact_id": str(c.id), "created": True})
    session.flush()
    return out


def _phones(phone: str | None, mobile: str | None) -> list[dict]:
    return ([{"number": phone, "label": "work"}] if phone else []) + \
        ([{"number": mobile, "label": "mobile"}] if mobile else [])


UPDATABLE = set(FIELDS) | {"email", "phone", "mobile"}


def update_contacts(work: Work, client_id: Any, updates: Any) -> list:
    """``crm.update_pressbase_contacts`` (docs/contracts.md): pressbase applies the changes its user chose to
    contacts still linked to that pressbase_id; returns [{contact_id, updated}]; corrected addresses emit events."""
    session, principal = work.session, work.principal
    from svckit.validation import parse_uuid
    cid = parse_uuid(client_id, "client_id")
    principal.check_client(str(cid), write=True)
    if not isinstance(updates, list) or not 1 <= len(updates) <= 500:
        raise InvalidInput(fields={"updates": _("1 to 500 updates expected.")})
    account = uuid.UUID(principal.require_account())
    errors: dict[str, Text] = {}
    wanted = []
    for i, u in enumerate(updates):
        fields = (u or {}).get("fields") if isinstance(u, dict) else None
        try:
            contact_id = uuid.UUID(str(u.get("contact_id")))
        except (ValueError, AttributeError):
            errors[f"updates.{i}.contact_id"] = _("Invalid identifier.")
            continue
        if not isinstance(fields, dict) or set(fields) - UPDATABLE:
            errors[f"updates.{i}.fields"] = _("Unknown fields.")
            continue
        try:
            record = PressbaseRecord.model_validate({"pressbase_id": str(u.get("pressbase_id") or "x"), **fields})
        except ValidationError as exc:
            errors.update(to_invalid_input(exc, prefix=f"updates.{i}.fields").fields)
            continue
        wanted.append((contact_id, str(u.get("pressbase_id") or ""), fields, record))
    if errors:
        raise InvalidInput(fields=errors)
    out = []
    for contact_id, pb_id, fields, record in wanted:
        c = session.get(Contact, contact_id)
        if c is None or c.account_id != account or c.client_id != cid or c.pressbase_id != pb_id:
            out.append({"contact_id": str(contact_id), "updated": False})
            continue
        for k in FIELDS:
            if k in fields:
                setattr(c, k, getattr(record, k))
        if "phone" in fields or "mobile" in fields:
            others = [p for p in c.phones or [] if p.get("label") not in
                      (["work"] if "phone" in fields else []) + (["mobile"] if "mobile" in fields else [])]
            c.phones = others + _phones(record.phone if "phone" in fields else None,
                                        record.mobile if "mobile" in fields else None)
        if "email" in fields and record.email:
            emails = repo.emails_of(session, [c.id])[c.id]
            new = str(record.email)
            kept = [{"email": e.email, "label": e.label, "state": e.state} for e in emails
                    if e.email_norm != new.lower() and not e.is_primary]
            old, new_primary = set_emails(session, c, [{"email": new, "primary": True}] + kept)
            if old and old.lower() != new.lower():
                assert new_primary is not None, "set_emails was given a primary address"
                work.emit(events.CONTACT_EMAIL_CORRECTED,
                          events.contact_email_corrected(c.account_id, c.id, old, new_primary))
        c.updated_by = user_uuid(principal)
        refresh_derived(c, [e.email for e in repo.emails_of(session, [c.id])[c.id]])
        out.append({"contact_id": str(c.id), "updated": True})
    session.flush()
    return out


def _diff(c: Contact, primary: str | None, r: PressbaseRecord) -> dict[str, dict]:
    changes = {}
    for k in FIELDS:
        new = getattr(r, k)
        if new not in (None, "") and new != getattr(c, k):
            changes[k] = {"old": getattr(c, k), "new": new}
    if r.email and (primary or "").lower() != str(r.email).lower():
        changes["email"] = {"old": primary, "new": str(r.email)}
    return changes


def receive_updates(work: Work, raw_records: Any) -> int:
    """pressbase sent new versions of records: keep the differences on every linked contact (all accounts)."""
    session, principal, now = work.session, work.principal, work.now
    if not principal.is_service:
        raise Forbidden(ONLY_SERVICES)
    if not isinstance(raw_records, list) or len(raw_records) > 500:
        raise InvalidInput(fields={"records": _("At most 500 records.")})
    records = {r.pressbase_id: r for r in _records(raw_records, clean=True)}
    if not records:
        return 0
    n = 0
    contacts = session.scalars(select(Contact).where(Contact.pressbase_id.in_(list(records)))).all()
    primaries = dict(session.execute(select(ContactEmail.contact_id, ContactEmail.email).where(
        ContactEmail.contact_id.in_([c.id for c in contacts]), ContactEmail.is_primary)).all())
    received_at = now.isoformat()
    for c in contacts:
        assert c.pressbase_id is not None, "selected by pressbase_id"
        r = records[c.pressbase_id]
        changes = _diff(c, primaries.get(c.id), r)
        c.pressbase_pending = {"changes": changes, "received_at": received_at} if changes else None
        n += bool(changes)
    session.flush()
    return n


def pending(work: Work, contact_id: Any) -> dict:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id")
    return {"contact_id": str(c.id), "pressbase_id": c.pressbase_id, **(c.pressbase_pending or {"changes": {}})}


def apply(work: Work, contact_id: Any, fields: Any) -> dict:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True, lock=True)
    changes = (c.pressbase_pending or {}).get("changes") or {}
    if not changes:
        raise Conflict(NOTHING_PENDING)
    chosen = list(changes) if fields in (None, [], "all") else list(fields)
    unknown = [f for f in chosen if f not in changes]
    if unknown:
        raise InvalidInput(fields={"fields": _("No change for: {f}").format(
            f=", ".join(map(str, unknown)))})
    for f in chosen:
        if f == "email":
            emails = repo.emails_of(session, [c.id])[c.id]
            new = changes[f]["new"]
            kept = [{"email": e.email, "label": e.label, "state": e.state} for e in emails
                    if e.email_norm != new.lower() and not e.is_primary]
            old, new_primary = set_emails(session, c, [{"email": new, "primary": True}] + kept)
            if old and old.lower() != new.lower():
                assert new_primary is not None, "set_emails was given a primary address"
                work.emit(events.CONTACT_EMAIL_CORRECTED,
                          events.contact_email_corrected(c.account_id, c.id, old, new_primary))
        else:
            setattr(c, f, changes[f]["new"])
    rest = {k: v for k, v in changes.items() if k not in chosen}
    # pressbase_pending is set here: the changes came from it
    c.pressbase_pending = {**(c.pressbase_pending or {}), "changes": rest} if rest else None
    c.updated_by = user_uuid(principal)
    emails = repo.emails_of(session, [c.id])[c.id]
    refresh_derived(c, [e.email for e in emails])
    session.flush()
    return serialise(c, emails)


def dismiss(work: Work, contact_id: Any) -> None:
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True)
    c.pressbase_pending = None
    session.flush()
