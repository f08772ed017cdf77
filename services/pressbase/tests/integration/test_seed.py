"""The demo seed of ``make run``: generated DACH-style data through the importer, idempotent."""

from __future__ import annotations

from sqlalchemy import text

from pressbase import seed


def test_seed_loads_once(pressbase_db, monkeypatch):
    monkeypatch.setenv("PRESSBASE_SEED_JOURNALISTS", "400")
    first = seed.run()
    assert first["counts"]["journalist"]["insert"] == 400
    assert first["counts"]["outlet"]["insert"] > 100
    with pressbase_db.connect() as conn:
        datasets = dict(conn.execute(text("SELECT dataset, count(*) FROM journalists GROUP BY 1")).all())
        german = conn.execute(text("SELECT count(*) FROM journalists WHERE country IN ('DE', 'AT', 'CH')")).scalar()
        searchable = conn.execute(text("SELECT count(*) FROM journalist_search")).scalar()
    assert set(datasets) == {"dach", "plus", "world"} and datasets["dach"] > datasets["world"]
    assert german > 300 and searchable == 400
    assert seed.run() is None   # the second run changes nothing
