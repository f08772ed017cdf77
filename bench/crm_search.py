"""crm search at 200,000 contacts: p50/p95 of the search use case (umlaut-folded full text over the trigram index,
keyset page of 50) beside two baselines measured in the same run on the same data:
a primary-key lookup (the floor) and the same queries with the trigram index switched off (what the index buys).

    .venv/bin/python bench/crm_search.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import results as bench_results  # noqa: E402
from bench.crm_lib import bench_database, load_contacts, machine  # noqa: E402

QUERIES = ["müller", "Mueller", "weber wirtschaft", "zürich", "anna schmidt", "gruber standard", "spiegel",
           "prof", "krüger politik", "hofmann köln", "xyzzy", "sophie", "lena wien", "fischer taz"]
ROUNDS = 15
CONTACTS = int(os.environ.get("CRM_BENCH_CONTACTS", "200000"))   # smaller for a quick check of the script


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from crm.contracts import ContactFilter, Page
    from crm.db.models import Contact
    from crm.usecases import contacts
    from svckit.clock import utcnow
    from svckit.principal import Principal
    from svckit.work import Work

    account, client = uuid.uuid4(), uuid.uuid4()
    principal = Principal(kind="user", account_id=str(account), user_id=str(uuid.uuid4()), roles=("user",),
                          clients={str(client): "full"})
    run_started = bench_results.start()
    with bench_database() as url:
        started = time.perf_counter()
        ids = load_contacts(url, account, client, CONTACTS)
        print(f"loaded {len(ids):,} contacts in {time.perf_counter() - started:.1f} s")
        engine = create_engine(url)

        per_query: dict[str, list[float]] = {}

        def timed(fn, record: bool = False) -> list[float]:
            out = []
            for _ in range(ROUNDS):
                for q in QUERIES:
                    t = time.perf_counter()
                    fn(q)
                    ms = (time.perf_counter() - t) * 1000
                    out.append(ms)
                    if record:
                        per_query.setdefault(q, []).append(ms)
            return out

        with Session(engine) as session:
            work = Work(session, utcnow(), principal)
            hits = {q: len(contacts.search(work, ContactFilter(q=q), Page(limit=50))["items"])
                    for q in QUERIES}
            search = timed(lambda q: contacts.search(work, ContactFilter(q=q), Page(limit=50)), True)
            browse = timed(lambda q: contacts.search(work, ContactFilter(), Page(limit=50)))
            pk = timed(lambda q: session.get(Contact, ids[hash(q) % len(ids)]) and session.expunge_all())
            session.execute(text("SET enable_bitmapscan = off"))
            session.execute(text("SET enable_indexscan = off"))
            noindex = timed(lambda q: contacts.search(work, ContactFilter(q=q), Page(limit=50)))
        engine.dispose()

    rows = [("search (trigram index)", search), ("browse first page (no query)", browse),
            ("baseline: primary-key lookup", pk), ("baseline: same search, index off", noindex)]
    print(f"\nmachine: {machine()}; {len(QUERIES)} queries x {ROUNDS} rounds; hits per query: {hits}")
    print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in rows:
        print(f"{name:34} {statistics.median(values):8.2f} {pct(values, 95):8.2f}")
    print("per query, median ms: " + ", ".join(f"{q!r} {statistics.median(v):.1f}" for q, v in per_query.items()))
    print(f"\nratio search p95 / primary-key p95:      {pct(search, 95) / pct(pk, 95):6.1f}x")
    print(f"ratio index-off p95 / search p95:        {pct(noindex, 95) / pct(search, 95):6.1f}x (what the index buys)")
    bench_results.record("crm_search", run_started, {
        "contacts": len(ids), "queries": len(QUERIES), "rounds": ROUNDS, "hits": hits,
        "p50_ms": {name: round(statistics.median(values), 2) for name, values in rows},
        "p95_ms": {name: round(pct(values, 95), 2) for name, values in rows}}, [
        bench_results.row(f"crm: search p95, {len(ids):,} contacts (`bench/crm_search.py`)",
                          f"{pct(search, 95):.1f} ms (p50 {statistics.median(search):.1f})",
                          f"primary-key lookup p95 {pct(pk, 95):.1f} ms", f"{pct(search, 95) / pct(pk, 95):.1f}x",
                          ""),
        bench_results.row("crm: the same search with the index off, p95", f"{pct(noindex, 95):.1f} ms",
                          f"search p95 {pct(search, 95):.1f} ms",
                          f"index buys {pct(noindex, 95) / pct(search, 95):.1f}x"),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
