"""Search through the real service: German and English stemming, umlaut folding, prefixes, typos, facets, sorting
and cursors, and entitlements (billing's real event through the broker) deciding what an account can see."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pressbase.contracts import JournalistResult
from pressbase.usecases import feeds
from pressbase_devtools import generator
from pressbase_testing import record_id
from svckit.errors import Forbidden, InvalidInput, NotFound


def names(result) -> set[str]:
    return {item["name"] for item in result["items"]}


@pytest.fixture
def dach_user(tenant, billing, sample):
    billing.grant(tenant.account, phase="regular", datasets=("dach",))
    return tenant.user()


def test_umlauts_fold_so_mueller_muller_and_mueller_meet(dach_user, rpc_as):
    with rpc_as(dach_user) as rpc:
        found = {q: names(rpc.pressbase.search_journalists({"q": q, "prefix": False}))
                 for q in ("Müller", "Mueller", "Muller", "MÜLLER")}
        assert found["Müller"] == {"Dr. Anna Müller", "Thomas Mueller", "Lea Muller"}
        assert found["Mueller"] == found["Muller"] == found["MÜLLER"] == found["Müller"]
        assert names(rpc.pressbase.search_journalists({"q": "Oeztuerk", "prefix": False})) == {
            "Prof. Dr. Hans-Peter Öztürk"}
        assert "Prof. Dr. Hans-Peter Öztürk" in names(rpc.pressbase.search_journalists({"q": "ozturk"}))
        assert {o["name"] for o in rpc.pressbase.search_outlets({"q": "Zuerich", "prefix": False})["items"]} == {
            "Neue Zürcher Zeitung"}


def test_german_stemming_finds_zeitungen_for_zeitung_and_back(dach_user, rpc_as):
    with rpc_as(dach_user) as rpc:
        # "Korrespondent für Zeitungen und Magazine" is found by the singular ...
        assert "Jonas Weber" in names(rpc.pressbase.search_journalists({"q": "Zeitung", "prefix": False}))
        # ... and outlets called "... Zeitung" by the plural
        outlets = {o["name"] for o in rpc.pressbase.search_outlets({"q": "Zeitungen", "prefix": False})["items"]}
        assert {"Süddeutsche Zeitung", "Wiener Zeitung", "Neue Zürcher Zeitung"} <= outlets
        assert "Fachblatt Logistik" not in outlets


def test_english_words_and_labels_work_too(dach_user, rpc_as):
    with rpc_as(dach_user) as rpc:
        outlets = {o["name"] for o in rpc.pressbase.search_outlets({"q": "newspapers", "prefix": False})["items"]}
        assert {"Süddeutsche Zeitung", "Wiener Zeitung"} <= outlets
        # topic labels in both languages: banking (Banken) finds Anna Müller
        assert "Dr. Anna Müller" in names(rpc.pressbase.search_journalists({"q": "banking", "prefix": False}))
        assert "Dr. Anna Müller" in names(rpc.pressbase.search_journalists({"q": "Banken", "prefix": False}))


def test_excluded_words_count_anywhere_in_every_relevance_tier(dach_user, rpc_as, relevance_strategy):
    with rpc_as(dach_user) as rpc:
        assert "Dr. Anna Müller" in names(rpc.pressbase.search_journalists({"q": "Anna", "prefix": False}))
        # Anna is a name match (tier 0), but "Wirtschaft" is in her position: excluded
        assert names(rpc.pressbase.search_journalists({"q": "Anna -Wirtschaft", "prefix": False})) == set()
        assert names(rpc.pressbase.search_journalists({"q": "Müller -Sport", "prefix": False})) == {
            "Dr. Anna Müller", "Lea Muller"}


def test_prefixes_while_typing_and_typo_tolerance(dach_user, rpc_as):
    with rpc_as(dach_user) as rpc:
        assert "Dr. Anna Müller" in names(rpc.pressbase.search_journalists({"q": "Anna Mül"}))
        typo = rpc.pressbase.search_journalists({"q": "Logistk", "prefix": False})
        assert typo["corrections"] and typo["corrections"][0]["word"] == "Logistk"
        assert "Jonas Weber" in names(typo)
        nothing = rpc.pressbase.search_journalists({"q": "Qxzvjw", "prefix": False})
        assert nothing["items"] == [] and nothing["total"] == 0


def test_facets_count_the_matches_and_filters_narrow_them(dach_user, rpc_as, pressbase_db):
    with rpc_as(dach_user) as rpc:
        everything = rpc.pressbase.search_journalists({})
        assert everything["total"] == 6 and everything["estimated"] is False
        JournalistResult.model_validate(everything)   # the answer as the gateway documents it (pressbase.contracts)
        countries = {f["code"]: f["count"] for f in everything["facets"]["country"]}
        assert countries == {"DE": 4, "AT": 1, "CH": 1}
        labels = {f["code"]: f["label"] for f in everything["facets"]["country"]}
        assert labels["AT"] == "Österreich"
        types = {f["code"]: f["count"] for f in everything["facets"]["media_type"]}
        assert types == {"daily_newspaper": 5, "trade_journal": 2}
        topics = {f["code"]: f for f in everything["facets"]["topic"]}
        assert topics["wirtschaft"]["count"] == 2 and topics["wirtschaft.finanzen"]["parent"] == "wirtschaft"
        outlet_facet = {f["label"]: f["count"] for f in everything["facets"]["outlet"]}
        assert outlet_facet["Süddeutsche Zeitung"] == 3

        at = rpc.pressbase.search_journalists({"filters": {"country": ["AT"]}})
        assert names(at) == {"Thomas Mueller"} and at["total"] == 1
        # disjunctive: the country facet still shows the other countries one could add
        assert {f["code"]: f["count"] for f in at["facets"]["country"]} == {"DE": 4, "AT": 1, "CH": 1}
        assert {f["code"] for f in at["facets"]["desk"]} == {"sport"}

        sz = record_id(pressbase_db, "outlet", "O-1")
        by_outlet = rpc.pressbase.search_journalists({"filters": {"outlet": [sz], "desk": ["politik"]}})
        assert names(by_outlet) == {"Prof. Dr. Hans-Peter Öztürk"}
        topic = rpc.pressbase.search_journalists({"filters": {"topic": ["wirtschaft.finanzen"]}})
        assert names(topic) == {"Dr. Anna Müller", "Lea Muller"}   # banking and stock markets are below finance
        freelance = rpc.pressbase.search_journalists({"filters": {"freelance": True}})
        assert names(freelance) == {"Lea Muller"}


def test_invalid_input_names_the_field_in_both_languages(dach_user, rpc_as, tenant):
    with rpc_as(dach_user) as rpc:
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.search_journalists({"filters": {"media_type": ["zine"]}})
        assert exc.value.fields["filters.media_type"].de == "Unbekannter Wert „zine“ (Medientyp)."
        assert exc.value.fields["filters.media_type"].en == 'Unknown value "zine" (media type).'
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.search_journalists({"cursor": "garbage"})
        assert "cursor" in exc.value.fields
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.search_journalists({"limit": 1000, "sort": "random"})
        assert set(exc.value.fields) == {"limit", "sort"}
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.get_journalist("J-1'; drop table")
        assert "journalist_id" in exc.value.fields
        with pytest.raises(NotFound):
            rpc.pressbase.get_journalist(99_999_999)


def test_entitlements_decide_visibility(tenant, billing, sample, rpc_as, pressbase_db):
    world_id = record_id(pressbase_db, "journalist", "J-5")
    plus_id = record_id(pressbase_db, "journalist", "J-7")
    user = tenant.user()
    # billing has said nothing yet: starting-phase limits, DACH only
    with rpc_as(user) as rpc:
        assert rpc.pressbase.get_licence()["datasets"] == ["dach"]
        assert rpc.pressbase.search_journalists({"q": "Martin", "prefix": False})["items"] == []
        with pytest.raises(NotFound):
            rpc.pressbase.get_journalist(world_id)

    # a trial: even if World, Forward Features and the export were in the payload, the starting phase hides them
    billing.grant(tenant.account, version=1, phase="starting", datasets=("dach", "world"), forward_features=True,
                  pressbase_export=True)
    with rpc_as(user) as rpc:
        licence = rpc.pressbase.get_licence()
        reasons = licence.pop("reasons")
        assert licence == {"phase": "starting", "datasets": ["dach"], "forward_features": False, "export": False,
                           "plus_fields": False}
        assert "Startphase" in reasons["export"] and "Startphase" in reasons["forward_features"]
        assert rpc.pressbase.search_journalists({"q": "Martin", "prefix": False})["items"] == []
        assert {"world"} & {f["code"] for f in rpc.pressbase.search_outlets({})["facets"]["dataset"]} == set()
        with pytest.raises(Forbidden) as exc:
            rpc.pressbase.search_forward_features({})
        assert "starting phase" in exc.value.detail.en and "Startphase" in exc.value.detail.de

    # the regular subscription with World and PLUS
    billing.grant(tenant.account, version=2, phase="regular", datasets=("dach", "plus", "world"),
                  forward_features=True)
    with rpc_as(user) as rpc:
        assert names(rpc.pressbase.search_journalists({"q": "Martin", "prefix": False})) == {"Sophie Martin"}
        assert rpc.pressbase.get_journalist(world_id)["dataset"] == "world"
        mia = rpc.pressbase.get_journalist(plus_id)
        assert mia["plus"] == {"mobile": "+49 151 7654321"}
        anna = rpc.pressbase.search_journalists({"q": "Anna Müller", "prefix": False})["items"][0]
        assert anna["plus"]["mobile"] == "+49 170 1234567"

    # an older version arriving late changes nothing
    billing.grant(tenant.account, version=1, phase="starting", datasets=("dach",))
    with rpc_as(user) as rpc:
        assert rpc.pressbase.get_licence()["datasets"] == ["dach", "plus", "world"]

    # DACH without PLUS: no PLUS records and no PLUS fields
    billing.grant(tenant.account, version=3, phase="regular", datasets=("dach",))
    with rpc_as(user) as rpc:
        with pytest.raises(NotFound):
            rpc.pressbase.get_journalist(plus_id)
        anna = rpc.pressbase.search_journalists({"q": "Anna Müller", "prefix": False})["items"][0]
        assert "plus" not in anna
    # another account's licence is its own
    with rpc_as(tenant.stranger()) as rpc:
        assert rpc.pressbase.get_licence()["datasets"] == ["dach"]


def test_forward_features_by_topic_and_upcoming_deadline(tenant, billing, sample, rpc_as):
    billing.grant(tenant.account, phase="regular", datasets=("dach",), forward_features=True)
    with rpc_as(tenant.user(lang="en")) as rpc:
        upcoming = rpc.pressbase.search_forward_features({})
        assert [f["title"] for f in upcoming["items"]] == ["Schwerpunkt Lagerlogistik", "Europawahl Spezial"]
        assert upcoming["items"][0]["topic"]["label"] == "Logistics"
        by_topic = rpc.pressbase.search_forward_features({"topic": ["wirtschaft"]})
        assert [f["title"] for f in by_topic["items"]] == ["Schwerpunkt Lagerlogistik"]
        assert {f["code"]: f["count"] for f in upcoming["facets"]["topic"]}["politik"] == 1
        text_hit = rpc.pressbase.search_forward_features({"q": "Europawahl"})
        assert [f["title"] for f in text_hit["items"]] == ["Europawahl Spezial"]
        page1 = rpc.pressbase.search_forward_features({"limit": 1})
        page2 = rpc.pressbase.search_forward_features({"limit": 1, "cursor": page1["next_cursor"]})
        assert page2["items"][0]["title"] == "Europawahl Spezial" and page2["next_cursor"] is None
    billing.grant(tenant.account, version=2, phase="regular", datasets=("dach", "world"), forward_features=True)
    with rpc_as(tenant.user()) as rpc:
        assert "AI in business" in [f["title"] for f in rpc.pressbase.search_forward_features({})["items"]]


@pytest.fixture
def bigger(tenant, billing, pressbase_db, sample):
    generator.load_generated(pressbase_db, generator.Plan.scaled(400, outlets=80, world_share=0.0), mode="delta")
    billing.grant(tenant.account, phase="regular", datasets=("dach", "plus"))
    return tenant.user()


@pytest.fixture(params=["at once", "tier walk", "tier walk in index order"])
def relevance_strategy(request, monkeypatch):
    """Few matches are ranked in one query, many tier by tier; a tier (or a page by reach or name) with few matches
    reads them all, one with many walks the index in page order: every way must give the same order and cursors
    (the services run in this process, so lowering the thresholds here switches the strategy)."""
    if request.param.startswith("tier walk"):
        monkeypatch.setattr("pressbase.db.search_sql.SINGLE_QUERY", -1)
    if request.param == "tier walk in index order":   # at this size every tier is "few": force the walk
        monkeypatch.setattr("pressbase.db.search_sql.Size.few", lambda self, tier=None: False)
    return request.param


@pytest.mark.parametrize("sort,q", [("name", None), ("reach", None), ("relevance", "Redakteurin"),
                                    ("relevance", "wirtschaft")])
def test_cursor_pages_cover_every_match_once_in_order(bigger, rpc_as, pressbase_db, sort, q, relevance_strategy):
    with rpc_as(bigger) as rpc:
        first = rpc.pressbase.search_journalists({"q": q, "sort": sort, "limit": 25, "prefix": False})
        seen = [i["id"] for i in first["items"]]
        cursor = first["next_cursor"]
        while cursor:
            page = rpc.pressbase.search_journalists({"q": q, "sort": sort, "limit": 25, "cursor": cursor,
                                                     "prefix": False, "facets": False})
            seen += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == first["total"]
    with pressbase_db.connect() as conn:
        if sort == "name":
            keys = dict(conn.execute(text("SELECT id, sort_name FROM journalist_search")).all())
            assert [keys[i] for i in seen] == sorted(keys[i] for i in seen)
        elif sort == "reach":
            keys = dict(conn.execute(text("SELECT id, reach FROM journalist_search")).all())
            assert [keys[i] for i in seen] == sorted((keys[i] for i in seen), reverse=True)


def test_big_result_sets_get_estimated_counts_marked_as_such(run_services, tenant, pressbase_db, rpc_as):
    from pressbase.service import PressbaseService
    from pressbase_testing import FakeBilling

    generator.load_generated(pressbase_db, generator.Plan.scaled(600, outlets=100, world_share=0.0), mode="full")
    run_services(PressbaseService, FakeBilling, config={"PRESSBASE_EXACT_COUNT_LIMIT": 50})
    with rpc_as(tenant.user()) as rpc:
        result = rpc.pressbase.search_journalists({})
    with pressbase_db.connect() as conn:
        truth = conn.execute(text("SELECT count(*) FROM journalist_search WHERE dataset = 'dach'")).scalar()
    assert result["estimated"] is True
    assert 0.5 * truth < result["total"] < 1.5 * truth


def test_a_small_filtered_result_keeps_its_exact_total_when_its_own_facet_is_estimated(run_services, tenant,
                                                                                       pressbase_db, rpc_as):
    """Disjunctive facets: the state facet of a search filtered to one state counts every journalist (too many:
    estimated), but the filtered total is small and exact, and says so."""
    from pressbase.service import PressbaseService
    from pressbase_testing import FakeBilling

    generator.load_generated(pressbase_db, generator.Plan.scaled(600, outlets=100, world_share=0.0), mode="full")
    run_services(PressbaseService, FakeBilling, config={"PRESSBASE_EXACT_COUNT_LIMIT": 50})
    with pressbase_db.connect() as conn:
        # a state small enough in the 1/16 sample to be counted exactly (estimate <= 50)
        state, truth = conn.execute(text(
            "SELECT f, count(*) FROM journalist_search, unnest(facets) f WHERE dataset = 'dach' AND f LIKE 'st:%' "
            "AND f NOT IN (SELECT g FROM journalist_search_sample, unnest(facets) g WHERE dataset = 'dach' "
            "              GROUP BY g HAVING count(*) > 3) "
            "GROUP BY f ORDER BY count(*) DESC LIMIT 1")).one()
        desks = dict(conn.execute(text(
            "SELECT substr(f, 4), count(*) FROM journalist_search, unnest(facets) f WHERE dataset = 'dach' "
            "AND f LIKE 'dk:%' AND :st = ANY(facets) GROUP BY f"), {"st": state}).all())
    with rpc_as(tenant.user()) as rpc:
        result = rpc.pressbase.search_journalists({"filters": {"state": [state[3:]]}})
        everyone = rpc.pressbase.search_journalists({})
    assert result["total"] == truth and result["estimated"] is False
    assert result["facets_estimated"] == ["state"]
    assert result["facets"]["desk"]
    for facet in result["facets"]["desk"]:   # exact within the state
        assert facet["count"] == desks[facet["code"]], facet
    assert everyone["estimated"] is True and {"desk", "state"} <= set(everyone["facets_estimated"])


def test_huge_result_sets_are_counted_on_the_1_in_256_sample(run_services, tenant, pressbase_db, rpc_as,
                                                              monkeypatch):
    from pressbase.db import search_sql
    from pressbase.service import PressbaseService

    generator.load_generated(pressbase_db, generator.Plan.scaled(600, outlets=100, world_share=0.0), mode="full")
    monkeypatch.setattr(search_sql, "LARGE", 1)
    run_services(PressbaseService)
    with rpc_as(tenant.user()) as rpc:
        result = rpc.pressbase.search_journalists({"filters": {"country": ["DE", "AT", "CH"]}})
    with pressbase_db.connect() as conn:
        sub0 = conn.execute(text("SELECT count(*) FROM journalist_search_sub WHERE dataset = 'dach' "
                                 "AND facets && ARRAY['co:DE', 'co:AT', 'co:CH']")).scalar()
        de = conn.execute(text("SELECT count(*) FROM journalist_search_sub WHERE dataset = 'dach' "
                               "AND 'co:DE' = ANY(facets)")).scalar()
    assert sub0 > 0
    assert result["estimated"] is True
    assert result["total"] == search_sql._round_estimate(sub0 * 256)
    assert {f["code"]: f["count"] for f in result["facets"]["country"]}["DE"] == search_sql._round_estimate(de * 256)


def test_relevance_ranks_name_matches_then_role_and_topic_then_the_rest_each_by_reach(bigger, rpc_as, pressbase_db,
                                                                                    relevance_strategy):
    """Tier 0: the word is in the name; tier 1: in position, desks, topics or outlets; tier 2: anywhere else."""
    ids, cursor = [], None
    with rpc_as(bigger) as rpc:
        while True:
            page = rpc.pressbase.search_journalists({"q": "Bayern", "prefix": False, "limit": 100, "cursor": cursor,
                                                     "facets": False})
            ids += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
    assert len(ids) > 10
    with pressbase_db.connect() as conn:
        rows = dict((r[0], (r[1], r[2])) for r in conn.execute(text(
            "SELECT id, CASE WHEN tsv @@ CAST('bay:A | bayern:A' AS tsquery) THEN 0 "
            "                WHEN tsv @@ CAST('bay:AB | bayern:AB' AS tsquery) THEN 1 ELSE 2 END, reach "
            "FROM journalist_search WHERE id = ANY(:ids)"), {"ids": ids}).all())
    keys = [rows[i] for i in ids]
    assert keys == sorted(keys, key=lambda k: (k[0], -k[1]))


def test_relevance_tiers_on_known_records(dach_user, rpc_as, pressbase_db, relevance_strategy):
    from pressbase_testing import jsonl

    people = [
        {"type": "journalist", "id": "J-90", "dataset": "dach", "first_name": "Kim", "last_name": "Sonnenschein",
         "outlets": [{"id": "O-4"}]},                                     # name (A), small outlet
        {"type": "journalist", "id": "J-91", "dataset": "dach", "last_name": "Brandt",
         "position": "Sonnenschein-Reporterin", "outlets": [{"id": "O-1"}]},  # position (B), big outlet
        {"type": "journalist", "id": "J-92", "dataset": "dach", "last_name": "Vogel", "city": "Sonnenschein",
         "outlets": [{"id": "O-6"}]},                                     # city (C), biggest outlet
        {"type": "journalist", "id": "J-93", "dataset": "dach", "last_name": "Fink", "city": "Sonnenschein",
         "outlets": [{"id": "O-1"}]},                                     # city (C), big outlet
    ]
    feeds.import_feed(pressbase_db, [jsonl(people)], fmt="jsonl", mode="delta", source="test")
    with rpc_as(dach_user) as rpc:
        order = [i["name"] for i in rpc.pressbase.search_journalists({"q": "Sonnenschein", "prefix": False})["items"]]
    assert order == ["Kim Sonnenschein", "Brandt", "Vogel", "Fink"]


def test_the_1_in_256_sample_carries_each_tiers_vector(bigger, pressbase_db):
    """The tier sizes (name, main fields) come from the 1/256 sample: its rows are exactly the search rows whose id
    hashes into it, with the same (stripped) vectors."""
    seen = {}
    for table in ("journalist_search", "outlet_search"):
        sub = table.replace("_search", "_search_sub")
        with pressbase_db.connect() as conn:
            expected = conn.execute(text(
                f"SELECT id, strip(name_tsv)::text, strip(main_tsv)::text FROM {table} "
                f"WHERE (hashint8(id) & 15) = 0 AND ((hashint8(id) >> 4) & 15) = 0 ORDER BY id")).all()
            actual = conn.execute(text(f"SELECT id, name_tsv::text, main_tsv::text FROM {sub} ORDER BY id")).all()
        assert actual == expected
        assert all(name for _, name, _ in actual)
        seen[table] = len(actual)
    assert seen["journalist_search"] > 0, seen   # the fixture's few hundred records put some rows into it
