"""Shared by bench/pressbase_search.py and bench/pressbase_feed.py: the benchmark's own database with 1,000,000
journalists (plus outlets and forward features), built once through the importer's full-load path and reused by
later runs while it still has the right size."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from svckit.migrate import drop_database, ensure_database, upgrade  # noqa: E402
from svckit.settings import env  # noqa: E402

JOURNALISTS = int(env("PRESSBASE_BENCH_JOURNALISTS", "1000000"))
OUTLETS = JOURNALISTS * 3 // 10
DB_NAME = env("PRESSBASE_BENCH_DB", "pressroom_bench_pressbase")


def url(name: str = DB_NAME) -> str:
    base = env("PRESSROOM_DB_BASE", "postgresql+psycopg://pressroom:pressroom@127.0.0.1:5432").rstrip("/")
    return f"{base}/{name}"


def machine() -> str:
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) "
            f"at start")


def plan(journalists: int):
    from pressbase_devtools import generator

    # the real proportions: DACH is a small part of a world-wide database; PLUS is DACH's long tail
    return generator.Plan.scaled(journalists, outlets=journalists * 3 // 10, world_share=0.75, plus_share=0.05)


def _size(engine) -> int:
    with engine.connect() as conn:
        try:
            if not conn.execute(text("SELECT EXISTS (SELECT 1 FROM feed_imports WHERE source = 'bench' "
                                     "AND state = 'done')")).scalar():
                return 0
            return conn.execute(text("SELECT count(*) FROM journalist_search")).scalar()
        except Exception:
            return 0


def load_rate(engine) -> dict:
    """Figures of the full load that built the database (kept in feed_imports)."""
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT counts, extract(epoch FROM finished_at - created_at) FROM feed_imports "
            "WHERE source = 'bench' AND state = 'done' ORDER BY id LIMIT 1")).first()
    counts, seconds = row
    records = sum(v["insert"] for v in counts.values())
    return {"records": records, "seconds": float(seconds), "rate": records / float(seconds), "counts": counts}


def ensure(journalists: int = JOURNALISTS, log=print) -> tuple[object, dict]:
    """The benchmark database with ``journalists`` journalists; built (and timed) when missing or of another size."""
    from pressbase_devtools import generator

    db_url = url()
    ensure_database(db_url)
    upgrade("pressbase", db_url)
    engine = create_engine(db_url, pool_size=4)
    have = _size(engine)
    built = False
    if abs(have - journalists) > journalists * 0.02:
        log(f"building {make_url(db_url).database} with {journalists:,} journalists "
            f"(found {have:,}); this takes a while ...")
        engine.dispose()
        drop_database(db_url)
        ensure_database(db_url)
        upgrade("pressbase", db_url)
        engine = create_engine(db_url, pool_size=4)
        started = time.perf_counter()
        generator.load_generated(engine, plan(journalists), source="bench", mode="full")
        log(f"built in {time.perf_counter() - started:.0f} s")
        built = True
    info = load_rate(engine)
    info["built_now"] = built
    return engine, info
