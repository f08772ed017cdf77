"""Search at 1,000,000 journalists: selective searches, common-term ranked top-20 and facet counts, each beside the
same query with index scans switched off (the ratio shows what the indexes buy).

    .venv/bin/python bench/pressbase_search.py

Builds (or reuses) the database ``pressroom_bench_pressbase`` (see pressbase_common.py). Every figure is measured at
the use-case level (``pressbase.usecases.search.JournalistSearcher``, what ``search_journalists`` runs: all SQL
round trips plus the Python that shapes the answer, without RPC/HTTP, which add ~4 ms; see docs/performance.md).
Targets: selective p95 <= 20 ms; common-term top-20 and facet counts p95 <= 150 ms (facet counts of very large
results are estimated from a 1/16 sample and marked ``estimated: true``).
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench import results as bench_results  # noqa: E402
from bench.common import pct  # noqa: E402
from bench.pressbase_common import ensure, machine  # noqa: E402

ROUNDS = 5
BASELINE_QUERIES = 4
BASELINE = os.environ.get("PRESSBASE_BENCH_BASELINE", "1") != "0"   # 0: skip the slow runs without indexes


def licence(datasets):
    from pressbase.domain.licence import licence_for
    from svckit.entitlements import Entitlements

    return licence_for(Entitlements(account_id="bench", phase="regular", datasets=tuple(datasets),
                                    forward_features=True, pressbase_export=True))


def run(session, lic, queries, rounds):
    from pressbase.contracts import JournalistSearch
    from pressbase.usecases import search

    times, estimated, totals = [], 0, []
    for _ in range(rounds):
        for q in queries:
            params = JournalistSearch.model_validate(q)
            started = time.perf_counter()
            result = search.JournalistSearcher(session, lic, "de").run(params)
            times.append((time.perf_counter() - started) * 1000)
            estimated += bool(result.get("estimated"))
            totals.append(result.get("total"))
    return times, estimated, totals


def no_indexes(session):
    for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
        session.execute(text(f"SET {setting} = off"))


def with_indexes(session):
    for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
        session.execute(text(f"RESET {setting}"))


def line(label, times, base=None, note=""):
    p50, p95 = pct(times, 50), pct(times, 95)
    out = f"| {label} | {len(times)} | {p50:.1f} | {p95:.1f} |"
    if base:
        b95 = pct(base, 95)
        out += f" {b95:.0f} | {b95 / p95:.0f}x |"
    else:
        out += " | |"
    return out + (f" {note}" if note else "")


def main() -> None:
    started = bench_results.start()
    print(f"machine: {machine()}")
    engine, info = ensure()
    rnd = random.Random(7)
    with Session(engine) as session:
        n = session.execute(text("SELECT count(*) FROM journalist_search")).scalar()
        by_ds = dict(session.execute(text("SELECT dataset, count(*) FROM journalist_search GROUP BY 1")).all())
        print(f"journalists: {n:,} ({', '.join(f'{k} {v:,}' for k, v in sorted(by_ds.items()))}); "
              f"outlets: {session.execute(text('SELECT count(*) FROM outlet_search')).scalar():,}")
        names = [r[0] for r in session.execute(text(
            "SELECT last_name FROM journalists WHERE dataset = 'dach' GROUP BY last_name "
            "HAVING count(*) BETWEEN 3 AND 150 ORDER BY md5(last_name) LIMIT 60")).all()]
        rnd.shuffle(names)
        selective = ([{"q": name, "prefix": False} for name in names[:30]]
                     + [{"q": name, "prefix": False, "filters": {"country": ["DE"]}} for name in names[30:40]]
                     + [{"q": f"{name} Redakteur", "prefix": False} for name in names[40:50]]
                     + [{"q": name[:max(3, len(name) - 2)]} for name in names[50:60]])   # as-you-type prefixes
        terms = ["Redakteurin", "Redakteur", "Wirtschaft", "Politik", "Sport", "Nachrichten", "Reporter", "editor",
                 "news", "Kultur"]
        common_top = [{"q": t, "prefix": False, "facets": False, "limit": 20} for t in terms]
        common_facets = [{"q": t, "prefix": False, "facets": True, "limit": 20} for t in terms]
        filtered = [{"q": t, "prefix": False, "facets": True, "limit": 20,
                     "filters": {"media_type": ["daily_newspaper", "magazine"], "country": ["DE", "AT", "CH"]}}
                    for t in terms[:5]]
        browse = [{"facets": True, "sort": s, "limit": 20} for s in ("reach", "name")]

        everything = licence(("dach", "plus", "world"))
        dach = licence(("dach",))
        rows = []
        sets = []   # the same figures as numbers, for the results file
        # warm the caches (the word forms, PostgreSQL's buffers) once
        run(session, everything, selective + common_facets + filtered + browse, 1)
        for label, queries, lic in (("selective: rare names, name + filter, name + word, prefixes", selective,
                                     everything),
                                    ("common term, ranked top-20 (no counts)", common_top, everything),
                                    ("common term, top-20 + total + facet counts", common_facets, everything),
                                    ("common term + 2 facet filters, top-20 + facets", filtered, everything),
                                    ("no words, sorted by reach / name, + facets", browse, everything),
                                    ("DACH-only licence: selective", selective, dach),
                                    ("DACH-only licence: common term + facets", common_facets, dach)):
            times, estimated, totals = run(session, lic, queries, ROUNDS)
            base = None
            if BASELINE:
                no_indexes(session)
                base, _, _ = run(session, lic, queries[:BASELINE_QUERIES], 1)
                with_indexes(session)
            note = f"estimated counts in {estimated} of {len(times)}" if estimated else ""
            rows.append(line(label, times, base, note))
            sets.append({"label": label, "n": len(times), "p50_ms": round(pct(times, 50), 2),
                         "p95_ms": round(pct(times, 95), 2), "estimated": estimated,
                         "p95_no_indexes_ms": round(pct(base, 95), 1) if base else None})
            print(rows[-1], flush=True)

    print()
    print(f"full load that built the database: {info['records']:,} records in {info['seconds']:.0f} s "
          f"= {info['rate']:,.0f} records/s (generation included){' (built in this run)' if info['built_now'] else ''}")
    print()
    print("| query set | n | p50 ms | p95 ms | p95 without indexes ms | ratio |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(r)

    def summary_row(what: str, figures: dict, target_ms: float) -> dict:
        p95, base = figures["p95_ms"], figures["p95_no_indexes_ms"]
        return bench_results.row(what, f"{p95:.1f} ms (p50 {figures['p50_ms']:.1f})",
                                 f"index scans off {base:,.0f} ms" if base else "not run",
                                 f"{base / p95:.0f}x faster" if base else "",
                                 f"<= {target_ms:.0f} ms: {'met' if p95 <= target_ms else 'NOT met'}")

    bench_results.record("pressbase_search", started, {"journalists": n, "rounds": ROUNDS, "query_sets": sets}, [
        summary_row(f"pressbase: selective search p95, {n:,} journalists (`bench/pressbase_search.py`)", sets[0],
                    20),
        summary_row("pressbase: common term top-20 + facet counts p95", sets[2], 150),
    ])


if __name__ == "__main__":
    main()
