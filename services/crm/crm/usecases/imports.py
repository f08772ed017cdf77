"""The import wizard: upload -> analysis (sheets, header row, mapping by synonyms) -> the user changes the mapping
-> dry run with a report per row -> import into a client (and list) with a duplicate strategy, as a job."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svckit.cooperative import in_thread
from svckit.errors import Conflict, InvalidInput, NotFound
from svckit.i18n import Text
from svckit.principal import Principal
from svckit.textsafe import without_nul
from svckit.validation import parse_uuid
from svckit.work import Work

from ..contracts import ImportMapping, ImportRun, Page
from ..db.models import CustomField, DistributionList, Import, ImportRow, StoredFile
from ..domain import importing
from ..i18n import _
from ..importer.reader import Workbook, is_blank
from ..importer.sniff import sniff
from .common import NOT_FOUND, decode_cursor, encode_cursor, iso, user_uuid
from .uploads import spooled, store

SAMPLE_ROWS = 30
MAX_SHEETS = 20
UNKNOWN_FIELD = _("Unknown field: {f}")
BAD_COLUMN = _("Column number expected.")
DOUBLE_FIELD = _("Field {f} is mapped to several columns.")
NO_NAME_FIELD = _("Map at least last name, first name or organisation.")
LIST_CLIENT = _("The list belongs to another client.")
LIST_DYNAMIC = _("Cannot import into a dynamic list.")
RUNNING = _("A job is already running for this import.")
DRY_FIRST = _("Please do a dry run with these settings first.")
DIFFERS = _("Differs from the dry run. Repeat the dry run with these settings.")
DIFFERS_FIELD = _("Differs from the dry run.")
LIMIT_TEXT = _("A number from 1 to 100 expected.")
OFFSET_TEXT = _("A number from 0 to 100000 expected.")
#: what a run is bound to: the settings its dry run used (file, sheet, header row, mapping, client, list, strategy)
BOUND = ("file_id", "sheet", "header_row", "mapping", "client_id", "list_id", "strategy")


def custom_labels(session: Session, account_id) -> tuple[dict[str, str], dict[str, tuple[str, list]]]:
    labels, defs = {}, {}
    for d in session.scalars(select(CustomField).where(CustomField.account_id == account_id)):
        for label in (d.label_de, d.label_en, d.key):
            labels[importing.header_key(label)] = d.key
        defs[d.key] = (d.type, d.choices or [])
    return labels, defs


def _visible_import(session: Session, principal: Principal, import_id: Any) -> Import:
    imp = session.get(Import, parse_uuid(import_id, "import_id"))
    if imp is None or str(imp.account_id) != str(principal.require_account()):
        raise NotFound(NOT_FOUND["import"])
    if not principal.is_service and imp.user_id and str(imp.user_id) != str(principal.user_id):
        raise NotFound(NOT_FOUND["import"])   # an upload is its uploader's until it is imported
    return imp


def serialise(imp: Import) -> dict[str, Any]:
    dry = (imp.analysis or {}).get("dry_run")
    return {"id": str(imp.id), "filename": imp.filename, "format": imp.format, "state": imp.state,
            "sheets": imp.analysis.get("sheets", []), "sheet": imp.sheet, "header_row": imp.header_row,
            "mapping": imp.mapping, "fields": list(importing.FIELDS), "summary": imp.summary,
            "dry_run": {k: dry.get(k) for k in BOUND if k != "file_id"} if dry else None,
            "created_at": iso(imp.created_at)}


def run_settings(imp: Import, client_id: Any, list_id: Any, strategy: str) -> dict[str, Any]:
    """The settings a run uses, in the form the dry run's are kept (``analysis.dry_run``)."""
    return {"file_id": str(imp.file_id) if imp.file_id else None, "sheet": imp.sheet, "header_row": imp.header_row or 1,
            "mapping": {str(k): v for k, v in (imp.mapping or {}).items()}, "client_id": str(client_id),
            "list_id": str(list_id) if list_id else None, "strategy": strategy or "skip"}


def _check_bound_to_dry_run(imp: Import, wanted: dict[str, Any]) -> None:
    """A run is bound to the import's last finished dry run: the same file, sheet, header row, mapping, client,
    list and duplicate strategy. Anything else is refused (409) naming what differs; the user repeats the dry run.
    (A wizard reopened later must not import into another client than the one whose report the user read.)"""
    dry = (imp.analysis or {}).get("dry_run")
    if not dry:
        raise Conflict(DRY_FIRST, fields={"dry_run": DRY_FIRST}, differs=[])
    differs = [k for k in BOUND if dry.get(k) != wanted.get(k)]
    if differs:
        raise Conflict(DIFFERS, fields={k: DIFFERS_FIELD for k in differs}, differs=differs)


def _shown(cell: Any) -> str:
    """A cell as the wizard shows it: NUL removed (a CSV file may carry it; PostgreSQL cannot store it, and the row
    itself becomes an error in the dry run)."""
    return without_nul(importing.cell_text(cell))


def _padded(row: list[Any], width: int) -> list[Any]:
    return list(row) + [None] * (width - len(row))


def analyse(wb: Workbook, labels: dict[str, str]) -> list[dict]:
    sheets = []
    for name in wb.sheets()[:MAX_SHEETS]:
        rows = []
        for _row_no, values in wb.rows(name, merged=False):
            rows.append(values)
            if len(rows) >= SAMPLE_ROWS:
                break
        header_idx = importing.detect_header(rows, labels)
        # rows end at their last value (never padded to the declared width): the columns are the widest row's
        width = max((len(r) for r in rows), default=0)
        header = _padded(rows[header_idx], width) if rows else []
        data = [r for r in rows[header_idx + 1:] if not is_blank(r)]
        sheets.append({"name": name, "header_row": header_idx + 1,
                       "columns": [_shown(c) for c in header],
                       "mapping": importing.suggest_mapping(header, labels),
                       "sample": [[_shown(c) for c in _padded(r, width)] for r in data[:5]],
                       "rows_estimate": wb.estimate(name)})
    return sheets


def start(work: Work, storage, raw_upload: Any) -> dict:
    session, principal, config = work.session, work.principal, work.config
    account_id = uuid.UUID(principal.require_account())
    upload, path = spooled(config, raw_upload)
    fmt, encoding = in_thread(sniff, path)   # testzip inflates every part: not on the service's event loop
    labels, _defs = custom_labels(session, account_id)
    with Workbook(path, fmt, encoding) as wb:
        sheets = analyse(wb, labels)
        delimiter = wb.delimiter
    # the best sheet: the one whose header names most fields
    best = max(sheets, key=lambda s: sum(1 for f in s["mapping"].values() if f)) if sheets else None
    f = store(session, storage, path, account_id=account_id, client_id=None, purpose="import", name=upload.filename,
              content_type=upload.content_type, size=upload.size, sha256=upload.sha256,
              created_by=user_uuid(principal))
    imp = Import(id=uuid.uuid4(), account_id=account_id, user_id=user_uuid(principal), file_id=f.id,
                 filename=upload.filename, format=fmt, encoding=encoding, delimiter=delimiter,
                 analysis={"sheets": sheets}, sheet=best["name"] if best else None,
                 header_row=best["header_row"] if best else 1, mapping=best["mapping"] if best else {},
                 state="analysed")
    session.add(imp)
    session.flush()
    return serialise(imp)


def _bounded_int(value: Any, field: str, default: int, low: int, high: int, text: Text) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise InvalidInput(fields={field: text})
    return number


def recent(work: Work, limit: Any = 20, offset: Any = 0) -> list[dict]:
    """The caller's own imports, newest first (the start screen and the wizard's list): name, state, counts.
    ``limit`` 1..100 and ``offset`` 0..100000; anything else is refused naming the field."""
    session, principal = work.session, work.principal
    limit = _bounded_int(limit, "limit", 20, 1, 100, LIMIT_TEXT)
    offset = _bounded_int(offset, "offset", 0, 0, 100_000, OFFSET_TEXT)
    query = select(Import).where(Import.account_id == uuid.UUID(str(principal.require_account())))
    if not principal.is_service:
        query = query.where(Import.user_id == user_uuid(principal))
    rows = session.scalars(query.order_by(Import.created_at.desc(), Import.id.desc())
                          .limit(limit).offset(offset))
    return [{"id": str(i.id), "filename": i.filename, "format": i.format, "state": i.state, "summary": i.summary,
             "created_at": iso(i.created_at), "updated_at": iso(i.updated_at)} for i in rows]


def get(work: Work, import_id: Any) -> dict:
    session, principal = work.session, work.principal
    return serialise(_visible_import(session, principal, import_id))


def set_mapping(work: Work, import_id: Any, data: ImportMapping) -> dict:
    session, principal = work.session, work.principal
    imp = _visible_import(session, principal, import_id)
    sheets = {s["name"]: s for s in imp.analysis.get("sheets", [])}
    if data.sheet is not None:
        if data.sheet not in sheets:
            raise InvalidInput(fields={"sheet": _("There is no such sheet: {n}").format(n=data.sheet)})
        imp.sheet = data.sheet
    if data.header_row is not None:
        imp.header_row = data.header_row
    _unused, defs = custom_labels(session, imp.account_id)
    allowed = set(importing.FIELDS) | {f"custom:{k}" for k in defs} | {""}
    errors: dict[str, Text] = {}
    used: dict[str, str] = {}
    mapping: dict[str, str] = {}
    for col, field in data.mapping.items():
        if not col.isdigit() or not 1 <= int(col) <= 1000:
            errors[f"mapping.{col}"] = BAD_COLUMN
            continue
        if field not in allowed:
            errors[f"mapping.{col}"] = UNKNOWN_FIELD.format(f=field)
            continue
        if field and field in used:
            errors[f"mapping.{col}"] = DOUBLE_FIELD.format(f=field)
            continue
        if field:
            used[field] = col
        mapping[str(int(col))] = field
    if not errors and not {"last_name", "first_name", "organisation"} & set(used):
        errors["mapping"] = NO_NAME_FIELD
    if errors:
        raise InvalidInput(fields=errors)
    imp.mapping = mapping
    imp.state = "mapped"
    session.flush()
    return serialise(imp)


def start_run(work: Work, jobs, import_id: Any, data: ImportRun, dry: bool) -> dict:
    session, principal = work.session, work.principal
    imp = _visible_import(session, principal, import_id)
    principal.check_client(str(data.client_id), write=not dry)
    if data.list_id is not None:
        dl = session.get(DistributionList, data.list_id)
        if dl is None or dl.account_id != imp.account_id:
            raise NotFound(NOT_FOUND["list"], fields={"list_id": NOT_FOUND["list"]})
        principal.check_row(dl.account_id, dl.client_id, write=not dry, not_found=NOT_FOUND["list"])
        if dl.client_id != data.client_id:
            raise InvalidInput(fields={"list_id": LIST_CLIENT})
        if dl.kind != "static":
            raise InvalidInput(fields={"list_id": LIST_DYNAMIC})
    if not {"last_name", "first_name", "organisation"} & set(imp.mapping.values()):
        raise InvalidInput(fields={"mapping": NO_NAME_FIELD})
    from ..db.models import Job
    busy = session.scalar(select(Job.id).where(Job.account_id == imp.account_id, Job.kind.in_(("import_dry", "import")),
                                               Job.state.in_(("queued", "running")),
                                               Job.params["import_id"].astext == str(imp.id)))
    if busy:
        raise Conflict(RUNNING, job_id=str(busy))
    settings = run_settings(imp, data.client_id, data.list_id, data.strategy)
    if dry:
        # a new dry run replaces the old one's report: until it has finished, nothing is bound to run
        imp.analysis = {k: v for k, v in (imp.analysis or {}).items() if k != "dry_run"}
    else:
        _check_bound_to_dry_run(imp, settings)
    params: dict[str, Any] = {"import_id": str(imp.id), "client_id": str(data.client_id), "strategy": data.strategy,
              "list_id": str(data.list_id) if data.list_id else None, "dry": dry}
    if not dry:
        params["bound"] = settings   # the job checks again that the import still has these settings
    job = jobs.enqueue(session, "import_dry" if dry else "import", principal, params, client_id=data.client_id)
    imp.state = "dry_run" if dry else "importing"
    session.flush()
    from svckit.jobs import serialise as job_json
    return job_json(job)


def report(work: Work, import_id: Any, run: str, outcome: str | None, page: Page, lang: str | None = None) -> dict:
    session, principal = work.session, work.principal
    imp = _visible_import(session, principal, import_id)
    if run not in ("dry", "real"):
        raise InvalidInput(fields={"run": _("Allowed values: dry, real.")})
    query = select(ImportRow).where(ImportRow.import_id == imp.id, ImportRow.run == run)
    if outcome:
        query = query.where(ImportRow.outcome == outcome)
    after = decode_cursor(page.cursor, 1)
    if after:
        try:
            query = query.where(ImportRow.row_no > int(after[0]))
        except ValueError:
            raise InvalidInput(fields={"cursor": _("Invalid cursor.")}) from None
    rows = session.scalars(query.order_by(ImportRow.row_no).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    lang = lang if lang in ("de", "en") else principal.lang
    items = [{"row": r.row_no, "outcome": r.outcome, "contact_id": iso(r.contact_id),
              "reasons": [Text.from_wire(x).pick(lang) for x in r.reasons]} for r in rows]
    return {"items": items, "summary": (imp.summary or {}).get(run),
            "next_cursor": encode_cursor(rows[-1].row_no) if more and rows else None}


def file_of(session: Session, imp: Import) -> StoredFile | None:
    return session.get(StoredFile, imp.file_id)
