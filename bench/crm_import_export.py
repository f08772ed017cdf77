"""Import of 100,000 spreadsheet rows and export of 100,000 contacts, in a database of 200,000 contacts.

Each phase runs in its own child process, so its peak memory (ru_maxrss) is its own:
- import: the real job handler (dry run, then the import) on a generated .xlsx of 100,000 rows x 12 columns;
  baseline in the same run: openpyxl read_only merely iterating the same file (the floor any xlsx import pays).
- export: the real export (a 100,000-member list to .xlsx, write_only); baseline: the same rows only read from
  the database in the same pages (no workbook).

    .venv/bin/python bench/crm_import_export.py
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import results as bench_results  # noqa: E402
from bench.crm_lib import bench_database, current_rss_mb, load_contacts, machine, peak_rss_mb, person  # noqa: E402

ROWS = int(os.environ.get("CRM_BENCH_ROWS", "100000"))   # smaller for a quick check of the script


def make_xlsx(path: str) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Presseverteiler")
    ws.append(["Anrede", "Titel", "Vorname", "Nachname", "Firma", "Ressort", "E-Mail", "Telefon", "Straße", "PLZ",
               "Ort", "Land"])
    rnd = random.Random(11)
    for i in range(ROWS):
        p = person(i + 1_000_000, rnd)
        ws.append(["Frau" if p["gender"] == "female" else "Herr", p["title"], p["first"], p["last"], p["outlet"],
                   p["desk"], p["email"], f"+49 30 {i:07d}", f"Hauptstraße {i % 200}", int(p["postal_code"]),
                   p["city"], {"DE": "Deutschland", "AT": "Österreich", "CH": "Schweiz"}[p["country"]]])
    wb.save(path)


class Storage:
    def __init__(self, root):
        from crm.storage import LocalStorage
        self.inner = LocalStorage(root)
        self.root = self.inner.root

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _job(engine, kind, principal, params, client_id=None):
    from sqlalchemy.orm import Session

    from crm.db.models import Job
    with Session(engine) as s:
        job = Job(id=uuid.uuid4(), account_id=uuid.UUID(principal.account_id), client_id=client_id, kind=kind,
                  params=params, principal=principal.to_dict(), user_id=uuid.UUID(principal.user_id))
        s.add(job)
        s.commit()
        return s.get(Job, job.id)


def phase_import(url, xlsx, storage_root, account, client, principal_dict, out):
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from crm.db.models import Import, Job, StoredFile
    from crm.importer.reader import Workbook
    from crm.importer.run import run_import
    from crm.importer.sniff import sniff
    from crm.usecases.imports import analyse
    from svckit.jobs import JobContext
    from svckit.principal import Principal

    start_rss = current_rss_mb()
    principal = Principal.from_dict(principal_dict)
    engine = create_engine(url)
    storage = Storage(storage_root)
    key = f"{account}/import/bench"
    storage.put_file(key, Path(xlsx))
    t = time.perf_counter()
    fmt, _ = sniff(storage.path(key))
    with Workbook(storage.path(key), fmt) as wb:
        sheets = analyse(wb, {})
    analyse_s = time.perf_counter() - t
    with Session(engine) as s:
        f = StoredFile(id=uuid.uuid4(), account_id=account, purpose="import", name="bench.xlsx",
                       content_type="application/octet-stream", size=os.path.getsize(xlsx), sha256="0" * 64,
                       storage_key=key)
        s.add(f)
        s.flush()
        imp = Import(id=uuid.uuid4(), account_id=account, user_id=uuid.UUID(principal.user_id), file_id=f.id,
                     filename="bench.xlsx", format=fmt, analysis={"sheets": sheets}, sheet=sheets[0]["name"],
                     header_row=sheets[0]["header_row"], mapping=sheets[0]["mapping"])
        s.add(imp)
        s.commit()
        imp_id = imp.id
    timings = {}
    for dry in (True, False):
        job = _job(engine, "import_dry" if dry else "import", principal,
                   {"import_id": str(imp_id), "client_id": str(client), "strategy": "skip", "dry": dry}, client)
        ctx = JobContext(engine, Job, job, extras={"storage": storage})
        t = time.perf_counter()
        result = run_import(ctx)
        timings["dry" if dry else "real"] = (time.perf_counter() - t, result["counts"])
        ctx.close()
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
    engine.dispose()
    out.put({"analyse_s": analyse_s, "timings": timings, "contacts_after": total,
             "peak_mb": peak_rss_mb(), "start_mb": start_rss})


def phase_read_only(xlsx, out):
    from openpyxl import load_workbook
    start_rss = current_rss_mb()
    t = time.perf_counter()
    wb = load_workbook(xlsx, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    out.put({"rows": n, "seconds": time.perf_counter() - t, "peak_mb": peak_rss_mb(), "start_mb": start_rss})


def phase_export(url, storage_root, list_id, principal_dict, out):
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from crm.db import contacts as repo
    from crm.db.models import Contact, ContactEmail, ListMember
    from crm.exporter import write_xlsx
    from svckit.principal import Principal

    start_rss = current_rss_mb()
    principal = Principal.from_dict(principal_dict)
    engine = create_engine(url)
    with Session(engine) as s:
        t = time.perf_counter()
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        rows, _name = write_xlsx(s, principal, {"list_id": str(list_id)}, "de", path)
        export_s = time.perf_counter() - t
        size = os.path.getsize(path)
        os.unlink(path)
        peak_export = peak_rss_mb()
        # baseline: the same pages, read only
        t = time.perf_counter()
        after, n = None, 0
        while True:
            q = (select(Contact, ContactEmail.email, ContactEmail.state)
                 .select_from(repo.primary_email_join().join(ListMember.__table__, ListMember.contact_id == Contact.id))
                 .where(ListMember.list_id == list_id, *([ListMember.contact_id > after] if after else []))
                 .order_by(ListMember.contact_id).limit(1000))
            page = s.execute(q).all()
            n += len(page)
            if len(page) < 1000:
                break
            after = page[-1][0].id
            s.expunge_all()
        read_s = time.perf_counter() - t
    engine.dispose()
    out.put({"rows": rows, "export_s": export_s, "read_s": read_s, "read_rows": n, "bytes": size,
             "peak_mb": peak_export, "start_mb": start_rss})


def run_child(target, *args):
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, out))
    proc.start()
    result = out.get()
    proc.join()
    return result


def main() -> int:
    from sqlalchemy import create_engine, text

    from svckit.principal import Principal

    account, client = uuid.uuid4(), uuid.uuid4()
    principal = Principal(kind="user", account_id=str(account), user_id=str(uuid.uuid4()), roles=("user",),
                          clients={str(client): "full"})
    started = bench_results.start()
    with tempfile.TemporaryDirectory() as tmp, bench_database() as url:
        os.environ["CRM_BENCH_URL"] = url
        load_contacts(url, account, client, 2 * ROWS)
        xlsx = os.path.join(tmp, "import.xlsx")
        t = time.perf_counter()
        make_xlsx(xlsx)
        print(f"generated {ROWS:,}-row workbook ({os.path.getsize(xlsx) / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t:.1f} s")
        base = run_child(phase_read_only, xlsx)
        imp = run_child(phase_import, url, xlsx, os.path.join(tmp, "storage"), account, client, principal.to_dict())
        list_id = uuid.uuid4()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO lists (id, account_id, client_id, name, kind) VALUES (:l, :a, :c, "
                              "'Export', 'static')"), {"l": list_id, "a": account, "c": client})
            conn.execute(text("INSERT INTO list_members (list_id, contact_id, account_id) "
                              "SELECT :l, id, :a FROM contacts ORDER BY random() LIMIT :n"),
                         {"l": list_id, "a": account, "n": ROWS})
            conn.execute(text("ANALYZE list_members"))
        engine.dispose()
        exp = run_child(phase_export, url, os.path.join(tmp, "storage"), list_id, principal.to_dict())

    dry_s, dry_counts = imp["timings"]["dry"]
    real_s, real_counts = imp["timings"]["real"]
    print(f"\nmachine: {machine()}; load average now {os.getloadavg()[0]:.1f}")
    print(f"import analysis (sniff + sheets + header + mapping): {imp['analyse_s']:.2f} s")
    print(f"import dry run:   {ROWS / dry_s:8,.0f} rows/s  ({dry_s:.1f} s)  {dry_counts}")
    print(f"import (real):    {ROWS / real_s:8,.0f} rows/s  ({real_s:.1f} s)  {real_counts}; "
          f"contacts now {imp['contacts_after']:,}")
    print(f"import peak RSS:  {imp['peak_mb']:.0f} MB (process start {imp['start_mb']:.0f} MB)")
    print(f"baseline openpyxl read_only iteration only: {base['rows'] / base['seconds']:8,.0f} rows/s, "
          f"peak {base['peak_mb']:.0f} MB")
    print(f"ratio import time / read-only iteration time: {real_s / base['seconds']:.2f}x")
    print(f"export:           {exp['rows'] / exp['export_s']:8,.0f} rows/s  ({exp['export_s']:.1f} s, "
          f"{exp['bytes'] / 1e6:.1f} MB), peak RSS {exp['peak_mb']:.0f} MB (start {exp['start_mb']:.0f} MB)")
    print(f"baseline reading the same rows only: {exp['read_rows'] / exp['read_s']:8,.0f} rows/s")
    print(f"ratio export time / read-only time: {exp['export_s'] / exp['read_s']:.2f}x")
    base_rate = base["rows"] / base["seconds"]
    bench_results.record("crm_import_export", started, {
        "rows": ROWS, "contacts_before": 2 * ROWS, "dry_rows_per_s": round(ROWS / dry_s, 1),
        "import_rows_per_s": round(ROWS / real_s, 1), "import_peak_mb": round(imp["peak_mb"]),
        "import_start_mb": round(imp["start_mb"]), "read_only_rows_per_s": round(base_rate, 1),
        "export_rows_per_s": round(exp["rows"] / exp["export_s"], 1), "export_peak_mb": round(exp["peak_mb"]),
        "export_start_mb": round(exp["start_mb"]),
        "export_read_rows_per_s": round(exp["read_rows"] / exp["read_s"], 1)},
        [bench_results.row(f"crm: import of {ROWS:,} rows into {2 * ROWS:,} contacts (`bench/crm_import_export.py`)",
                           f"dry run {ROWS / dry_s:,.0f} rows/s, import {ROWS / real_s:,.0f} rows/s, "
                           f"+{imp['peak_mb'] - imp['start_mb']:.0f} MB",
                           f"openpyxl read-only iteration {base_rate:,.0f} rows/s",
                           f"{dry_s / base['seconds']:.1f}x / {real_s / base['seconds']:.1f}x slower"),
         bench_results.row(f"crm: export of {ROWS:,} members to .xlsx",
                           f"{exp['rows'] / exp['export_s']:,.0f} rows/s, +{exp['peak_mb'] - exp['start_mb']:.0f} MB",
                           f"reading the rows only {exp['read_rows'] / exp['read_s']:,.0f}/s",
                           f"{exp['export_s'] / exp['read_s']:.1f}x slower")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
