"""``python -m pressbase.reindex``: rebuild every search row, the samples and the typo lexicon in one transaction
(after a change of the search schema, e.g. migration 0003, or of the catalogue's labels). Readers see the old
rows until it commits."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from svckit.settings import database_url

from .db import indexer, reference


def reindex_all(engine) -> dict[str, int]:
    with Session(engine) as session:
        reference.ensure(session)
        indexer.create_affected_tables(session)
        for table, source in (("aff_outlet", "outlets"), ("aff_journalist", "journalists"),
                              ("aff_ff", "forward_features")):
            session.execute(text(f"INSERT INTO {table} (id) SELECT id FROM {source}"))  # noqa: S608 -- table names from a fixed mapping, no input
            session.execute(text(f"ANALYZE {table}"))
        written = indexer.index(session)
        indexer.update_words(session, full=True)
        session.commit()
    return written


def main() -> None:
    engine = create_engine(database_url("pressbase"))
    started = time.perf_counter()
    written = reindex_all(engine)
    engine.dispose()
    print(f"pressbase: reindexed {written} in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
