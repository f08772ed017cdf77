"""The search queries on ``journalist_search`` / ``outlet_search`` (see the migration and db/indexer.py).

- words -> stems and typo corrections (``word_forms``): one round trip for the stems (cached per process), one to
  check which exist in the lexicon, and only for unknown words a trigram lookup in ``search_words``;
- a page (``page``): keyset pagination for every sort order; relevance walks the tiers A, AB, anywhere;
- counts (``counts``): total and facet counts in one pass over the matches. The samples (1/16 of the rows, and
  ``*_search_sub``: 1/256) first say how many match; up to ``exact_limit`` the matches are counted exactly, beyond that
  on the sample that holds at most a few thousand of them, scaled up and marked ``estimated``. A facet group with
  an active filter is counted without its own filter (disjunctive facets: the user can add a second media type and
  sees how many that adds), sized and sampled on its own.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit.textsafe import like_prefix

from ..domain.query import TIERS, ParsedQuery, WordForms, to_tsquery
from .indexer import SAMPLE_FACTOR, SUB_FACTOR

_FORMS_CACHE: "OrderedDict[str, tuple[list[str], str]]" = OrderedDict()
_FORMS_CACHE_SIZE = 20_000
MIN_SIMILARITY = 0.45
_KNOWN: dict[str, float] = {}   # query word -> when its stems were last found in the lexicon (imports only add words)
_KNOWN_TTL = 300.0
SINGLE_QUERY = 2000     # up to this many matches, relevance is one query over all of them; beyond, tier by tier
SELECTIVE_WORDS = 20_000   # up to this many matches of the words alone, facet filters check rows, not the index
LARGE = 32_000          # from this many matches (2,000 in the 1/16 sample), counts use the 1/256 sample
# How a page is found: by reading every row the text index names for the query (a bitmap scan, then a top-N sort),
# or by walking the reach (or name) index in page order until enough rows pass the filters. PostgreSQL prefers the
# walk from ~1,500 matches on, assuming the matches spread evenly over the index; measured at 1M journalists the walk
# over "Forster" (1,800 matches in names) read 12,600 rows in 24 ms where the bitmap of the matches took 3.8 ms. The
# walk reads about rows * page / matches rows (the matches that count: licensed datasets and filters), the bitmap
# every row with the word (in any dataset); the search takes whichever reads fewer (``Size.few``), and the bitmap
# outright up to FEW rows.
FEW = 6_000
PAGE = 21


def word_forms(session: Session, words: list[str]) -> dict[str, WordForms]:
    """Stems of each word in both languages, and corrections for words that occur nowhere in the data."""
    missing = [w for w in words if w not in _FORMS_CACHE]
    if missing:
        rows = session.execute(text("""
SELECT t.word,
       ARRAY(SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('pressbase_de', pressbase_fold(t.word)))
                                    || tsvector_to_array(to_tsvector('pressbase_en', pressbase_fold(t.word))))),
       pressbase_sortkey(t.word)
  FROM unnest(CAST(:words AS text[])) AS t(word)"""), {"words": missing}).all()
        for word, lexemes, plain in rows:
            _FORMS_CACHE[word] = (list(lexemes), plain)
            if len(_FORMS_CACHE) > _FORMS_CACHE_SIZE:
                _FORMS_CACHE.popitem(last=False)
    forms = {w: WordForms(lexemes=list(_FORMS_CACHE[w][0]), plain=_FORMS_CACHE[w][1]) for w in words}
    return forms


def correct_typos(session: Session, query: ParsedQuery, forms: dict[str, WordForms]) -> list[dict[str, Any]]:
    """Replace the stems of words the data does not contain by the nearest words of the lexicon (pg_trgm)."""
    prefix_words = {t.words[-1] for t in query.terms if t.prefix}
    candidates = [w for w in forms if forms[w].lexemes and len(forms[w].plain) >= 4]
    if not candidates:
        return []
    now = time.monotonic()
    fresh = [w for w in candidates if now - _KNOWN.get(w, -_KNOWN_TTL) >= _KNOWN_TTL]
    known: set[str] = set()
    if fresh:
        known = set(session.execute(text("SELECT word FROM search_words WHERE word = ANY(CAST(:l AS text[]))"),
                                    {"l": sorted({x for w in fresh for x in forms[w].lexemes})}).scalars())
        if len(_KNOWN) > 50_000:
            _KNOWN.clear()
        _KNOWN.update({w: now for w in fresh if known.intersection(forms[w].lexemes)})
    corrections = []
    for word in candidates:
        f = forms[word]
        if word not in fresh or known.intersection(f.lexemes):
            continue
        if word in prefix_words and session.execute(
                text("SELECT EXISTS (SELECT 1 FROM search_words WHERE word LIKE :p)"),
                {"p": like_prefix(f.plain)}).scalar():
            continue
        near = session.execute(text("""
SELECT word FROM (
  SELECT word, similarity(word, :w) AS sim, ndoc FROM search_words WHERE word % :w
) s WHERE sim >= :min ORDER BY sim DESC, ndoc DESC LIMIT 3"""), {"w": f.plain, "min": MIN_SIMILARITY}).scalars().all()
        if near:
            f.corrected = list(near)
            corrections.append({"word": word, "used": list(near)})
    return corrections


@dataclass
class Conditions:
    """WHERE clauses shared by page and count queries; ``filters`` keeps each facet group's clause apart."""

    base: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    # the facet filters as index conditions (GIN on facets), or as row filters: for a rare word, ANDing it with the
    # bitmap of "country DE" (a fifth of the table) costs more than checking the word's few rows one by one
    filters_indexed: bool = True
    # for counting in the samples: the licence as facet tokens too, so a GIN bitmap can skip other datasets' rows
    sample_extra: list[str] = field(default_factory=list)

    def _filter(self, clause: str) -> str:
        return clause if self.filters_indexed else f"coalesce({clause}, false)"

    def sql(self, without: str | None = None, extra: list[str] | None = None) -> str:
        clauses = self.base + [self._filter(c) for g, c in self.filters.items() if g != without] + (extra or [])
        return " AND ".join(clauses) if clauses else "true"


def conditions(datasets: list[str], tsquery: str | None, filters: dict[str, list[str]],
               prefixes: dict[str, str]) -> Conditions:
    cond = Conditions()
    cond.base.append("s.dataset = ANY(CAST(:datasets AS text[]))")
    cond.params["datasets"] = list(datasets)
    if set(datasets) != {"dach", "plus", "world"}:
        cond.sample_extra.append("s.facets && CAST(:dataset_tokens AS text[])")
        cond.params["dataset_tokens"] = [f"ds:{d}" for d in datasets]
    if tsquery:
        cond.base.append("s.tsv @@ CAST(:q AS tsquery)")
        cond.params["q"] = tsquery
    for group, values in filters.items():
        if not values:
            continue
        name = f"f_{group}"
        cond.filters[group] = f"s.facets && CAST(:{name} AS text[])"
        cond.params[name] = [f"{prefixes[group]}:{v}" for v in values]
    return cond


@dataclass
class Size:
    """How many records match, from the samples: ``sub0`` in the 1/256 sample, ``sample`` in the 1/16 one."""

    sub0: int
    sample: int | None
    # with words, from the 1/256 sample, per relevance tier (name, main fields, anywhere): ``tiers`` the matches that
    # count (licensed, filtered), ``reads`` the rows the tier's text index names (every dataset, no filters)
    tiers: tuple[int, int, int] | None = None
    reads: tuple[int, int, int] | None = None
    rows: int = 0          # rows in the search table (the planner's estimate)

    def few(self, tier: int | None = None) -> bool:
        """Read the matches of this relevance tier (None: of the whole query) and sort them, rather than walk an
        index in page order: when they are few, or fewer than the walk would read."""
        if self.reads is None or self.tiers is None:
            return self.estimate <= FEW
        k = len(TIERS) - 1 if tier is None else tier
        reads = self.reads[k] * SUB_FACTOR
        if reads <= FEW:
            return True
        # the tier's own matches: the name tier's, the main fields' without the name's, the rest
        found = self.tiers[k] - (self.tiers[k - 1] if tier is not None and k > 0 else 0)
        walk = PAGE * self.rows / max(found * SUB_FACTOR, SUB_FACTOR / 2)
        return reads <= walk

    @property
    def estimate(self) -> int:
        return self.sample * SAMPLE_FACTOR if self.sample is not None else self.sub0 * SUB_FACTOR

    def mode(self, exact_limit: int) -> str:
        if self.sub0 * SUB_FACTOR >= LARGE:
            return "sub"
        if self.sample is None or self.estimate > exact_limit:
            return "sample"
        return "exact"


def sizes(session: Session, table: str, cond: Conditions, exact_limit: int,
          with_groups: bool = True) -> dict[str | None, Size]:
    """Match counts in the samples for the query (key None) and, for disjunctive facets, for the query without
    each active filter group. One statement: one pass over the 1/256 sample (a few thousand rows, read whole)
    counts every variant; a variant that may be small enough for exact counts or a one-query ranking is counted
    again in the 1/16 sample (a lazily evaluated sub-plan: it does not run for the others)."""
    variants: dict[str | None, str] = {None: cond.sql()}
    if with_groups:
        variants.update({g: cond.sql(without=g) for g in cond.filters})
    sub = table.replace("_search", "_search_sub")
    base = " AND ".join(cond.base) or "true"

    def own_filters(g) -> str:
        return " AND ".join(c for k, c in cond.filters.items() if k != g or g is None) or "true"

    tiered = "q" in cond.params
    # with words the pass reads every sample row with the words (any dataset) to size the index reads as well
    words = "s.tsv @@ CAST(:q AS tsquery)"
    licensed = (" AND ".join(c for c in cond.base if c != words) or "true") if tiered else "true"
    counted = ", ".join([f"count(*) FILTER (WHERE {licensed} AND {own_filters(g)}) AS n{i}"
                         for i, g in enumerate(variants)] + [f"count(*) FILTER (WHERE {licensed}) AS nb"])
    if tiered:
        counted += "".join(
            f", count(*) FILTER (WHERE {licensed} AND {own_filters(None)} AND s.{v} @@ CAST(:q AS tsquery)) AS t{k}"
            f", count(*) FILTER (WHERE s.{v} @@ CAST(:q AS tsquery)) AS a{k}" for k, v in enumerate(TIERS[:-1]))
        counted += ", count(*) AS a2"
    recount = max(4 * exact_limit, 2 * SINGLE_QUERY)
    extra = "".join(f" AND {c}" for c in cond.sample_extra)
    picked = ", ".join(f"c.n{i}, CASE WHEN c.n{i} * {SUB_FACTOR} < {recount} "  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
                       f"THEN (SELECT count(*) FROM {table}_sample s WHERE {where}{extra}) END"
                       for i, where in enumerate(variants.values()))
    picked += ", c.nb"
    if tiered:
        picked += (", c.t0, c.t1, c.a0, c.a1, c.a2, "  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
                   "(SELECT CAST(greatest(reltuples, 0) AS bigint) FROM pg_class "
                   f"WHERE oid = CAST('{table}' AS regclass))")
    row = session.execute(text(f"WITH c AS (SELECT {counted} FROM {sub} s WHERE {words if tiered else base}) "  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
                               f"SELECT {picked} FROM c"), cond.params).one()
    result = {g: Size(row[2 * i], row[2 * i + 1]) for i, g in enumerate(variants)}
    nb_at = 2 * len(variants)
    if tiered:
        t0, t1, a0, a1, a2, rows = row[nb_at + 1:]
        result[None].tiers, result[None].reads, result[None].rows = (t0, t1, row[0]), (a0, a1, a2), rows
    if cond.filters and len(cond.base) > 1 and row[nb_at] * SUB_FACTOR <= SELECTIVE_WORDS:
        cond.filters_indexed = False   # the words alone are selective: filter their rows, do not AND bitmaps
    return result


def page(session: Session, table: str, cond: Conditions, sort: str, query: ParsedQuery | None,
         forms: dict[str, WordForms] | None, cursor: dict[str, Any] | None, limit: int,
         matches: Size | None = None) -> tuple[list[int], Any]:
    """Ids of one page in order, and the cursor of the next page (None at the end)."""
    where = cond.sql()
    params = dict(cond.params)
    if sort == "name":
        keyset = ["(s.sort_name, s.id) > (:ck, :cid)"] if cursor else []
        if cursor:
            params.update(ck=cursor["k"], cid=cursor["id"])
        # (s.sort_name || ''): few matches are sorted, not found by walking the name index
        order = "(s.sort_name || '')" if matches is not None and matches.few() else "s.sort_name"
        rows = session.execute(text(
            f"SELECT s.id, s.sort_name FROM {table} s WHERE {where}{' AND ' + keyset[0] if keyset else ''} "  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
            f"ORDER BY {order}, s.id LIMIT :n"), {**params, "n": limit + 1}).all()
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = {"s": "name", "k": rows[-1][1], "id": rows[-1][0]} if more else None
        return [r[0] for r in rows], nxt
    if sort == "reach":
        return _by_reach(session, table, where, params, cursor, limit, sort="reach", tier=None,
                         few=matches is not None and matches.few())

    if matches is not None and matches.estimate <= SINGLE_QUERY:
        return _relevance_at_once(session, table, cond, cursor, limit)
    # relevance: tier by tier (name, main fields, anywhere), each ordered by reach
    ids: list[int] = []
    start_tier = cursor["t"] if cursor else 0
    remaining = limit
    tsquery = to_tsquery(query, forms, None)
    # without exclusions a tier's vector decides alone; with them the full vector must hold too ("-word" anywhere)
    negated = any(t.negated for t in query.terms)
    base = [c for c in cond.base if negated or "s.tsv @@" not in c] + list(cond.filters.values())
    for tier in range(start_tier, len(TIERS)):
        extra = [f"s.{TIERS[tier]} @@ CAST(:q AS tsquery)"]
        if tier > 0:
            extra.append(f"NOT (s.{TIERS[tier - 1]} @@ CAST(:q AS tsquery))")
        tier_where = " AND ".join(base + extra)
        tier_cursor = cursor if (cursor and tier == start_tier) else None
        got, nxt = _by_reach(session, table, tier_where, {**params, "q": tsquery}, tier_cursor, remaining,
                             sort="relevance", tier=tier, few=matches is not None and matches.few(tier))
        ids.extend(got)
        remaining -= len(got)
        if nxt is not None:
            return ids, nxt
        if remaining == 0:
            # this tier is exhausted exactly at the page end: the next page starts with the next tier
            if tier + 1 < len(TIERS):
                return ids, {"s": "relevance", "t": tier + 1, "k": 2 ** 31 - 1, "id": 2 ** 62}
            return ids, None
    return ids, None


def _relevance_at_once(session: Session, table: str, cond: Conditions, cursor: dict | None,
                       limit: int) -> tuple[list[int], Any]:
    """Few matches: classify every match into its tier in one query (same order and cursors as the tier walk)."""
    params = dict(cond.params)
    keyset = ""
    if cursor:
        keyset = "WHERE (t, -reach, -id) > (:ct, -CAST(:ck AS bigint), -CAST(:cid AS bigint))"
        params.update(ct=cursor["t"], ck=cursor["k"], cid=cursor["id"])
    rows = session.execute(text(f"""
SELECT id, t, reach FROM (
  SELECT s.id, s.reach, CASE WHEN s.name_tsv @@ CAST(:q AS tsquery) THEN 0
                             WHEN s.main_tsv @@ CAST(:q AS tsquery) THEN 1 ELSE 2 END AS t
    FROM {table} s WHERE {cond.sql()}) m {keyset}
 ORDER BY t, reach DESC, id DESC LIMIT :n"""), {**params, "n": limit + 1}).all()  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = {"s": "relevance", "t": rows[-1][1], "k": rows[-1][2], "id": rows[-1][0]} if more else None
    return [r[0] for r in rows], nxt


def _by_reach(session: Session, table: str, where: str, params: dict, cursor: dict | None, limit: int, sort: str,
              tier: int | None, few: bool = False) -> tuple[list[int], Any]:
    """One page by reach. ``few``: the matches are read and sorted (``s.reach + 0`` keeps PostgreSQL from walking
    the reach index and filtering, see FEW)."""
    keyset = ""
    if cursor:
        keyset = " AND (s.reach, s.id) < (:ck, :cid)"
        params = {**params, "ck": cursor["k"], "cid": cursor["id"]}
    rows = session.execute(text(
        f"SELECT s.id, s.reach FROM {table} s WHERE {where}{keyset} "  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
        f"ORDER BY {'s.reach + 0' if few else 's.reach'} DESC, s.id DESC LIMIT :n"),
        {**params, "n": limit + 1}).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more:
        nxt = {"s": sort, "k": rows[-1][1], "id": rows[-1][0]}
        if tier is not None:
            nxt["t"] = tier
    return [r[0] for r in rows], nxt


def counts(session: Session, table: str, cond: Conditions, exact_limit: int, top: dict[str, int],
           prefixes: dict[str, str], matches: dict[str | None, Size] | None = None) -> dict[str, Any]:
    """Total and facet counts: exact, or from a sample (1/16, or 1/256 for huge results) scaled and marked. The total
    is estimated only when the matches are too many; a facet group with an active filter is counted without it and
    may be estimated on its own (``facets_estimated`` names the estimated groups) while the total stays exact."""
    groups = {v: k for k, v in prefixes.items()}
    names: dict[int, str] = {}
    outlets = "outlets" if "ou" in groups else "(SELECT NULL::bigint AS id, NULL::text AS name LIMIT 0)"
    matches = matches if matches is not None and all(g in matches for g in cond.filters) \
        else sizes(session, table, cond, exact_limit)

    def tally(without: str | None, only: list[str]) -> tuple[int, dict[str, list], bool]:
        mode = matches[without].mode(exact_limit)
        source = {"exact": table, "sample": f"{table}_sample", "sub": table.replace("_search", "_search_sub")}[mode]
        factor = {"exact": 1, "sample": SAMPLE_FACTOR, "sub": SUB_FACTOR}[mode]
        where = cond.sql(without=without, extra=cond.sample_extra if mode == "sample" else None)
        # every group wanted: no need to look at each token's prefix; "C": sorting the groups byte-wise
        wanted = "" if set(only) >= set(prefixes.values()) else "WHERE left(f, 2) = ANY(CAST(:only AS text[]))"
        rows = session.execute(text(f"""
WITH m AS MATERIALIZED (SELECT s.facets FROM {source} s WHERE {where}),
     c AS (SELECT f COLLATE "C" AS f, count(*) AS n FROM m, unnest(m.facets) f {wanted} GROUP BY 1),
     r AS (SELECT f, n, row_number() OVER (PARTITION BY left(f, 2) ORDER BY n DESC, f) AS rank FROM c)
SELECT NULL AS f, count(*) AS n, NULL AS name FROM m
UNION ALL
SELECT r.f, r.n, o.name FROM r
  LEFT JOIN {outlets} o ON o.id = CASE WHEN left(r.f, 3) = 'ou:' THEN CAST(substr(r.f, 4) AS bigint) END
 WHERE r.rank <= :top"""), {**cond.params, "only": only, "top": max(top.values())}).all()  # noqa: S608 -- tables/fragments fixed in code, user values bound as params
        total = 0
        found: dict[str, list[tuple[str, int]]] = {}
        for f, n, name in rows:
            if name is not None:
                names[int(f[3:])] = name
            if f is None:
                total = n
                continue
            prefix, _, value = f.partition(":")
            group = groups.get(prefix)
            if group is None or len(found.setdefault(group, [])) >= top.get(group, 10):
                continue
            found[group].append((value, n * factor))
        return total * factor, found, mode != "exact"

    active = list(cond.filters)
    total, facets, estimated = tally(None, [prefixes[g] for g in prefixes if g not in active])
    rough = set(facets) if estimated else set()
    for group in active:   # disjunctive: each active group counted as if its own filter were not set
        _, own, own_estimated = tally(group, [prefixes[group]])
        facets[group] = own.get(group, [])
        if own_estimated:
            rough.add(group)
    if estimated:
        total = _round_estimate(total)
    facets = {g: [(v, _round_estimate(n)) for v, n in values] if g in rough else values for g, values in facets.items()}
    return {"total": total, "estimated": estimated, "facets_estimated": sorted(rough), "facets": facets,
            "outlet_names": names}


def _round_estimate(n: int) -> int:
    """An estimate should not look exact: keep two significant digits."""
    if n < 100:
        return n
    digits = len(str(n)) - 2
    return round(n, -digits)
