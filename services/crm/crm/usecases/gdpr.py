"""GDPR: everything about one person (Art. 15), erasing a person and telling the other services (Art. 17), and the
crm's part of the whole-account export (``export_account_data``, docs/contracts.md)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput
from svckit.jobs import serialise as job_json
from svckit.principal import ADMINISTRATOR, LICENSE_MANAGER
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import events
from ..db import contacts as repo
from ..db.models import (
    Contact,
    ContactEmail,
    ContactFile,
    CustomField,
    DistributionList,
    ErasureLog,
    Event,
    HistoryEntry,
    HistoryFile,
    Job,
    ListMember,
    MediaFolder,
    Participant,
    StoredFile,
)
from ..i18n import _
from . import history as history_uc
from .common import decode_cursor, encode_cursor, iso, load, user_uuid
from .contacts import serialise
from .media import serialise_file, usage_event

#: the tables of the crm's account export, in order, with the columns that are exported
TABLES: list[tuple[str, Any]] = [
    ("contacts", Contact), ("contact_emails", ContactEmail), ("custom_fields", CustomField),
    ("lists", DistributionList), ("list_members", ListMember), ("events", Event),
    ("event_participants", Participant), ("history", HistoryEntry), ("media_folders", MediaFolder),
    ("files", StoredFile), ("contact_files", ContactFile), ("history_files", HistoryFile),
]
SKIP_COLUMNS = {"search_text", "name_key", "org_key", "storage_key"}
PAGE = 2000


def person_export(work: Work, contact_id: Any) -> dict:
    """Art. 15: the contact with every address, list, event, history entry and file the crm holds about them."""
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id")
    emails = repo.emails_of(session, [c.id])[c.id]
    lists = session.execute(select(DistributionList.id, DistributionList.name).join(
        ListMember, ListMember.list_id == DistributionList.id).where(ListMember.contact_id == c.id)).all()
    evs = session.execute(select(Event.id, Event.name, Event.starts_at, Participant.status).join(
        Participant, Participant.event_id == Event.id).where(Participant.contact_id == c.id)).all()
    history = session.scalars(select(HistoryEntry).where(HistoryEntry.contact_id == c.id)
                              .order_by(HistoryEntry.occurred_at)).all()
    files = session.scalars(select(StoredFile).where(StoredFile.id.in_(
        select(ContactFile.file_id).where(ContactFile.contact_id == c.id).union(
            select(HistoryFile.file_id).join(HistoryEntry, HistoryEntry.id == HistoryFile.history_id)
            .where(HistoryEntry.contact_id == c.id))))).all()
    dynamic = [dl for dl in session.scalars(select(DistributionList).where(
        DistributionList.client_id == c.client_id, DistributionList.kind == "dynamic"))
        if session.scalar(select(func.count()).select_from(Contact).where(
            Contact.id == c.id, *repo.conditions(c.account_id, [c.client_id], dl.filter or {})))]
    return {
        "article": "GDPR Art. 15",
        "controller_note": _("Access to the data the CRM stores about this person.").to_wire(),
        "contact": serialise(c, emails),
        "legal_basis": c.legal_basis, "data_source": c.data_source, "informed_at": iso(c.informed_at),
        "lists": [{"id": str(i), "name": n, "kind": "static"} for i, n in lists] +
                 [{"id": str(dl.id), "name": dl.name, "kind": "dynamic"} for dl in dynamic],
        "events": [{"id": str(i), "name": n, "starts_at": iso(s), "status": st} for i, n, s, st in evs],
        "history": [history_uc.serialise(h) for h in history],
        "files": [serialise_file(f) for f in files],
    }


def erase_person(work: Work, storage, contact_id: Any) -> dict:
    """Art. 17: delete the contact, its history and the files only it had; log the erasure (addresses as hashes)
    and tell every other service (``person_erasure_requested``, through the outbox)."""
    session, principal = work.session, work.principal
    c = load(session, Contact, contact_id, principal, "contact", field="contact_id", write=True)
    emails = [e.email_norm for e in repo.emails_of(session, [c.id])[c.id]]
    own_files = session.scalars(select(StoredFile).where(StoredFile.id.in_(
        select(HistoryFile.file_id).join(HistoryEntry, HistoryEntry.id == HistoryFile.history_id)
        .where(HistoryEntry.contact_id == c.id)))).all()
    shared = set(session.scalars(select(HistoryFile.file_id).join(HistoryEntry, HistoryEntry.id ==
                                                                   HistoryFile.history_id)
                                 .where(HistoryEntry.contact_id != c.id,
                                        HistoryFile.file_id.in_([f.id for f in own_files]))))
    doomed = [f for f in own_files if f.id not in shared and f.purpose == "attachment"]
    keys = [f.storage_key for f in doomed]
    account_id = c.account_id
    session.add(ErasureLog(account_id=account_id, contact_id=c.id, requested_by=user_uuid(principal),
                           email_hashes=[hashlib.sha256(e.encode()).hexdigest() for e in emails]))
    for f in doomed:
        session.delete(f)
    session.delete(c)
    session.flush()
    for key in keys:
        storage.delete(key)
    work.emit(events.PERSON_ERASURE_REQUESTED,
              events.person_erasure_requested(account_id, c.id, emails, principal.user_id))
    work.emit(events.PERSON_ERASED, events.person_erased(account_id, c.id))
    if doomed:
        work.emit(*usage_event(session, account_id))
    return {"contact_id": str(c.id), "erased": True, "emails": len(emails)}


def _row(obj) -> dict[str, Any]:
    return {col.key: iso(getattr(obj, col.key)) for col in obj.__table__.columns if col.key not in SKIP_COLUMNS}


def account_rows(session: Session, account_id: uuid.UUID, model, after: Any = None, limit: int = PAGE) -> list:
    pk = list(model.__table__.primary_key.columns)
    query = select(model).where(model.account_id == account_id).order_by(*pk).limit(limit).offset(after or 0)
    return list(session.scalars(query))


def export_account_data(work: Work, account_id: Any, cursor: str | None) -> dict:
    """The crm's part of the whole-account export, one table page per call (``next_cursor`` until null).
    Files are listed with their metadata; the archive job adds their contents."""
    session, principal = work.session, work.principal
    if not principal.is_service:
        principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
    account = parse_uuid(account_id, "account_id")
    if str(account) != str(principal.require_account()):
        raise InvalidInput(fields={"account_id": _("Only your own account.")})
    position = decode_cursor(cursor, 2) or ["0", "0"]
    index, offset = int(position[0]), int(position[1])
    if index >= len(TABLES):
        return {"service": "crm", "tables": {}, "files": [], "next_cursor": None}
    name, model = TABLES[index]
    rows = account_rows(session, account, model, offset)
    if len(rows) == PAGE:
        nxt = encode_cursor(index, offset + PAGE)
    elif index + 1 < len(TABLES):
        nxt = encode_cursor(index + 1, 0)
    else:
        nxt = None
    return {"service": "crm", "tables": {name: [_row(r) for r in rows]}, "files": [], "next_cursor": nxt}


def start_account_export(work: Work, queue: Any) -> dict:
    """The whole account in one archive (every service's part), as a job (``queue``: the service's ``self.jobs``);
    administrators and license managers."""
    work.principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
    return job_json(queue.enqueue(work.session, "account_export", work.principal, {}))


def account_exports(work: Work) -> list[dict]:
    """The account's export archives, newest first (administrators and license managers)."""
    principal = work.principal
    principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
    account = uuid.UUID(principal.require_account())
    jobs = work.session.scalars(select(Job).where(Job.account_id == account, Job.kind == "account_export")
                                .order_by(Job.created_at.desc()).limit(50))
    return [job_json(j) for j in jobs]
