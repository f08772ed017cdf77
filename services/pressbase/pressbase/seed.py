"""Demo media data for ``make run``: a DACH-sized database (~35,000 outlets, ~80,000 journalists, editorial
calendars), generated with Faker (German, Austrian, Swiss and other locales) by ``pressbase_devtools.generator``
(development only, not shipped) and loaded through the importer's COPY path as one full load. Idempotent: a
database that already holds a finished seed is left alone.

The services need not run: the seed works on the database directly (migrated by ``make migrate`` before).
``PRESSBASE_SEED_JOURNALISTS`` scales it (e.g. 5000 for a quick start).
"""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from pressbase_devtools import generator
from svckit.demo import DemoTenant
from svckit.settings import database_url, env

SOURCE = "seed"


def already_seeded(engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT EXISTS (SELECT 1 FROM feed_imports WHERE source = :s AND state = 'done') "
            "OR EXISTS (SELECT 1 FROM journalists LIMIT 1)"), {"s": SOURCE}).scalar())


def plan() -> generator.Plan:
    wanted = env("PRESSBASE_SEED_JOURNALISTS")
    if wanted:
        n = int(wanted)
        return generator.Plan.scaled(n, outlets=max(10, n * 35 // 80), world_share=0.025, plus_share=0.1)
    return generator.Plan.dach_sized()


def run(tenant: DemoTenant | None = None) -> dict | None:
    """Load the media data (licensed to no account: ``tenant``, which ``scripts/seed.py`` passes every seeder, is not
    used)."""
    engine = create_engine(database_url("pressbase"))
    try:
        if already_seeded(engine):
            print("pressbase: media data already there, nothing to do", flush=True)
            return None
        p = plan()
        started = time.perf_counter()
        result = generator.load_generated(engine, p, source=SOURCE, mode="full")
        seconds = time.perf_counter() - started
        counts = result["counts"]
        print(f"pressbase: {counts['outlet']['insert']:,} outlets, {counts['journalist']['insert']:,} journalists, "
              f"{counts['forward_feature']['insert']:,} forward features in {seconds:.0f} s", flush=True)
        return result
    finally:
        engine.dispose()


if __name__ == "__main__":
    run()
