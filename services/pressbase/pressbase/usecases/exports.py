"""Use case: the licensed Excel export of a selection (a job), the export log and the download.

Only with the export add-on and never in the starting phase (domain/licence.py), checked when the export is
requested and again when the job runs. The workbook is written with openpyxl's ``write_only`` mode (constant
memory), one sheet per kind, headers in the reader's language; text that Excel would take for a formula is written
as text. Every finished export is a row in ``exports``: who, when, which selection, how many records.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from svckit.cooperative import in_thread
from svckit.errors import InvalidInput, NotFound
from svckit.i18n import Text
from svckit.principal import Principal
from svckit.rows import rowcount
from svckit.textsafe import export_cell
from svckit.work import Work

from ..contracts import ExportStart, Paging
from ..db.models import Export, Selection
from ..domain import catalog
from ..domain.licence import Licence
from ..i18n import _, ngettext
from . import selections

EXPORT_NOT_FOUND = _("Export not found.")
YES, NO = _("yes"), _("no")
EMPTY_SELECTION = _("The selection contains no (licensed) records.")
KEEP_DAYS = 7
PAGE = 1000
#: rows between two pauses for the event loop (a row is ~1 ms of openpyxl: a pause every ~25 ms; was 200)
ROWS_PER_PAUSE = 25
CHUNK_MAX = 4 * 1024 * 1024

H = Text  # header shorthand
JOURNALIST_COLUMNS: list[tuple[Text, str]] = [
    (H("Pressbase-ID", "Pressbase ID"), "pressbase_id"), (H("Anrede", "Salutation"), "salutation"),
    (H("Titel", "Title"), "title"), (H("Vorname", "First name"), "first_name"),
    (H("Nachname", "Last name"), "last_name"), (H("Position", "Position"), "position"),
    (H("Ressorts", "Desks"), "desks"), (H("Themen", "Topics"), "topics"), (H("Medium", "Outlet"), "outlet"),
    (H("Funktion", "Role"), "role"), (H("Medientyp", "Media type"), "media_type"),
    (H("E-Mail", "E-mail"), "email"), (H("Telefon", "Phone"), "phone"), (H("Straße", "Street"), "street"),
    (H("PLZ", "Postal code"), "postal_code"), (H("Ort", "City"), "city"), (H("Land", "Country"), "country"),
    (H("Bundesland/Kanton", "State"), "state"), (H("Sprachen", "Languages"), "languages"),
    (H("Frei", "Freelance"), "freelance"), (H("Zuletzt geprüft", "Last verified"), "last_verified"),
]
JOURNALIST_PLUS: list[tuple[Text, str]] = [
    (H("Mobil (PLUS)", "Mobile (PLUS)"), "mobile"), (H("LinkedIn (PLUS)", "LinkedIn (PLUS)"), "linkedin"),
    (H("Hinweise (PLUS)", "Notes (PLUS)"), "notes"),
]
OUTLET_COLUMNS: list[tuple[Text, str]] = [
    (H("Pressbase-ID", "Pressbase ID"), "pressbase_id"), (H("Name", "Name"), "name"),
    (H("Medientyp", "Media type"), "media_type"), (H("Verlag", "Publisher"), "publisher"),
    (H("Straße", "Street"), "street"), (H("PLZ", "Postal code"), "postal_code"), (H("Ort", "City"), "city"),
    (H("Land", "Country"), "country"), (H("Bundesland/Kanton", "State"), "state"),
    (H("Sprache", "Language"), "language"), (H("Erscheinungsweise", "Frequency"), "frequency"),
    (H("Auflage", "Circulation"), "circulation"), (H("Reichweite", "Reach"), "reach"),
    (H("Website", "Website"), "website"), (H("E-Mail", "E-mail"), "email"), (H("Telefon", "Phone"), "phone"),
    (H("Themen", "Topics"), "topics"), (H("Ressorts", "Desks"), "departments"),
]
OUTLET_PLUS: list[tuple[Text, str]] = [
    (H("Anzeigenpreis EUR (PLUS)", "Ad price EUR (PLUS)"), "ad_price_eur"),
    (H("Mediadaten (PLUS)", "Media kit (PLUS)"), "media_kit"),
]
SHEETS = {"journalist": _("Journalists"), "outlet": _("Outlets")}

JOURNALIST_EXPORT_ROWS = """
SELECT j.*, o.name AS outlet, o.role, o.media_type AS outlet_type, o.street, o.postal_code, o.city AS outlet_city
  FROM journalists j
  LEFT JOIN LATERAL (SELECT o.name, jo.role, o.media_type, o.street, o.postal_code, o.city
                       FROM journalist_outlets jo JOIN outlets o ON o.id = jo.outlet_id
                      WHERE jo.journalist_id = j.id ORDER BY jo.ord LIMIT 1) o ON true
 WHERE j.id = ANY(CAST(:ids AS bigint[])) ORDER BY j.id
"""


def _label(table: dict[str, Text], code, lang: str):
    if code is None:
        return None
    return table[code].pick(lang) if code in table else code


def _labels(table: dict[str, Text], codes, lang: str) -> str:
    return ", ".join(_label(table, c, lang) for c in (codes or []))


def _journalist_values(r: dict, lang: str) -> dict[str, Any]:
    plus = r.get("plus") or {}
    return {
        "pressbase_id": f"J-{r['id']}", "salutation": {"f": "Frau", "m": "Herr"}.get(r["gender"] or "", "")
        if lang == "de" else {"f": "Ms", "m": "Mr"}.get(r["gender"] or "", ""),
        "title": r["title"], "first_name": r["first_name"], "last_name": r["last_name"], "position": r["position"],
        "desks": _labels(catalog.DESKS, r["desks"], lang), "topics": _labels(catalog.TOPICS, r["topics"], lang),
        "outlet": r["outlet"], "role": _label(catalog.ROLES, r["role"], lang),
        "media_type": _label(catalog.MEDIA_TYPES, r["outlet_type"], lang), "email": r["email"], "phone": r["phone"],
        "street": r["street"], "postal_code": r["postal_code"], "city": r["outlet_city"] or r["city"],
        "country": _label(catalog.COUNTRIES, r["country"], lang), "state": _label(catalog.REGIONS, r["state"], lang),
        "languages": _labels(catalog.LANGUAGES, r["languages"], lang),
        "freelance": (YES if r["freelance"] else NO).pick(lang),
        "last_verified": r["last_verified"], "mobile": plus.get("mobile"), "linkedin": plus.get("linkedin"),
        "notes": plus.get("notes"),
    }


def _outlet_values(r: dict, lang: str) -> dict[str, Any]:
    plus = r.get("plus") or {}
    return {
        "pressbase_id": f"O-{r['id']}", "name": r["name"],
        "media_type": _label(catalog.MEDIA_TYPES, r["media_type"], lang),
        "publisher": r["publisher"], "street": r["street"], "postal_code": r["postal_code"], "city": r["city"],
        "country": _label(catalog.COUNTRIES, r["country"], lang), "state": _label(catalog.REGIONS, r["state"], lang),
        "language": _label(catalog.LANGUAGES, r["language"], lang),
        "frequency": _label(catalog.FREQUENCIES, r["frequency"], lang), "circulation": r["circulation"],
        "reach": r["reach"], "website": r["website"], "email": r["email"], "phone": r["phone"],
        "topics": _labels(catalog.TOPICS, r["topics"], lang),
        "departments": _labels(catalog.DESKS, r["departments"], lang),
        "ad_price_eur": plus.get("ad_price_eur"), "media_kit": plus.get("media_kit"),
    }


#: a phone number as typed ("+49 170 1234567"): no letters, so no function, link or DDE call can hide in it
def _cell(ws, value):
    """Vendor text is never a formula: text starting with =, +, -, @, TAB or CR gets a leading apostrophe
    (svckit.textsafe.safe_cell, the OWASP rule), so Excel and LibreOffice show it as text. Phone numbers stay as
    they are."""
    return WriteOnlyCell(ws, value=export_cell(value))


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9äöüÄÖÜß_-]+", "-", name).strip("-")
    return s[:60] or "auswahl"


def build_workbook(session: Session, licence: Licence, selection: Selection, lang: str,
                   progress: Callable[[int], None], yield_cpu: Callable[[], None]) -> tuple[bytes, int]:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    records = 0
    for kind in ("journalist", "outlet"):
        columns = (JOURNALIST_COLUMNS + (JOURNALIST_PLUS if licence.plus_fields else [])) if kind == "journalist" \
            else (OUTLET_COLUMNS + (OUTLET_PLUS if licence.plus_fields else []))
        ws = None
        after = 0
        while True:
            ids = selections.member_ids(session, licence, selection, kind, after, PAGE, lang)
            if not ids:
                break
            if ws is None:
                ws = wb.create_sheet(SHEETS[kind].pick(lang))
                header = []
                for title, _unused in columns:
                    c = WriteOnlyCell(ws, value=title.pick(lang))
                    c.font = bold
                    header.append(c)
                ws.append(header)
            if kind == "journalist":
                rows = session.execute(text(JOURNALIST_EXPORT_ROWS), {"ids": ids}).mappings().all()
                values_of = _journalist_values
            else:
                rows = session.execute(text("SELECT * FROM outlets WHERE id = ANY(CAST(:ids AS bigint[])) ORDER BY id"),
                                       {"ids": ids}).mappings().all()
                values_of = _outlet_values
            for i, r in enumerate(rows):
                v = values_of(dict(r), lang)
                ws.append([_cell(ws, v.get(key)) for _unused, key in columns])
                if i % ROWS_PER_PAUSE == ROWS_PER_PAUSE - 1:
                    yield_cpu()
            records += len(rows)
            progress(records)
            after = ids[-1]
    if records == 0:
        raise InvalidInput(EMPTY_SELECTION, fields={"selection_id": EMPTY_SELECTION})
    buffer = io.BytesIO()
    in_thread(wb.save, buffer)   # zipping the sheets: in a worker thread, not on the event loop
    return buffer.getvalue(), records


def run(session: Session, principal: Principal, licence: Licence, selection_id, lang: str,
        progress: Callable[[int], None], now: Callable[[], datetime],
        yield_cpu: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """The export job: checks again, writes the workbook, stores it with its log entry (dated by ``now()`` once
    the workbook is written). Caller commits."""
    licence.require_export()
    selection = selections.load(session, principal, selection_id)
    content, records = build_workbook(session, licence, selection, lang, progress, yield_cpu)
    written_at = now()
    export = Export(id=uuid.uuid4(), account_id=selection.account_id, client_id=selection.client_id,
                    selection_id=selection.id, selection_name=selection.name,
                    user_id=principal.user_id if principal.user_id else None, lang=lang, records=records,
                    filename=f"pressbase-{_slug(selection.name)}-{written_at.date().isoformat()}.xlsx", content=content,
                    size=len(content), expires_at=written_at + timedelta(days=KEEP_DAYS))
    session.add(export)
    session.flush()
    return {"export_id": str(export.id), "records": records, "filename": export.filename, "size": len(content)}


def _view(e: Export, now: datetime) -> dict[str, Any]:
    return {"id": str(e.id), "selection_id": str(e.selection_id) if e.selection_id else None,
            "selection_name": e.selection_name, "client_id": str(e.client_id) if e.client_id else None,
            "user_id": str(e.user_id) if e.user_id else None, "records": e.records, "filename": e.filename,
            "size": e.size, "created_at": e.created_at.isoformat(),
            "expires_at": e.expires_at.isoformat() if e.expires_at else None,
            "available": e.size is not None and (e.expires_at is None or e.expires_at > now)}


def _visible(principal: Principal, e: Export) -> bool:
    if str(e.account_id) != str(principal.require_account()):
        return False
    if e.client_id is not None and not principal.can_see_client(str(e.client_id)):
        return False
    if principal.is_user and not principal.has_role("administrator", "license_manager") \
            and str(e.user_id) != str(principal.user_id):
        return False
    return True


def log(work: Work, paging: Paging) -> dict[str, Any]:
    """The export log: administrators and license managers see every export of the account, users their own."""
    session, principal, now = work.session, work.principal, work.now
    from ..domain.query import decode_cursor, encode_cursor

    account = principal.require_account()
    stmt = select(Export).where(Export.account_id == account)
    if principal.is_user and not principal.has_role("administrator", "license_manager"):
        stmt = stmt.where(Export.user_id == principal.user_id)
    cursor = decode_cursor(paging.cursor, "exports") if paging.cursor else None
    if cursor:
        stmt = stmt.where(Export.created_at < datetime.fromisoformat(str(cursor.get("k"))))
    rows = [e for e in session.execute(stmt.order_by(Export.created_at.desc()).limit(paging.limit + 1)).scalars()]
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    shown = [e for e in rows if _visible(principal, e)]
    nxt = encode_cursor({"s": "exports", "k": rows[-1].created_at.isoformat(), "id": 0}) if more else None
    return {"items": [_view(e, now) for e in shown], "next_cursor": nxt}


def chunk(work: Work, export_id: Any, offset: int, size: int) -> dict[str, Any]:
    session, principal, now = work.session, work.principal, work.now
    try:
        eid = uuid.UUID(str(export_id))
    except ValueError:
        raise InvalidInput(fields={"export_id": _("Invalid identifier.")}) from None
    export = session.get(Export, eid)
    if export is None or not _visible(principal, export):
        raise NotFound(EXPORT_NOT_FOUND)
    if export.size is None or (export.expires_at and export.expires_at <= now):
        raise NotFound(ngettext("The export file is no longer available (deleted after {days} day).",
                                "The export file is no longer available (deleted after {days} days).",
                                KEEP_DAYS).format(days=KEEP_DAYS))
    size = max(1, min(size, CHUNK_MAX))
    offset = max(0, offset)
    data = session.execute(text("SELECT substring(content FROM :o FOR :n) FROM exports WHERE id = :i"),
                           {"o": offset + 1, "n": size, "i": eid}).scalar() or b""
    import base64

    return {"filename": export.filename, "size": export.size, "offset": offset,
            "content_b64": base64.b64encode(data).decode(),
            "next_offset": offset + len(data) if offset + len(data) < export.size else None,
            "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def expire(session: Session) -> int:
    """Drop files past their time; the log entries stay."""
    return rowcount(session.execute(
        text("UPDATE exports SET content = NULL WHERE content IS NOT NULL AND expires_at < now()")))


def start(work: Work, queue: Any, params: ExportStart) -> dict:
    """An export of a selection as a job (``queue``: the service's ``self.jobs``); only with a licence that allows
    exports."""
    from svckit.jobs import serialise

    from .search import licence_of

    licence_of(work.session, work.principal).require_export()
    selection = selections.load(work.session, work.principal, params.selection_id)
    job = queue.enqueue(work.session, "export", work.principal,
                        {"selection_id": str(selection.id), "lang": params.lang or work.principal.lang})
    return serialise(job, work.principal.lang)
