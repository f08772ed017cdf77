"""The whole-account export archive (GDPR, contract end): one ZIP with every service's part as JSON and xlsx.

The crm asks each service for ``export_account_data(account_id)`` (pages via ``cursor``, docs/contracts.md) as the
account's system principal, adds its own tables and its files' contents, and lists in ``manifest.json`` which
services contributed and which did not (not running, no such method, an error): a part is never silently dropped.
Everything is streamed into the ZIP (JSON written incrementally, xlsx in write_only mode), so memory stays flat.

In the starting phase, when pressbase refuses its export, contacts that came from pressbase (and their e-mail
addresses, list memberships, participations, history and file links) are left out of the crm's part, and
``manifest.json`` says how many (``left_out``), as the xlsx exports do (crm.exporter).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Any, Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from svckit import principal as principal_mod
from svckit.clock import utcnow
from svckit.cooperative import in_thread, yield_every
from svckit.jobs import JobContext
from svckit.principal import Principal
from svckit.settings import SERVICES, principal_secret

from .db.models import Contact, StoredFile
from .exporter import export_cell
from .usecases.gdpr import PAGE, TABLES, _row, account_rows

OTHER_SERVICES = [s for s in SERVICES if s != "crm"]
#: rows written (JSON and xlsx) between two pauses for the event loop
ROWS_PER_PAUSE = 25
README = """Pressroom – Export aller Daten des Kontos / export of all data of the account

manifest.json     welche Dienste beigetragen haben / which services contributed (and which are missing, and why)
<dienst>/data.json  alle Tabellen als JSON / every table as JSON
<dienst>/data.xlsx  dieselben Tabellen als Excel, ein Blatt je Tabelle / the same tables in Excel, one sheet each
crm/files/        Dateien aus Mediacenter und E-Mail-Archiv / files of the mediacenter and the e-mail archive
"""


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str):
        value = export_cell(ILLEGAL_CHARACTERS_RE.sub("", value)[:32000])   # never a formula (=, +, -, @ ...)
    return value


class PartWriter:
    """One service's part: JSON streamed into the ZIP, tables collected into a write-only workbook."""

    def __init__(self, zf: zipfile.ZipFile, service: str, tmpdir: str):
        self.zf, self.service, self.tmpdir = zf, service, tmpdir
        self.json = zf.open(f"{service}/data.json", "w", force_zip64=True)
        self.json.write(b'{"service": ' + json.dumps(service).encode() + b', "tables": {')
        self.table: str | None = None
        self.first_row = True
        self.tables = 0
        self.rows = 0
        self.wb = Workbook(write_only=True)
        self.sheets: dict[str, Any] = {}
        self.headers: dict[str, list[str]] = {}

    def add(self, table: str, rows: list[dict]) -> None:
        if table != self.table:
            if self.table is not None:
                self.json.write(b"]")
            self.json.write((b", " if self.tables else b"") + json.dumps(table).encode() + b": [")
            self.table, self.first_row = table, True
            self.tables += 1
        for row in yield_every(rows, ROWS_PER_PAUSE):   # the event loop gets a turn every few rows
            self.json.write((b"" if self.first_row else b", ") +
                            json.dumps(row, ensure_ascii=False, default=str).encode())
            self.first_row = False
            if table not in self.sheets:
                self.sheets[table] = self.wb.create_sheet(table[:31])
                self.headers[table] = list(row)
                self.sheets[table].append(self.headers[table])
            self.sheets[table].append([_cell(row.get(k)) for k in self.headers[table]])
        self.rows += len(rows)

    def close(self) -> None:
        if self.table is not None:
            self.json.write(b"]")
        self.json.write(b"}}")
        self.json.close()
        if not self.sheets:
            self.wb.create_sheet("empty").append(["(keine Daten / no data)"])
        path = os.path.join(self.tmpdir, f"{self.service}.xlsx")
        in_thread(self._pack, path)   # zipping the workbook into the archive: not on the event loop
        os.unlink(path)


    def _pack(self, path: str) -> None:
        self.wb.save(path)
        self.zf.write(path, f"{self.service}/data.xlsx")


def pressbase_contact_ids(ctx: JobContext) -> set[str]:
    """The account's pressbase-sourced contacts while it is in the starting phase (else none)."""
    from .exporter import leaves_out_pressbase, pressbase_sourced

    if not leaves_out_pressbase(ctx.session, ctx.account_id):
        return set()
    return {str(i) for i in ctx.session.scalars(select(Contact.id).where(Contact.account_id == ctx.account_id,
                                                                          pressbase_sourced()))}


def crm_pages(ctx: JobContext, left_out: set[str] | None = None) -> Iterator[tuple[str, list[dict]]]:
    left_out = left_out or set()
    for name, model in TABLES:
        offset = 0
        key = "id" if name == "contacts" else "contact_id"
        while True:
            rows = account_rows(ctx.session, ctx.account_id, model, offset)
            out = [_row(r) for r in rows]
            if left_out:
                out = [r for r in out if str(r.get(key)) not in left_out]
            yield name, out
            ctx.session.expunge_all()
            if len(rows) < PAGE:
                break
            offset += PAGE


def remote_pages(proxy, service: str, account_id: str) -> Iterator[tuple[str, list[dict]]]:
    cursor = None
    while True:
        method = getattr(proxy, service).export_account_data
        result = method(account_id) if cursor is None else method(account_id, cursor=cursor)
        for table, rows in (result.get("tables") or {}).items():
            yield table, list(rows or [])
        for f in result.get("files") or []:
            yield "__file__", [f]
        cursor = result.get("next_cursor")
        if not cursor:
            return


def run_account_export(ctx: JobContext) -> dict:
    from nameko.standalone.rpc import ClusterRpcProxy

    account_id = str(ctx.account_id)
    system = Principal.system("crm", account_id=account_id)
    storage = ctx.storage
    tmpdir = tempfile.mkdtemp(dir=getattr(storage, "root", None))
    archive = Path(tmpdir) / "archive.zip"
    manifest: dict[str, Any] = {"account_id": account_id, "created_at": utcnow().isoformat(),
                                "services": {}, "missing": []}
    try:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr("README.txt", README)
            part = PartWriter(zf, "crm", tmpdir)
            left_out = pressbase_contact_ids(ctx)
            if left_out:
                manifest["left_out"] = {
                    "pressbase_contacts": len(left_out),
                    "reason": "Kontakte aus der Mediendatenbank (pressbase) sind in der Startphase nicht exportierbar. "
                              "/ Contacts from the media database (pressbase) cannot be exported in the starting "
                              "phase."}
            for table, rows in crm_pages(ctx, left_out):
                part.add(table, rows)
                ctx.progress(part.rows)
            part.close()
            files = ctx.session.scalars(select(StoredFile).where(StoredFile.account_id == ctx.account_id,
                                                                 StoredFile.purpose.in_(("media", "attachment")))).all()
            for f in files:
                safe = "".join(ch for ch in f.name if ch.isalnum() or ch in "._- ")[:100] or "file"
                with storage.open(f.storage_key) as src, zf.open(f"crm/files/{f.id}-{safe}", "w",
                                                                 force_zip64=True) as dst:
                    for chunk in iter(lambda: src.read(1024 * 1024), b""):
                        dst.write(chunk)
            manifest["services"]["crm"] = {"tables": part.tables, "rows": part.rows, "files": len(files)}

            config = {"AMQP_URI": ctx.config["AMQP_URI"], "serializer": "json"}
            context = {principal_mod.CONTEXT_KEY: principal_mod.encode(system, ctx.config.get("PRINCIPAL_SECRET")
                                                                       or principal_secret())}
            timeout = float(ctx.config.get("CRM_EXPORT_RPC_TIMEOUT", 30))
            with ClusterRpcProxy(config, context_data=context, timeout=timeout) as proxy:
                for service in OTHER_SERVICES:
                    part = PartWriter(zf, service, tmpdir)
                    files: list[dict] = []
                    try:
                        for table, rows in remote_pages(proxy, service, account_id):
                            if table == "__file__":
                                files += rows     # written after the part's JSON stream is closed
                                continue
                            part.add(table, rows)
                        part.close()
                        for i, f in enumerate(files):
                            name = os.path.basename(str(f.get("path") or f"file-{i}"))
                            zf.writestr(f"{service}/files/{name}", base64.b64decode(f.get("content_b64", "")))
                        files_n = len(files)
                        manifest["services"][service] = {"tables": part.tables, "rows": part.rows, "files": files_n}
                    except Exception as exc:  # not running, no such method, an error: listed, never dropped
                        try:
                            part.close()
                        except Exception:
                            pass
                        reason = type(exc).__name__
                        detail = str(exc).splitlines()[0][:300] if str(exc) else ""
                        manifest["missing"].append({"service": service, "reason": reason, "detail": detail})
                    ctx.progress(sum(v.get("rows", 0) for v in manifest["services"].values()))
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        digest = hashlib.sha256()
        with open(archive, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        size = archive.stat().st_size
        file_id = uuid.uuid4()
        key = f"{account_id}/export/{file_id}"
        storage.put_file(key, archive, move=True)
        stamp = utcnow().strftime("%Y%m%d-%H%M")
        name = f"Pressroom-Export-{stamp}.zip"
        ctx.session.add(StoredFile(id=file_id, account_id=ctx.account_id, client_id=None, purpose="export", name=name,
                                   content_type="application/zip", size=size, sha256=digest.hexdigest(),
                                   storage_key=key, created_by=ctx.user_id))
        ctx.session.commit()
        result = {"file_id": str(file_id), "filename": name, "size": size, "services": manifest["services"],
                  "missing": manifest["missing"]}
        if manifest.get("left_out"):
            result["left_out"] = manifest["left_out"]
        return result
    finally:
        import shutil
        shutil.rmtree(tmpdir, ignore_errors=True)
