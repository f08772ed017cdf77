"""Build the search rows (``journalist_search``, ``outlet_search``, their samples, forward features' tsvector and
the typo lexicon) for the records an import touched. Runs inside the import's transaction, so a reader sees the old
search rows until the import commits and the new ones after, never a mixture.

The ids to (re)index are in the temporary tables ``aff_journalist``, ``aff_outlet`` and ``aff_ff`` (column ``id``);
ids whose record no longer exists are removed from the search tables.

Search text parts: A = the name; B = position, desks, topics, outlets (for journalists) or type, departments,
topics, publisher (for outlets); C = places and the rest. Languages are facets only: "German" is in almost every
record and would only lengthen every vector and posting list. ``name_tsv`` = A, ``main_tsv`` = A + B,
``tsv`` = A + B + C (weighted), each with its own GIN index: relevance ranks by the first of them that matches,
then by reach (see search_sql.py).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

SAMPLE_MASK = 15  # a record is in the sample when hashint8(id) & 15 = 0: one in 16
SAMPLE_FACTOR = SAMPLE_MASK + 1
SUB_FACTOR = SAMPLE_FACTOR * SAMPLE_FACTOR   # sub = 0 within the sample: one in 256

AFFECTED = ("aff_journalist", "aff_outlet", "aff_ff")

# every label as one jsonb map, computed once per statement: {"v:desk:politik": "'polit':2 'politik':1", ...,
# "anc:wirtschaft.finanzen": "tp:wirtschaft tp:wirtschaft.finanzen"}: the German and English stems of each label
# as tsvector text, and each topic's ancestors as facet tokens (a correlated lookup in ``labels`` per row costs
# ~30 µs, a jsonb lookup ~1 µs)
LABEL_MAP = """
lab AS (
  SELECT jsonb_object_agg('v:' || kind || ':' || code,
                             CAST(to_tsvector('pressbase_de', pressbase_fold(de))
                                  || to_tsvector('pressbase_en', pressbase_fold(en)) AS text))
         || coalesce((SELECT jsonb_object_agg('anc:' || code,
                                              (SELECT string_agg('tp:' || array_to_string(p[1 : n], '.'), ' ')
                                                 FROM string_to_array(code, '.') p,
                                                      generate_series(1, cardinality(p)) n))
                        FROM labels WHERE kind = 'topic'), '{}') AS m
    FROM labels
)"""

DE = "'pressbase_de'::regconfig"
FREELANCE = ("(to_tsvector('pressbase_de', 'freie journalistin freier journalist') "
             "|| to_tsvector('pressbase_en', 'freelance journalist'))")
EN = "'pressbase_en'::regconfig"


def _vec(kind: str, codes: str) -> str:
    """The labels' German and English stems, parsed once per statement: per row only the vectors' text is joined
    (to_tsvector on the labels of every row cost ~4x more than the rest of the row)."""
    return f"CAST(array_to_string(ARRAY(SELECT lab.m ->> ('v:{kind}:' || x) FROM unnest({codes}) x), ' ') AS tsvector)"  # noqa: S608 -- table names and SQL fragments are module constants, no input


def _topic_tokens(codes: str) -> str:
    return (f"ARRAY(SELECT DISTINCT unnest(string_to_array(lab.m ->> ('anc:' || x), ' ')) "  # noqa: S608 -- table names and SQL fragments are module constants, no input
            f"FROM unnest({codes}) x)")


def create_affected_tables(session: Session) -> None:
    for table in AFFECTED:
        session.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id bigint PRIMARY KEY) ON COMMIT DROP"))


# Text is folded once per segment (pressbase_fold is the expensive part); labels come folded from the map. German
# labels are stemmed as German, English labels as English, free text in the record's language.
JOURNALIST_ROWS = f"""
WITH {LABEL_MAP}, work AS (
  SELECT jo.journalist_id AS id,
         max(o.reach) AS reach,
         string_agg(o.name, ' ' ORDER BY jo.ord) AS names,
         string_agg(DISTINCT o.city, ' ') AS cities,
         string_agg(DISTINCT o.publisher, ' ') AS publishers,
         array_agg(DISTINCT o.media_type) AS types,
         (array_agg(o.country ORDER BY jo.ord))[1] AS country,
         (array_agg(o.state ORDER BY jo.ord))[1] AS state,
         array_agg(DISTINCT 'ty:' || o.media_type)
         || coalesce(array_agg(DISTINCT 'fr:' || o.frequency) FILTER (WHERE o.frequency IS NOT NULL), '{{}}')
         || array_agg('ou:' || o.id) AS tokens
    FROM aff_journalist a
    JOIN journalist_outlets jo ON jo.journalist_id = a.id
    JOIN outlets o ON o.id = jo.outlet_id
   GROUP BY jo.journalist_id
)
SELECT j.id,
       j.dataset,
       pressbase_sortkey(j.last_name || ' ' || j.first_name) AS sort_name,
       coalesce(o.reach, 0) AS reach,
       pressbase_vec({DE}, pressbase_fold(concat_ws(' ', j.title, j.first_name, j.last_name)), 'A') AS a,
       pressbase_vec(pressbase_config(j.languages[1]), pressbase_fold(concat_ws(' ', j.position, o.names)), 'B')
       || setweight({_vec('desk', 'j.desks')} || {_vec('topic', 'j.topics')}
                    || CASE WHEN j.freelance THEN {FREELANCE} ELSE ''::tsvector END, 'B') AS b,
       pressbase_vec({DE}, pressbase_fold(concat_ws(' ', j.city, o.cities, o.publishers)), 'C')
       || setweight({_vec('region', 'ARRAY[j.country, j.state]')} || {_vec('media_type', 'o.types')}, 'C') AS c,
       ARRAY['ds:' || j.dataset, 'fl:' || CASE WHEN j.freelance THEN '1' ELSE '0' END]
       || coalesce(o.tokens, '{{}}')
       || CASE WHEN coalesce(j.country, o.country) IS NULL THEN '{{}}'::text[]
               ELSE ARRAY['co:' || coalesce(j.country, o.country)] END
       || CASE WHEN coalesce(j.state, o.state) IS NULL THEN '{{}}'::text[]
               ELSE ARRAY['st:' || coalesce(j.state, o.state)] END
       || {_topic_tokens('j.topics')}
       || ARRAY(SELECT 'dk:' || d FROM unnest(j.desks) d)
       || ARRAY(SELECT 'la:' || l FROM unnest(j.languages) l) AS facets
  FROM aff_journalist a
  JOIN journalists j ON j.id = a.id
  CROSS JOIN lab
  LEFT JOIN work o ON o.id = j.id
"""  # noqa: S608 -- table names and SQL fragments are module constants, no input

OUTLET_ROWS = f"""
WITH {LABEL_MAP}
SELECT o.id,
       o.dataset,
       pressbase_sortkey(o.name) AS sort_name,
       o.reach,
       pressbase_vec(pressbase_config(o.language), pressbase_fold(o.name), 'A') AS a,
       pressbase_vec(pressbase_config(o.language), pressbase_fold(o.publisher), 'B')
       || setweight({_vec('media_type', 'ARRAY[o.media_type]')} || {_vec('desk', 'o.departments')}
                    || {_vec('topic', 'o.topics')}, 'B') AS b,
       pressbase_vec({DE}, pressbase_fold(concat_ws(' ', o.city, o.website)), 'C')
       || setweight({_vec('region', 'ARRAY[o.country, o.state]')} || {_vec('frequency', 'ARRAY[o.frequency]')},
                    'C') AS c,
       ARRAY['ds:' || o.dataset, 'ty:' || o.media_type, 'co:' || o.country, 'la:' || o.language]
       || CASE WHEN o.state IS NULL THEN '{{}}'::text[] ELSE ARRAY['st:' || o.state] END
       || CASE WHEN o.frequency IS NULL THEN '{{}}'::text[] ELSE ARRAY['fr:' || o.frequency] END
       || {_topic_tokens('o.topics')}
       || ARRAY(SELECT 'dk:' || d FROM unnest(o.departments) d) AS facets
  FROM aff_outlet a
  JOIN outlets o ON o.id = a.id
  CROSS JOIN lab
"""  # noqa: S608 -- table names and SQL fragments are module constants, no input

# name_tsv (A) answers relevance tier 0, main_tsv (A + B) tier 1, tsv (everything) tier 2 and every count
UPSERT = """
INSERT INTO {table} (id, dataset, sort_name, reach, name_tsv, main_tsv, tsv, facets)
SELECT id, dataset, sort_name, reach, a, a || b, a || b || c, facets FROM ({rows}) r
ON CONFLICT (id) DO UPDATE SET dataset = excluded.dataset, sort_name = excluded.sort_name, reach = excluded.reach,
                               name_tsv = excluded.name_tsv, main_tsv = excluded.main_tsv, tsv = excluded.tsv,
                               facets = excluded.facets
"""

FORWARD_FEATURES = f"""
WITH {LABEL_MAP}
UPDATE forward_features f
   SET dataset = o.dataset,
       topic_tokens = CASE WHEN f.topic IS NULL THEN '{{}}'::text[] ELSE {_topic_tokens('ARRAY[f.topic]')} END,
       tsv = pressbase_vec(pressbase_config(o.language), pressbase_fold(f.title), 'A')
             || setweight({_vec('topic', 'ARRAY[f.topic]')}, 'B')
             || pressbase_vec(pressbase_config(o.language), pressbase_fold(concat_ws(' ', f.description, o.name)), 'C')
  FROM aff_ff a, outlets o, lab
 WHERE f.id = a.id AND o.id = f.outlet_id
"""  # noqa: S608 -- table names and SQL fragments are module constants, no input


class BulkIndexes:
    """For a first load into empty search tables: drop their secondary indexes, fill, rebuild them (several times
    faster than maintaining GIN indexes row by row). DROP INDEX locks the (empty) table until the load commits."""

    def __init__(self, session: Session, tables: tuple[str, ...]):
        self.session = session
        self.tables = tables
        self.definitions: list[str] = []

    def __enter__(self) -> "BulkIndexes":
        rows = self.session.execute(text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(CAST(:t AS regclass[])) AND NOT i.indisprimary"), {"t": list(self.tables)}).all()
        for name, definition in rows:
            self.definitions.append(definition)
            self.session.execute(text(f"DROP INDEX {name}"))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            return   # the transaction rolls back, the indexes come back with it
        self.session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for definition in self.definitions:
            self.session.execute(text(definition))


def search_tables_empty(session: Session) -> bool:
    return not session.execute(text("SELECT EXISTS (SELECT 1 FROM journalist_search) "
                                    "OR EXISTS (SELECT 1 FROM outlet_search)")).scalar()


def index(session: Session, bulk: bool = False) -> dict[str, int]:
    """(Re)build the search rows of every affected record; returns how many rows were written per table."""
    written: dict[str, int] = {}
    for kind, rows in (("journalist", JOURNALIST_ROWS), ("outlet", OUTLET_ROWS)):
        table, affected = f"{kind}_search", f"aff_{kind}"
        session.execute(text(f"DELETE FROM {table} s USING {affected} a WHERE s.id = a.id "  # noqa: S608 -- table names and SQL fragments are module constants, no input
                             f"AND NOT EXISTS (SELECT 1 FROM {kind}s r WHERE r.id = a.id)"))
        if bulk:
            with BulkIndexes(session, (table, f"{table}_sample", table.replace("_search", "_search_sub"))):
                written[table] = _fill(session, table, rows, affected, ordered=True)
            session.execute(text(f"ANALYZE {table}"))
        else:
            written[table] = _fill(session, table, rows, affected)
    written["forward_features"] = session.execute(text(FORWARD_FEATURES)).rowcount
    return written


def _fill(session: Session, table: str, rows: str, affected: str, ordered: bool = False) -> int:
    """Upsert the search rows; a first load writes them in name order, so the rows a name search reads (all the
    Müllers) share a few pages instead of being spread over the table."""
    upsert = UPSERT.format(table=table, rows=rows)
    if ordered:
        upsert = upsert.replace(") r\nON CONFLICT", ") r ORDER BY sort_name\nON CONFLICT")
    n = session.execute(text(upsert)).rowcount
    # the sample mirrors the rows of the search table whose id hashes into it
    # the samples mirror the rows whose id hashes into them: 1/16 (``_sample``) and 1/256 (``_sub``, within it)
    sub = table.replace("_search", "_search_sub")
    for target in (f"{table}_sample", sub):
        session.execute(text(f"DELETE FROM {target} s USING {affected} a WHERE s.id = a.id"))  # noqa: S608 -- table names and SQL fragments are module constants, no input
    session.execute(text(
        f"INSERT INTO {table}_sample (id, dataset, tsv, facets) "  # noqa: S608 -- table names and SQL fragments are module constants, no input
        f"SELECT s.id, s.dataset, strip(s.tsv), s.facets FROM {table} s "
        f"JOIN {affected} a ON a.id = s.id WHERE (hashint8(s.id) & {SAMPLE_MASK}) = 0"))
    session.execute(text(
        f"INSERT INTO {sub} (id, dataset, tsv, facets, name_tsv, main_tsv) "  # noqa: S608 -- table names and SQL fragments are module constants, no input
        f"SELECT s.id, s.dataset, strip(s.tsv), s.facets, strip(s.name_tsv), strip(s.main_tsv) FROM {table} s "
        f"JOIN {affected} a ON a.id = s.id WHERE (hashint8(s.id) & {SAMPLE_MASK}) = 0 "
        f"AND ((hashint8(s.id) >> 4) & {SAMPLE_MASK}) = 0"))
    return n


def update_words(session: Session, full: bool) -> None:
    """Add the lexemes of the (re)indexed rows to the typo lexicon; a full load rebuilds it."""
    if full:
        session.execute(text("DELETE FROM search_words"))
        sources = ["SELECT tsv FROM journalist_search", "SELECT tsv FROM outlet_search",
                   "SELECT tsv FROM forward_features"]
    else:
        sources = ["SELECT s.tsv FROM journalist_search s JOIN aff_journalist a ON a.id = s.id",
                   "SELECT s.tsv FROM outlet_search s JOIN aff_outlet a ON a.id = s.id",
                   "SELECT s.tsv FROM forward_features s JOIN aff_ff a ON a.id = s.id"]
    for source in sources:
        session.execute(text(
            "INSERT INTO search_words (word, ndoc) SELECT word, ndoc FROM ts_stat(:q) "
            "WHERE length(word) BETWEEN 2 AND 60 "
            "ON CONFLICT (word) DO UPDATE SET ndoc = search_words.ndoc + excluded.ndoc"), {"q": source})
