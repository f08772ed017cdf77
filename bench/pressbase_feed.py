"""Feed imports: the full-load rate through the vendor-feed path (JSON lines parsed and validated) beside the
generator path (the same records COPYed without parsing), and a weekly delta of 30,000 changes applied to the
1,000,000-journalist database while a reader keeps searching (its latency beside its idle latency).

    .venv/bin/python bench/pressbase_feed.py

Uses the database of bench/pressbase_search.py (built if missing) and a scratch database for the full loads.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench import results as bench_results  # noqa: E402
from bench.common import pct  # noqa: E402
from bench.pressbase_common import ensure, machine, plan, url  # noqa: E402
from svckit.migrate import drop_database, ensure_database, upgrade  # noqa: E402
from svckit.settings import env  # noqa: E402

FULL_LOAD_JOURNALISTS = int(env("PRESSBASE_BENCH_FULL_LOAD", "100000"))
DELTA = 30_000
READER_QUERY = {"q": "Redakteurin", "prefix": False, "facets": True, "limit": 20}


def fresh(name: str):
    db = url(name)
    drop_database(db)
    ensure_database(db)
    upgrade("pressbase", db)
    return create_engine(db), db


def full_loads() -> list[str]:
    from pressbase.usecases import feeds
    from pressbase_devtools import generator

    lines = []
    p = plan(FULL_LOAD_JOURNALISTS)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        written = generator.write_jsonl(generator.Generator(p, seed=11).records(), f)
        path = f.name
    size = os.path.getsize(path)
    try:
        engine, db = fresh("pressroom_bench_pressbase_load")
        started = time.perf_counter()

        def chunks():
            with open(path, "rb") as handle:
                while True:
                    block = handle.read(4 * 1024 * 1024)
                    if not block:
                        return
                    yield block

        feeds.import_feed(engine, chunks(), fmt="jsonl", mode="full", source="bench")
        feed_s = time.perf_counter() - started
        engine.dispose()
        engine, db = fresh("pressroom_bench_pressbase_load")
        started = time.perf_counter()
        generator.load_generated(engine, p, seed=11, source="bench")
        gen_s = time.perf_counter() - started
        engine.dispose()
        drop_database(db)
    finally:
        os.unlink(path)
    lines.append(f"| full load, vendor feed (JSON lines, {size / 1e6:.0f} MB: parse, validate, COPY, apply, index) "
                 f"| {written:,} | {feed_s:.1f} | {written / feed_s:,.0f} |")
    lines.append(f"| full load, generator (same records, no parsing) | {written:,} | {gen_s:.1f} | "
                 f"{written / gen_s:,.0f} |")
    lines.append(f"| ratio: feed path / generator path time | | {feed_s / gen_s:.2f}x | |")
    return lines


def delta_records(engine, run: str) -> list[dict]:
    rnd = random.Random(run)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT max(id) FROM journalists")).scalar()
        picked = sorted(rnd.sample(range(1, n + 1), DELTA))
        rows = conn.execute(text(
            "SELECT ext_id, dataset, gender, title, first_name, last_name, position, desks, topics, languages, "
            "country, state, city, freelance, email, phone, outlets, plus, last_verified FROM journalists "
            "WHERE id = ANY(:ids)"), {"ids": picked}).mappings().all()
        earlier = conn.execute(text("SELECT ext_id FROM journalists WHERE ext_id LIKE 'J-D%' LIMIT :n"),
                               {"n": DELTA // 10}).scalars().all()
    rows = list(rows)
    deletes = list(earlier) or [r["ext_id"] for r in rows[: DELTA // 10]]
    rows = [r for r in rows if r["ext_id"] not in set(deletes)]
    updates = rows[: DELTA - 2 * (DELTA // 10)]
    inserts = rows[-(DELTA // 10):]
    out = []
    for r in updates:
        rec = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if v is not None}
        rec["id"] = rec.pop("ext_id")
        rec["position"] = f"{r['position'] or 'Redaktion'} ({run})"
        out.append({"type": "journalist", **rec})
    for i, r in enumerate(inserts):
        rec = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if v is not None}
        rec.pop("ext_id")
        out.append({"type": "journalist", "id": f"J-D{run}-{i}", **rec})
    out += [{"type": "journalist", "op": "delete", "id": e} for e in deletes[: DELTA // 10]]
    return out


def reader(engine, stop: threading.Event, times: list[float]) -> None:
    from pressbase.contracts import JournalistSearch
    from pressbase.domain.licence import licence_for
    from pressbase.usecases import search
    from svckit.entitlements import Entitlements

    lic = licence_for(Entitlements(account_id="bench", phase="regular", datasets=("dach", "plus", "world")))
    params = JournalistSearch.model_validate(READER_QUERY)
    with Session(engine) as session:
        while not stop.is_set():
            started = time.perf_counter()
            search.JournalistSearcher(session, lic, "de").run(params)
            times.append((time.perf_counter() - started) * 1000)
            session.rollback()


def main() -> None:
    from pressbase.usecases import feeds

    run_started = bench_results.start()
    print(f"machine: {machine()}")
    lines = full_loads()
    for line in lines:
        print(line, flush=True)

    engine, info = ensure()
    run = uuid.uuid4().hex[:6]
    records = delta_records(engine, run)
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()

    idle: list[float] = []
    stop = threading.Event()
    t = threading.Thread(target=reader, args=(engine, stop, idle))
    t.start()
    time.sleep(15)
    stop.set()
    t.join()

    during: list[float] = []
    stop = threading.Event()
    t = threading.Thread(target=reader, args=(engine, stop, during))
    t.start()
    started = time.perf_counter()
    result = feeds.import_feed(engine, [payload], fmt="jsonl", mode="delta", source="bench-delta")
    delta_s = time.perf_counter() - started
    stop.set()
    t.join()
    counts = result["counts"]["journalist"]
    print()
    print(f"1M database: built {info['records']:,} records in {info['seconds']:.0f} s = {info['rate']:,.0f} "
          f"records/s (generator path)")
    print()
    print("| what | records | seconds | records/s |")
    print("|---|---|---|---|")
    for line in lines:
        print(line)
    print(f"| delta on 1M journalists: {counts['update']:,} updates, {counts['insert']:,} inserts, "
          f"{counts['delete']:,} deletes ({len(payload) / 1e6:.1f} MB, one transaction) | {len(records):,} | "
          f"{delta_s:.1f} | {len(records) / delta_s:,.0f} |")
    print()
    print("| reader: common word + facets | searches | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    print(f"| idle | {len(idle)} | {pct(idle, 50):.0f} | {pct(idle, 95):.0f} |")
    print(f"| while the delta applies | {len(during)} | {pct(during, 50):.0f} | {pct(during, 95):.0f} |")
    print(f"| ratio (during / idle, p95) | | | {pct(during, 95) / pct(idle, 95):.1f}x |")
    reader_ratio = pct(during, 95) / pct(idle, 95)
    bench_results.record("pressbase_feed", run_started, {
        "full_load_lines": lines, "database_records": info["records"], "delta_records": len(records),
        "delta_counts": counts, "delta_s": round(delta_s, 1), "delta_mb": round(len(payload) / 1e6, 1),
        "reader_idle_p95_ms": round(pct(idle, 95), 1), "reader_during_p95_ms": round(pct(during, 95), 1),
        "reader_p95_ratio": round(reader_ratio, 2)}, [
        bench_results.row(f"pressbase: feed delta of {len(records):,} changes on {info['records']:,} records, one "
                          "transaction (`bench/pressbase_feed.py`)",
                          f"{delta_s:.1f} s, {len(records) / delta_s:,.0f} records/s",
                          f"reader p95 idle {pct(idle, 95):.0f} ms", f"reader p95 during {reader_ratio:.1f}x idle"),
    ])


if __name__ == "__main__":
    main()
