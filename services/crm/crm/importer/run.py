"""The import job (dry run or real): rows in batches of 500, a report row per spreadsheet row, commit per batch.
The workbook is parsed in a child process (``reader``, ``Workbook(process=True)``); the loops here run on the
service's event loop and pause for it every ``ROWS_PER_PAUSE`` rows, so health checks, searches and other jobs keep
their turn.

Outcomes per row: ``error`` (reasons), ``duplicate_in_file``, ``existing`` (already a contact with that address;
strategy skip), ``updated``, ``created``, ``unchanged`` (created by an earlier run of this same import: re-running
never creates anything twice, thanks to the contact's ``source_ref`` = import:<id>:<row>).
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import closing
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from svckit.clock import utcnow
from svckit.cooperative import yield_every
from svckit.jobs import JobContext

from ..db import contacts as repo
from ..db.models import Contact, ContactEmail, Import, ImportRow, ListMember, StoredFile
from ..domain import folding, importing
from .reader import Workbook, is_blank

BATCH = 500
#: rows between two pauses for the event loop (a row costs ~0.2 ms of CPU on the hub: a pause every ~5 ms)
ROWS_PER_PAUSE = 25


def run_import(ctx: JobContext) -> dict:
    p = ctx.params
    s = ctx.session
    imp = s.get(Import, uuid.UUID(p["import_id"]))
    f = s.get(StoredFile, imp.file_id)
    dry = bool(p.get("dry"))
    run = "dry" if dry else "real"
    client_id = uuid.UUID(p["client_id"])
    list_id = uuid.UUID(p["list_id"]) if p.get("list_id") else None
    strategy = p.get("strategy") or "skip"
    from ..usecases.imports import DIFFERS, DIFFERS_FIELD, custom_labels, run_settings
    settings = run_settings(imp, client_id, list_id, strategy)
    if not dry and p.get("bound") is not None:
        # the settings the run was accepted with (equal to its dry run's) must still be the import's
        differs = [k for k, v in p["bound"].items() if settings.get(k) != v]
        if differs:   # changed between the request and the job's start: nothing is imported
            from svckit.errors import Conflict
            imp.state = "mapped"
            s.commit()
            raise Conflict(DIFFERS, fields={k: DIFFERS_FIELD for k in differs}, differs=differs)
    _labels, defs = custom_labels(s, imp.account_id)
    s.execute(delete(ImportRow).where(ImportRow.import_id == imp.id, ImportRow.run == run))
    s.commit()

    # Contacts this import created in an earlier run (a real run after a crash, or a dry run after the import) are
    # recognised by their source_ref. Usually there are none: then no batch needs to look (that lookup per batch
    # was the import's largest cost, 0.3 s per 500 rows once the import had written 60,000 contacts).
    earlier = s.execute(select(Contact.id).where(
        Contact.account_id == imp.account_id, Contact.source_ref.like(f"import:{imp.id}:%")).limit(1)).first()
    state = {"seen": {}, "counts": Counter(), "done": 0, "earlier": earlier is not None}
    header_row = imp.header_row or 1
    user = ctx.user_id
    with Workbook(ctx.storage.path(f.storage_key), imp.format, imp.encoding, imp.delimiter, process=True) as wb:
        estimate = wb.estimate(imp.sheet)
        total = max(0, estimate - header_row) if estimate else None
        ctx.progress(0, total)
        batch: list[importing.Draft] = []
        # closing() ends the parsing child at once when the job stops early (cancelled, failed, time limit)
        with closing(wb.rows(imp.sheet)) as rows:
            for row_no, values in yield_every(rows, ROWS_PER_PAUSE):
                if row_no <= header_row:
                    continue
                if is_blank(values):
                    state["done"] += 1
                    continue
                batch.append(importing.draft_from_row(row_no, values, imp.mapping, defs))
                if len(batch) >= BATCH:
                    _process(ctx, imp, batch, state, client_id, list_id, strategy, dry, user)
                    state["done"] += len(batch)
                    batch = []
                    ctx.progress(state["done"], total)
        if batch:
            _process(ctx, imp, batch, state, client_id, list_id, strategy, dry, user)
            state["done"] += len(batch)
    counts = dict(state["counts"])
    imp = s.get(Import, imp.id)
    imp.summary = {**(imp.summary or {}), run: counts}
    if dry:   # what a later run is bound to (usecases.imports._check_bound_to_dry_run)
        imp.analysis = {**(imp.analysis or {}), "dry_run": settings}
    imp.state = "dry_run_done" if dry else "done"
    s.commit()
    ctx.progress(state["done"], state["done"])
    return {"import_id": str(imp.id), "run": run, "counts": counts}


def _process(ctx: JobContext, imp: Import, batch: list[importing.Draft], state: dict, client_id: uuid.UUID,
             list_id: uuid.UUID | None, strategy: str, dry: bool, user) -> None:
    s = ctx.session
    account_id = imp.account_id
    seen: dict[str, int] = state["seen"]
    refs = {d.row_no: f"import:{imp.id}:{d.row_no}" for d in batch}
    prior = dict(s.execute(select(Contact.source_ref, Contact.id).where(
        Contact.account_id == account_id, Contact.source_ref.is_not(None),
        Contact.source_ref.in_(list(refs.values())))).all()) if state["earlier"] else {}
    existing = repo.contacts_with_email(s, account_id, client_id,
                                        [e.lower() for d in batch if d.ok for e in d.emails])
    report: list[dict[str, Any]] = []
    creates: list[tuple[importing.Draft, uuid.UUID]] = []
    updates: list[tuple[importing.Draft, uuid.UUID]] = []
    members: list[uuid.UUID] = []
    for d in yield_every(batch, ROWS_PER_PAUSE):
        reasons = [t.to_wire() for t in d.errors + d.warnings]
        if not d.ok:
            report.append(_row(imp, d, "error", reasons))
            continue
        prior_id = prior.get(refs[d.row_no])
        dup_row = next((seen[e.lower()] for e in d.emails if e.lower() in seen), None)
        if dup_row is not None and prior_id is None:
            report.append(_row(imp, d, "duplicate_in_file",
                               reasons + [importing.R_DUP_FILE.format(row=dup_row).to_wire()]))
            continue
        for e in d.emails:
            seen.setdefault(e.lower(), d.row_no)
        if prior_id is not None:
            if strategy == "update":
                updates.append((d, prior_id))
                report.append(_row(imp, d, "updated", reasons, prior_id))
            else:
                report.append(_row(imp, d, "unchanged", reasons, prior_id))
            members.append(prior_id)
            continue
        match = next((existing[e.lower()] for e in d.emails if e.lower() in existing), None)
        if match is not None and strategy != "create":
            reasons.append(importing.R_EXISTS.to_wire())
            if strategy == "update":
                updates.append((d, match))
                report.append(_row(imp, d, "updated", reasons, match))
            else:
                report.append(_row(imp, d, "existing", reasons, match))
            members.append(match)
            continue
        if match is not None:
            reasons.append(importing.R_EXISTS.to_wire())
        new_id = uuid.uuid4()
        creates.append((d, new_id))
        report.append(_row(imp, d, "created", reasons, None if dry else new_id))
        members.append(new_id)
    for r in report:
        r["run"] = "dry" if dry else "real"
        state["counts"][r["outcome"]] += 1
    if not dry:
        _create(s, imp, creates, client_id, user, imp.filename)
        _update(s, updates, user, set(imp.mapping.values()))
        if list_id is not None and members:
            s.execute(pg_insert(ListMember).values([{"list_id": list_id, "contact_id": m, "account_id": account_id}
                                                    for m in dict.fromkeys(members)]).on_conflict_do_nothing())
    s.execute(insert(ImportRow), report)
    s.commit()


def _row(imp: Import, d: importing.Draft, outcome: str, reasons: list, contact_id=None) -> dict:
    return {"import_id": imp.id, "run": "dry", "row_no": d.row_no, "outcome": outcome, "reasons": reasons,
            "contact_id": contact_id}


def _derived(values: dict, emails: list[str], tags: list[str]) -> dict:
    kind = values.get("kind", "person")
    org_name = values.get("organisation", "") if kind == "organisation" else ""
    organisation = "" if kind == "organisation" else values.get("organisation", "")
    return {
        "org_name": org_name, "organisation": organisation,
        "search_text": folding.search_text(first_name=values.get("first_name", ""),
                                           last_name=values.get("last_name", ""), title=values.get("title", ""),
                                           org_name=org_name, organisation=organisation,
                                           position=values.get("position", ""),
                                           department=values.get("department", ""), city=values.get("city", ""),
                                           emails=emails, tags=tags),
        "name_key": folding.name_key(kind, values.get("first_name", ""), values.get("last_name", ""), org_name),
        "org_key": folding.org_key(org_name or organisation),
    }


_COLUMNS = ("gender", "title", "first_name", "last_name", "position", "department", "street", "address_extra",
            "postal_code", "city", "country", "language", "notes", "letter_salutation")


def _create(s, imp: Import, creates, client_id: uuid.UUID, user, filename: str) -> None:
    if not creates:
        return
    now = utcnow()
    contacts, emails = [], []
    for d, new_id in yield_every(creates, ROWS_PER_PAUSE):
        v = d.values
        row = {k: v.get(k, "") for k in _COLUMNS}
        row["letter_salutation"] = v.get("letter_salutation") or None
        row.update(_derived(v, d.emails, d.tags))
        row.update({"id": new_id, "account_id": imp.account_id, "client_id": client_id, "kind": v.get("kind", "person"),
                    "tags": d.tags, "phones": d.phones, "custom": d.custom, "source_kind": "import",
                    "data_source": f"Import: {filename}"[:300], "source_ref": f"import:{imp.id}:{d.row_no}",
                    "created_by": user, "updated_by": user, "created_at": now, "updated_at": now,
                    "legal_basis": "legitimate_interest", "informal": False})
        contacts.append(row)
        for i, e in enumerate(d.emails):
            emails.append({"contact_id": new_id, "account_id": imp.account_id, "client_id": client_id, "email": e,
                           "email_norm": e.lower(), "is_primary": i == 0, "state": "valid", "label": ""})
    s.execute(insert(Contact), contacts)
    if emails:
        s.execute(insert(ContactEmail), emails)


def _update(s, updates, user, mapped: set[str]) -> None:
    """Fill what the row knows into the existing contact; never blank out data the contact already has."""
    if not updates:
        return
    ids = [cid for _d, cid in updates]
    contacts = {c.id: c for c in s.scalars(select(Contact).where(Contact.id.in_(ids)))}
    all_emails = repo.emails_of(s, ids)
    for d, cid in yield_every(updates, ROWS_PER_PAUSE):
        c = contacts.get(cid)
        if c is None:
            continue
        for k in _COLUMNS:
            value = d.values.get(k)
            if not value or (k == "gender" and value == "unknown") or (k in ("country", "language")
                                                                        and k not in mapped):
                continue
            setattr(c, k, value)
        if d.values.get("organisation") and c.kind == "person":
            c.organisation = d.values["organisation"]
        c.tags = list(dict.fromkeys(list(c.tags or []) + d.tags))
        if d.phones:
            numbers = {p.get("number") for p in c.phones or []}
            c.phones = list(c.phones or []) + [p for p in d.phones if p["number"] not in numbers]
        if d.custom:
            c.custom = {**(c.custom or {}), **d.custom}
        have = {e.email_norm for e in all_emails.get(cid, [])}
        has_primary = any(e.is_primary for e in all_emails.get(cid, []))
        for e in d.emails:
            if e.lower() not in have:
                s.add(ContactEmail(contact_id=cid, account_id=c.account_id, client_id=c.client_id, email=e,
                                   email_norm=e.lower(), is_primary=not has_primary))
                has_primary = True
                have.add(e.lower())
        c.updated_by = user
        from ..usecases.contacts import refresh_derived
        refresh_derived(c, sorted(have))
    s.flush()
