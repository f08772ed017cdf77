"""Excel exports ready for mail merge: lists, event participants, a mailing's recipients, chosen contacts.

Written with openpyxl's ``write_only`` mode (rows streamed to disk, flat memory) from keyset pages of 1,000
contacts. Every page is scoped by the principal the job was started with: contacts of clients the user cannot
see are never read, so they cannot leak into a file.

Two rules of issue 13: every text cell goes through ``svckit.textsafe.safe_cell`` (a name such as
``=HYPERLINK(...)`` stays text, never a live formula), and in the starting phase, when pressbase refuses its own
export, contacts that came from pressbase (``pressbase_id`` set or ``source_kind`` pressbase) are left out; the
file says so on a sheet "Hinweis"/"Note" and the job's result counts them (``left_out``).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from svckit import entitlements as ent
from svckit.cooperative import in_thread, yield_every
from svckit.errors import NotFound
from svckit.i18n import Text
from svckit.jobs import JobContext
from svckit.principal import Principal
from svckit.textsafe import export_cell

from .db import contacts as repo
from .db.models import Contact, ContactEmail, HistoryEntry, ListMember, Participant, StoredFile, account_entitlements
from .domain import salutation
from .i18n import _, ngettext
from .usecases.common import NOT_FOUND, Scope
from .usecases.contacts import person_of

PAGE = 1000
#: rows between two pauses for the event loop (openpyxl writes a row in ~1 ms: a pause every ~20 ms)
ROWS_PER_PAUSE = 20
COLUMNS = [
    ("salutation", _("Salutation")), ("title", _("Title")),
    ("first_name", _("First name")), ("last_name", _("Last name")),
    ("organisation", _("Organisation")), ("position", _("Position")),
    ("department", _("Department")), ("email", _("E-mail")),
    ("email_valid", _("E-mail valid")), ("phone", _("Phone")),
    ("street", _("Street")), ("address_extra", _("Address line 2")),
    ("postal_code", _("Postal code")), ("city", _("City")), ("country", _("Country")),
    ("language", _("Language")), ("letter_salutation", _("Letter salutation")),
    ("address_block", _("Address block")), ("tags", _("Tags")),
]
STATUS_COLUMN = ("status", _("Status"))
STATUS_TEXT = {"invited": _("invited"), "registered": _("registered"),
               "declined": _("declined"), "attended": _("attended")}
SHEET = _("Contacts")
NOTE_SHEET = _("Note")
YES_NO = (_("yes"), _("no"))


def pressbase_left_out(n: int) -> Text:
    return ngettext("{n} contact from the media database (pressbase) is left out: its export is not available in the "
                    "starting phase.",
                    "{n} contacts from the media database (pressbase) are left out: their export is not available "
                    "in the starting phase.", n).format(n=n)


def source_query(session: Session, principal: Principal, source: dict) -> tuple[list, Any, str]:
    """(WHERE parts, extra column or None, a name for the file) for an export source."""
    from .usecases.lists import visible_list
    from .usecases.press_events import visible_event

    scope = Scope(principal)
    if source.get("list_id"):
        dl = visible_list(session, principal, source["list_id"])
        if dl.kind == "static":
            conds = repo.conditions(dl.account_id, [dl.client_id], None)
            conds += [Contact.id == ListMember.contact_id, ListMember.list_id == dl.id]
            return conds, None, dl.name, ListMember
        return repo.conditions(dl.account_id, [dl.client_id], dl.filter or {}), None, dl.name, None
    if source.get("event_id"):
        e = visible_event(session, principal, source["event_id"])
        conds = repo.conditions(scope.account_id, scope.clients, None)
        conds += [Contact.client_id == e.client_id, Participant.event_id == e.id]
        if source.get("status"):
            conds.append(Participant.status == source["status"])
        return conds, Participant.status, e.name, Participant
    if source.get("mailing_id"):
        conds = repo.conditions(scope.account_id, scope.clients, None)
        conds.append(Contact.id.in_(select(HistoryEntry.contact_id).where(
            HistoryEntry.account_id == scope.account_id, HistoryEntry.ref == f"mailing:{source['mailing_id']}")))
        return conds, None, f"Mailing {source['mailing_id']}", None
    conds = repo.conditions(scope.account_id, scope.clients, None)
    conds.append(Contact.id.in_([uuid.UUID(str(i)) for i in source.get("contact_ids") or []]))
    return conds, None, "Kontakte", None


#: a phone number as typed ("+49 89 1234-0", "+43 (1) 234 56"): no letters, so no function, link or DDE call can hide
#: in it; it stays as it is (an apostrophe in front would show in every mail-merge letter)
def pressbase_sourced():
    """Contacts whose data came from pressbase: transferred (source pressbase) or linked to a pressbase record."""
    return or_(Contact.pressbase_id.is_not(None), Contact.source_kind == "pressbase")


def leaves_out_pressbase(session: Session, account_id) -> bool:
    """In the starting phase pressbase refuses its export (pressbase.domain.licence); its journalists transferred
    into the crm must not leave as a file either. An account billing has not spoken about counts as starting."""
    return ent.load(session, account_entitlements, str(account_id)).phase == ent.STARTING


def _row(c: Contact, email: str | None, state: str | None, lang: str, status: str | None) -> list[Any]:
    org = c.org_name if c.kind == "organisation" else c.organisation
    block = salutation.address_block(gender=c.gender, title=c.title, first_name=c.first_name, last_name=c.last_name,
                                     organisation=org, department=c.department, street=c.street,
                                     address_extra=c.address_extra, postal_code=c.postal_code, city=c.city,
                                     country=c.country, language=lang, kind=c.kind)
    phones = ", ".join(p.get("number", "") for p in c.phones or [])
    values = {
        "salutation": salutation.salutation_word(c.gender, lang), "title": c.title, "first_name": c.first_name,
        "last_name": c.last_name, "organisation": org, "position": c.position, "department": c.department,
        "email": email or "", "email_valid": (YES_NO[0] if email and state != "invalid" else YES_NO[1]).pick(lang),
        "phone": phones, "street": c.street, "address_extra": c.address_extra, "postal_code": c.postal_code,
        "city": c.city, "country": c.country, "language": c.language,
        "letter_salutation": salutation.letter_salutation(person_of(c)), "address_block": "\n".join(block),
        "tags": ", ".join(c.tags or []),
    }
    row = [values[k] for k, _unused in COLUMNS]
    if status is not None:
        row.append(STATUS_TEXT[status].pick(lang))
    # text that Excel or LibreOffice would take for a formula (=, +, -, @, TAB, CR) is written as text
    return [export_cell(v) for v in row]


def write_xlsx(session: Session, principal: Principal, source: dict, lang: str, path: str,
               progress=None, left_out: dict | None = None) -> tuple[int, str]:
    """The workbook; ``left_out`` (if given) receives what was left out and why ({"pressbase": n, "note": text})."""
    conds, extra, name, driver = source_query(session, principal, source)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET.pick(lang))
    skipped = 0
    if leaves_out_pressbase(session, principal.require_account()):
        count_from = Contact.__table__
        if driver is not None:
            count_from = count_from.join(driver.__table__, driver.contact_id == Contact.id)
        skipped = session.scalar(select(func.count()).select_from(count_from).where(*conds, pressbase_sourced()))
        conds = list(conds) + [Contact.pressbase_id.is_(None), Contact.source_kind != "pressbase"]
    header = [t.pick(lang) for _unused, t in COLUMNS] + ([STATUS_COLUMN[1].pick(lang)] if extra is not None else [])
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    block_col = [k for k, _unused in COLUMNS].index("address_block")
    rows = 0
    after: uuid.UUID | None = None
    join = repo.primary_email_join()
    key = Contact.id
    if driver is not None:   # a membership table drives the pages: one index range per page
        join = join.join(driver.__table__, driver.contact_id == Contact.id)
        key = driver.contact_id
    cols = [Contact, ContactEmail.email, ContactEmail.state] + ([extra] if extra is not None else [])
    while True:
        page_conds = list(conds) + ([key > after] if after else [])
        page = session.execute(select(*cols).select_from(join).where(*page_conds).order_by(key)
                               .limit(PAGE)).all()
        for r in yield_every(page, ROWS_PER_PAUSE):
            values = _row(r[0], r[1], r[2], lang, r[3] if extra is not None else None)
            block = WriteOnlyCell(ws, value=values[block_col])
            block.alignment = wrap
            values[block_col] = block
            ws.append(values)
        rows += len(page)
        if progress:
            progress(rows)
        if len(page) < PAGE:
            break
        after = page[-1][0].id
        session.expunge_all()
    if skipped:
        note = pressbase_left_out(skipped).pick(lang)
        wb.create_sheet(NOTE_SHEET.pick(lang)).append([note])
        if left_out is not None:
            left_out.update({"pressbase": skipped, "note": note})
    in_thread(wb.save, path)   # zips the rows written so far: in a worker thread, not on the event loop
    return rows, name


def _sha256(path: str) -> str:
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_export(ctx: JobContext) -> dict:
    """Job ``export``: the file lands in storage; the client downloads it from /jobs/{id}/file."""
    p = ctx.params
    lang = p.get("language") or ctx.principal.lang
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=getattr(ctx.storage, "root", None))
    os.close(fd)
    try:
        left_out: dict = {}
        rows, name = write_xlsx(ctx.session, ctx.principal, p["source"], lang, tmp,
                                progress=lambda n: ctx.progress(n), left_out=left_out)
        size = os.path.getsize(tmp)
        digest = in_thread(_sha256, tmp)
        file_id = uuid.uuid4()
        key = f"{ctx.account_id}/export/{file_id}"
        from pathlib import Path
        ctx.storage.put_file(key, Path(tmp), move=True)
        safe = "".join(ch for ch in name if ch.isalnum() or ch in " -_äöüÄÖÜß")[:80].strip() or "Export"
        ctx.session.add(StoredFile(id=file_id, account_id=ctx.account_id, client_id=None, purpose="export",
                                   name=f"{safe}.xlsx", size=size, sha256=digest, storage_key=key,
                                   content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   created_by=ctx.user_id))
        ctx.session.commit()
        result = {"file_id": str(file_id), "rows": rows, "filename": f"{safe}.xlsx"}
        if left_out:
            result["left_out"] = left_out
        return result
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_source(session: Session, principal: Principal, source: dict) -> None:
    """Validate the source before queueing (unknown or hidden list/event -> 404 now, not in a failed job)."""
    source_query(session, principal, source)[0]
    if source.get("contact_ids") is not None and not source["contact_ids"]:
        raise NotFound(NOT_FOUND["contact"])
