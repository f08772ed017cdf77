"""Feed imports on the real database: full loads and deltas, the change log, all-or-nothing, atomic for readers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

import svckit.db  # noqa: F401  (psycopg waits cooperatively: the reader thread below is a greenthread)
from pressbase.usecases import feeds
from pressbase_testing import jsonl, load_sample, record_id, sample_records


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_full_load_builds_records_links_search_rows_and_change_log(pressbase_db):
    result = load_sample(pressbase_db)
    assert result["counts"]["outlet"]["insert"] == 7
    assert result["counts"]["journalist"]["insert"] == 9
    assert result["counts"]["forward_feature"]["insert"] == 4
    assert count(pressbase_db, "SELECT count(*) FROM journalist_search") == 9
    assert count(pressbase_db, "SELECT count(*) FROM outlet_search") == 7
    # Lea Muller works for two outlets; her search row knows both
    lea = record_id(pressbase_db, "journalist", "J-3")
    assert count(pressbase_db, "SELECT count(*) FROM journalist_outlets WHERE journalist_id = :j", j=lea) == 2
    facets = count(pressbase_db, "SELECT facets FROM journalist_search WHERE id = :j", j=lea)
    assert {"ds:dach", "co:CH", "st:CH-ZH", "fl:1", "dk:finanzen", "tp:wirtschaft", "tp:wirtschaft.finanzen",
            "tp:wirtschaft.finanzen.boerse", "ty:daily_newspaper", "ty:trade_journal", "fr:daily",
            "fr:monthly"} <= set(facets)
    state = count(pressbase_db, "SELECT state FROM feed_imports WHERE id = :i", i=result["import_id"])
    assert state == "done"
    assert count(pressbase_db, "SELECT count(*) FROM record_changes WHERE import_id = :i AND op = 'insert'",
                 i=result["import_id"]) == 20
    # the typo lexicon knows the words of the data
    assert count(pressbase_db, "SELECT count(*) FROM search_words WHERE word = 'mull'") == 1


def test_same_file_again_changes_nothing(pressbase_db):
    load_sample(pressbase_db)
    again = load_sample(pressbase_db)
    assert all(v == {"insert": 0, "update": 0, "delete": 0} for v in again["counts"].values())
    assert count(pressbase_db, "SELECT max(version) FROM journalists") == 1


def test_delta_updates_deletes_and_records_what_changed(pressbase_db):
    load_sample(pressbase_db)
    anna = record_id(pressbase_db, "journalist", "J-1")
    delta = [
        {"type": "journalist", **next(r for r in sample_records() if r["id"] == "J-1"),
         "position": "Ressortleiterin Wirtschaft", "email": "anna.mueller@neu.example"},
        {"type": "journalist", "op": "delete", "id": "J-2"},
        {"type": "outlet", "op": "upsert", **{k: v for k, v in next(r for r in sample_records() if r["id"] == "O-4")
                                              .items() if k != "type"}, "name": "Fachblatt Logistik & Handel"},
        {"type": "journalist", "id": "J-10", "dataset": "dach", "last_name": "Neu", "outlets": [{"id": "O-4"}]},
    ]
    result = feeds.import_feed(pressbase_db, [jsonl(delta)], fmt="jsonl", mode="delta", source="test")
    assert result["counts"]["journalist"] == {"insert": 1, "update": 1, "delete": 1}
    assert result["counts"]["outlet"] == {"insert": 0, "update": 1, "delete": 0}
    changes = count(pressbase_db, "SELECT changes FROM record_changes WHERE import_id = :i AND record_id = :r "
                                  "AND kind = 'journalist'", i=result["import_id"], r=anna)
    assert changes == {"position": ["Redakteurin Wirtschaft", "Ressortleiterin Wirtschaft"],
                       "email": ["anna.mueller@sz.example", "anna.mueller@neu.example"]}
    assert count(pressbase_db, "SELECT version FROM journalists WHERE id = :j", j=anna) == 2
    assert count(pressbase_db, "SELECT count(*) FROM journalists WHERE ext_id = 'J-2'") == 0
    assert count(pressbase_db, "SELECT count(*) FROM journalist_search WHERE id NOT IN (SELECT id FROM journalists)"
                 ) == 0
    # the outlet's new name reached the search rows of its journalists (Weber works there, untouched by the feed)
    weber = record_id(pressbase_db, "journalist", "J-4")
    assert count(pressbase_db, "SELECT tsv @@ to_tsquery('simple', 'handel') FROM journalist_search WHERE id = :j",
                 j=weber) is True


def test_full_load_deletes_what_the_file_no_longer_has_within_its_datasets(pressbase_db):
    load_sample(pressbase_db)
    records = [r for r in sample_records() if r["id"] not in ("J-9", "F-2")]
    result = feeds.import_feed(pressbase_db, [jsonl(records)], fmt="jsonl", mode="full", source="test")
    assert result["counts"]["journalist"]["delete"] == 1
    assert result["counts"]["forward_feature"]["delete"] == 1
    # a full load of only world outlets leaves the DACH records alone
    world = [r for r in sample_records() if r["type"] == "outlet" and r["dataset"] == "world"]
    result = feeds.import_feed(pressbase_db, [jsonl(world)], fmt="jsonl", mode="full", source="test")
    assert result["counts"]["outlet"]["delete"] == 0
    assert count(pressbase_db, "SELECT count(*) FROM outlets WHERE dataset = 'dach'") == 4


def test_a_file_with_errors_changes_nothing_and_says_why(pressbase_db):
    load_sample(pressbase_db)
    before = count(pressbase_db, "SELECT count(*) FROM record_changes")
    bad = [
        {"type": "journalist", "id": "J-1", "dataset": "dach", "last_name": "Geändert"},
        {"type": "journalist", "id": "J-11", "dataset": "dach", "last_name": "X", "desks": ["kochen"]},
    ]
    with pytest.raises(feeds.FeedRejected) as exc:
        feeds.import_feed(pressbase_db, [jsonl(bad)], fmt="jsonl", mode="delta", source="test")
    errors = exc.value.extra["errors"]
    assert errors == [{"line": 2, "field": "desks", "message": {
        "de": "Unbekannter Wert „kochen“ (Ressort).", "en": 'Unknown value "kochen" (desk).'}}]
    assert "nicht übernommen" in exc.value.detail.de and "not applied" in exc.value.detail.en
    assert count(pressbase_db, "SELECT last_name FROM journalists WHERE ext_id = 'J-1'") == "Müller"
    assert count(pressbase_db, "SELECT count(*) FROM record_changes") == before
    assert count(pressbase_db, "SELECT state FROM feed_imports WHERE id = :i", i=exc.value.extra["import_id"]) \
        == "failed"


def test_references_to_unknown_outlets_are_refused_with_their_lines(pressbase_db):
    load_sample(pressbase_db)
    bad = [
        {"type": "outlet", "op": "delete", "id": "O-4"},
        {"type": "journalist", "id": "J-12", "dataset": "dach", "last_name": "Y", "outlets": [{"id": "O-4"}]},
        {"type": "forward_feature", "id": "F-9", "outlet": "O-404", "title": "T", "deadline": "2030-01-01"},
    ]
    with pytest.raises(feeds.FeedRejected) as exc:
        feeds.import_feed(pressbase_db, [jsonl(bad)], fmt="jsonl", mode="delta", source="test")
    assert [(e["line"], e["field"]) for e in exc.value.extra["errors"]] == [(2, "outlets"), (3, "outlet")]
    assert "O-404" in exc.value.extra["errors"][1]["message"]["en"]
    assert count(pressbase_db, "SELECT count(*) FROM outlets WHERE ext_id = 'O-4'") == 1


def test_empty_file_is_refused(pressbase_db):
    with pytest.raises(feeds.FeedRejected) as exc:
        feeds.import_feed(pressbase_db, [b"\n\n"], fmt="jsonl", mode="full", source="test")
    assert exc.value.fields["file"].en == "The file contains no records."


def test_csv_feed(pressbase_db):
    load_sample(pressbase_db)
    csv_text = ("id;dataset;name;media_type;country;state;city;language;frequency;reach;topics;departments\n"
                "O-20;dach;Kölner Stadtblatt;weekly_newspaper;DE;DE-NW;Köln;de;weekly;40000;regionales;lokales\n")
    result = feeds.import_feed(pressbase_db, [csv_text.encode("cp1252")], fmt="csv", mode="delta",
                               record_type="outlet", source="test")
    assert result["counts"]["outlet"]["insert"] == 1
    assert count(pressbase_db, "SELECT name FROM outlets WHERE ext_id = 'O-20'") == "Kölner Stadtblatt"


def test_a_delta_is_atomic_for_readers(pressbase_db):
    """While the delta's transaction is open (everything applied, not yet committed), a reader on another
    connection still sees the old state in full; right after the commit it sees the new state in full."""
    load_sample(pressbase_db)
    reader = create_engine(pressbase_db.url)
    renamed = [{**{k: v for k, v in r.items()}, "position": "Chefreporter"}
               for r in sample_records() if r["type"] == "journalist" and r["dataset"] == "dach"]
    n = len(renamed)
    query = ("SELECT count(*) FILTER (WHERE tsv @@ to_tsquery('pressbase_de', 'chefreporter')) "
             "FROM journalist_search")
    seen: list[int] = []

    def before_commit(session, import_id):
        # the importer has written every row in its own transaction ...
        assert session.execute(text(query)).scalar() == n
        # ... and a reader sees none of it
        with reader.connect() as conn:
            seen.append(conn.execute(text(query)).scalar())

    feeds.import_feed(pressbase_db, [jsonl(renamed)], fmt="jsonl", mode="delta", source="test",
                      before_commit=before_commit)
    with reader.connect() as conn:
        after = conn.execute(text(query)).scalar()
    reader.dispose()
    assert seen == [0]
    assert after == n


def test_concurrent_readers_never_see_half_a_delta(pressbase_db):
    """A reader polling in a loop during a real delta of a few thousand records sees either all or none."""
    from pressbase_devtools import generator

    generator.load_generated(pressbase_db, generator.Plan.scaled(600, outlets=100, world_share=0.0), mode="full")
    total = count(pressbase_db, "SELECT count(*) FROM journalists")
    gen = generator.Generator(generator.Plan.scaled(600, outlets=100, world_share=0.0))
    records = [generator.public(r) for r in gen.records()]
    for r in records:
        if r["type"] == "journalist":
            r["position"] = "Wechselredakteur"
    payload = jsonl(records)
    reader = create_engine(pressbase_db.url)
    counts: set[int] = set()
    done = threading.Event()

    def poll():
        with reader.connect() as conn:
            while not done.is_set():
                counts.add(conn.execute(text(
                    "SELECT count(*) FROM journalist_search WHERE tsv @@ to_tsquery('pressbase_de', 'wechselredakteur')"
                )).scalar())
                conn.commit()

    thread = threading.Thread(target=poll)
    thread.start()
    try:
        result = feeds.import_feed(pressbase_db, [payload], fmt="jsonl", mode="delta", source="test")
    finally:
        done.set()
        thread.join()
        reader.dispose()
    assert result["counts"]["journalist"]["update"] == total
    assert counts <= {0, total}
    assert 0 in counts  # the reader did read while the import ran


def test_reindex_rebuilds_every_search_row(pressbase_db):
    from pressbase.reindex import reindex_all

    load_sample(pressbase_db)
    with pressbase_db.begin() as conn:
        conn.execute(text("UPDATE journalist_search SET name_tsv = '', main_tsv = '', tsv = ''"))
    written = reindex_all(pressbase_db)
    assert written["journalist_search"] == 9 and written["outlet_search"] == 7
    assert count(pressbase_db, "SELECT count(*) FROM journalist_search WHERE name_tsv @@ to_tsquery('simple', 'anna')"
                 ) == 1
