"""The quarterly invoice run for 10,000 accounts: invoices per second with PDFs excluded and included, per-invoice
cost and peak memory, in one process and one run.

    .venv/bin/python bench/billing_invoice_run.py            # 10,000 accounts (BENCH_ACCOUNTS=n for fewer)

A throw-away database (created, migrated, dropped) gets N subscriptions whose starting phase ended on 31 March 2027
(10 seats + pressbase DACH, every tenth also World and premium dispatch), so 1 April 2027 bills exactly one quarter
each. The job runner (billing.usecases.runner.Runner, the code the service's timer and the CronJob run) then runs
1 April twice on the same data:
  A  baseline: issue only (one transaction per account: job row, gap-free number, invoice, delivery row)
  B  the same plus rendering every invoice (ZUGFeRD/Factur-X PDF/A-3 with EN 16931 XML), stored in the database
Between the runs the invoices, numbers and job rows are reset, so both do identical issuing work. Mail is off (the
SMTP relay's speed is not billing's). Peak memory: the process's peak RSS after each phase (ru_maxrss) and the
Python heap peak of the rendering (tracemalloc over a 200-invoice sample, measured separately so it does not slow
the timed runs).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench import results as bench_results  # noqa: E402
from billing.domain import catalogue  # noqa: E402
from billing.usecases import invoicing  # noqa: E402
from billing.usecases.runner import Runner  # noqa: E402
from svckit.db import make_engine  # noqa: E402
from svckit.migrate import drop_database, ensure_database, upgrade  # noqa: E402
from svckit.settings import database_url  # noqa: E402

N = int(os.environ.get("BENCH_ACCOUNTS", "10000"))
DAY = date(2027, 4, 1)
START = date(2027, 3, 17)  # starting phase 17-31 March: 1 April bills Q2 only


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def populate(engine, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO subscriptions (id, account_id, state, start_date, overrides, customer, catalogue_version)
            SELECT gen_random_uuid(), gen_random_uuid(), 'active', :start, '{}'::jsonb,
                   jsonb_build_object('name', 'Pressestelle ' || i || ' GmbH', 'company', 'Pressestelle ' || i,
                                      'street', 'Hauptstraße ' || i, 'postcode', lpad((i % 99999)::text, 5, '0'),
                                      'city', 'Dresden', 'country', 'DE', 'email', 'rechnung' || i || '@example.com',
                                      'delivery', 'email', 'language', CASE WHEN i % 5 = 0 THEN 'en' ELSE 'de' END,
                                      'account_no', 'K-' || lpad(i::text, 8, '0')),
                   '2027-01'
            FROM generate_series(1, :n) AS i"""), {"start": START, "n": n})
        conn.execute(text("""
            INSERT INTO plan_entries (id, subscription_id, valid_from, seats, addons)
            SELECT gen_random_uuid(), s.id, s.start_date, 10,
                   CASE WHEN row_number() OVER () % 10 = 0
                        THEN '["pressbase_dach", "pressbase_world", "premium_dispatch"]'::jsonb
                        ELSE '["pressbase_dach"]'::jsonb END
            FROM subscriptions s"""))


def reset(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE invoice_deliveries, invoice_documents, invoices, billing_jobs, invoice_counters, "
                          "outbox, entitlement_state"))
        conn.execute(text("UPDATE subscriptions SET invoiced_through = NULL"))


def stage(session, event, payload):
    from billing.db.models import outbox

    session.execute(outbox.insert().values(event_type=event, payload=payload, headers={}))


def timed_run(factory, cat, render: bool) -> tuple[float, float, dict]:
    """(wall seconds, this process's CPU seconds, report); PostgreSQL's own CPU is not in the second figure."""
    runner = Runner(factory, cat, stage, send_mail=None, render=render, deliver=False)
    t0, c0 = time.perf_counter(), time.process_time()
    report = runner.run_due(DAY).to_dict()
    return time.perf_counter() - t0, time.process_time() - c0, report


def main() -> int:
    started = bench_results.start()
    url = database_url("billing").rsplit("/", 1)[0] + f"/pressroom_bench_billing_{uuid.uuid4().hex[:8]}"
    ensure_database(url)
    try:
        upgrade("billing", url)
        engine = make_engine(url, pool_size=4, application_name="bench-billing")
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        cat = catalogue.load()
        t0 = time.perf_counter()
        populate(engine, N)
        print(f"populated {N:,} subscriptions in {time.perf_counter() - t0:.1f} s", flush=True)
        # warm-up (imports, font registration, first connections) outside the timings
        Runner(factory, cat, stage, render=True, deliver=False).run_due(date(2027, 3, 31))
        reset(engine)

        rss0 = rss_mb()
        load_before = os.getloadavg()[0]
        wall_a, cpu_a, rep_a = timed_run(factory, cat, render=False)
        rss_a = rss_mb()
        assert rep_a["invoices"] == N and not rep_a["errors"], rep_a
        reset(engine)
        wall_b, cpu_b, rep_b = timed_run(factory, cat, render=True)
        load_after = os.getloadavg()[0]
        rss_b = rss_mb()
        assert rep_b["invoices"] == N and rep_b["documents"] == N and not rep_b["errors"], rep_b
        with engine.connect() as conn:
            pdf_bytes = conn.execute(text("SELECT avg(length(pdf))::bigint, sum(length(pdf)) FROM invoice_documents")
                                     ).one()
            numbers = conn.execute(text("SELECT min(seq), max(seq), count(*) FROM invoices")).one()
        assert tuple(numbers) == (1, N, N), numbers  # gap-free

        # Python heap peak while rendering, on a sample (tracemalloc slows everything; not timed)
        with Session(engine) as s:
            sample = s.execute(text("SELECT id FROM invoices ORDER BY seq LIMIT 200")).scalars().all()
            from billing.db import models as m

            tracemalloc.start()
            for iid in sample:
                from billing.documents import facturx

                facturx.render(invoicing.to_data(s, s.get(m.Invoice, iid)))
            _, heap_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        engine.dispose()
    finally:
        drop_database(url)

    ips_a, ips_b = N / wall_a, N / wall_b
    render_only = wall_b - wall_a
    print()
    print(f"quarterly invoice run, {N:,} accounts, 1 April 2027 (machine: {os.cpu_count()} cores, "
          f"load average {load_before:.1f} before, {load_after:.1f} after: other work shares the CPUs)")
    print(f"  A issue only (baseline)     {wall_a:8.1f} s   {ips_a:8.1f} invoices/s   "
          f"{wall_a / N * 1000:6.2f} ms/invoice"
          f" wall, {cpu_a / N * 1000:6.2f} ms CPU (Python)")
    print(f"  B issue + PDF/A-3 + XML     {wall_b:8.1f} s   {ips_b:8.1f} invoices/s   "
          f"{wall_b / N * 1000:6.2f} ms/invoice"
          f" wall, {cpu_b / N * 1000:6.2f} ms CPU (Python)")
    print(f"  rendering alone (B - A)     {render_only:8.1f} s   {N / render_only:8.1f} PDFs/s       "
          f"{render_only / N * 1000:6.2f} ms/PDF wall, {(cpu_b - cpu_a) / N * 1000:6.2f} ms CPU")
    print(f"  ratio B/A (cost of PDFs)    {wall_b / wall_a:8.2f} x")
    print(f"  peak RSS: start {rss0:.0f} MB, after A {rss_a:.0f} MB, after B {rss_b:.0f} MB; "
          f"Python heap peak while rendering (200-invoice sample) {heap_peak / 1024 / 1024:.1f} MB")
    print(f"  PDFs stored: avg {pdf_bytes[0] / 1024:.0f} KiB, total {pdf_bytes[1] / 1024 / 1024:.0f} MiB; "
          f"numbers 1..{numbers[1]} without gaps")
    bench_results.record("billing_invoice_run", started, {
        "accounts": N, "issue_only_s": round(wall_a, 2), "issue_and_pdf_s": round(wall_b, 2),
        "issue_only_per_s": round(ips_a, 2), "issue_and_pdf_per_s": round(ips_b, 2),
        "cpu_ms_per_invoice_issue_only": round(cpu_a / N * 1000, 3),
        "cpu_ms_per_invoice_with_pdf": round(cpu_b / N * 1000, 3), "ratio_time": round(wall_b / wall_a, 3),
        "rss_mb": [round(rss0), round(rss_a), round(rss_b)], "heap_peak_mb": round(heap_peak / 1024 / 1024, 1),
        "pdf_avg_kib": round(pdf_bytes[0] / 1024)}, [
        bench_results.row(f"billing: quarterly run, {N:,} accounts with PDF/A-3 (`bench/billing_invoice_run.py`)",
                          f"{ips_b:,.1f} invoices/s", f"issue only {ips_a:,.1f} invoices/s",
                          f"{wall_b / wall_a:.2f}x the time"),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
