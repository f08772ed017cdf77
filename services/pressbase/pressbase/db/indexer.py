"""Build the search rows (``journalist_search``, ``outlet_search``, their samples, forward features' tsvector and
the typo lexicon) for the records an import touched. Runs inside the import's transaction, so a reader sees the old
search rows until the import commits and the new ones after, never a mixture.

The ids to (re)index are in the temporary tables ``aff_journalist``, ``aff_outlet`` and ``aff_ff`` (column ``id``);
ids whose record no longer exists are removed from the search tables.

Search text weights: A = the name; B = position, desks, topics, outlets (for journalists) or type, departments,
topics, publisher (for outlets); C = places, languages and the rest. Relevance ranks by the best weight that
matched, then by reach (see search_sql.py).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

SAMPLE_MASK = 15  # a record is in the sample when hashint8(id) & 15 = 0: one in 16
SAMPLE_FACTOR = SAMPLE_MASK + 1

AFFECTED = ("aff_journalist", "aff_outlet", "aff_ff")

# every label as one jsonb map, computed once per statement, already folded: {"desk:politik": "politik",
# "desk_en:politik": "politics", ..., "anc:wirtschaft.finanzen": "tp:wirtschaft tp:wirtschaft.finanzen"}
# (a correlated lookup in ``labels`` per row costs ~30 µs; a jsonb lookup ~1 µs)
LABEL_MAP = """
lab AS (
  SELECT jsonb_object_agg(kind || ':' || code, pressbase_fold(de))
         || jsonb_object_agg(kind || '_en:' || code, pressbase_fold(en))
         || coalesce((SELECT jsonb_object_agg('anc:' || code,
                                              (SELECT string_agg('tp:' || array_to_string(p[1 : n], '.'), ' ')
                                                 FROM string_to_array(code, '.') p, generate_series(1, cardinality(p)) n))
                        FROM labels WHERE kind = 'topic'), '{}') AS m
    FROM labels
)"""

DE = "'pressbase_de'::regconfig"
EN = "'pressbase_en'::regconfig"


def _labels(kind: str, codes: str, lang: str) -> str:
    key = kind if lang == "de" else f"{kind}_en"
    return f"array_to_string(ARRAY(SELECT lab.m ->> ('{key}:' || x) FROM unnest({codes}) x), ' ')"


def _topic_tokens(codes: str) -> str:
    return (f"ARRAY(SELECT DISTINCT unnest(string_to_array(lab.m ->> ('anc:' || x), ' ')) "
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
       pressbase_vec({DE}, pressbase_fold(concat_ws(' ', j.title, j.first_name, j.last_name)), 'A')
       || pressbase_vec(pressbase_config(j.languages[1]), pressbase_fold(concat_ws(' ', j.position, o.names)), 'B')
       || pressbase_vec({DE}, concat_ws(' ', {_labels('desk', 'j.desks', 'de')}, {_labels('topic', 'j.topics', 'de')},
                                         CASE WHEN j.freelance THEN 'freie journalistin freier journalist' END), 'B')
       || pressbase_vec({EN}, concat_ws(' ', {_labels('desk', 'j.desks', 'en')}, {_labels('topic', 'j.topics', 'en')},
                                         CASE WHEN j.freelance THEN 'freelance journalist' END), 'B')
       || pressbase_vec({DE}, concat_ws(' ', pressbase_fold(concat_ws(' ', j.city, o.cities, o.publishers)),
                                         {_labels('region', 'ARRAY[j.country, j.state]', 'de')},
                                         {_labels('media_type', 'o.types', 'de')},
                                         {_labels('language', 'j.languages', 'de')}), 'C')
       || pressbase_vec({EN}, concat_ws(' ', {_labels('region', 'ARRAY[j.country, j.state]', 'en')},
                                         {_labels('media_type', 'o.types', 'en')},
                                         {_labels('language', 'j.languages', 'en')}), 'C') AS tsv,
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
"""

OUTLET_ROWS = f"""
WITH {LABEL_MAP}
SELECT o.id,
       o.dataset,
       pressbase_sortkey(o.name) AS sort_name,
       o.reach,
       pressbase_vec(pressbase_config(o.language), pressbase_fold(o.name), 'A')
       || pressbase_vec(pressbase_config(o.language), pressbase_fold(o.publisher), 'B')
       || pressbase_vec({DE}, concat_ws(' ', {_labels('media_type', 'ARRAY[o.media_type]', 'de')},
                                         {_labels('desk', 'o.departments', 'de')},
                                         {_labels('topic', 'o.topics', 'de')}), 'B')
       || pressbase_vec({EN}, concat_ws(' ', {_labels('media_type', 'ARRAY[o.media_type]', 'en')},
                                         {_labels('desk', 'o.departments', 'en')},
                                         {_labels('topic', 'o.topics', 'en')}), 'B')
       || pressbase_vec({DE}, concat_ws(' ', pressbase_fold(concat_ws(' ', o.city, o.website)),
                                         {_labels('region', 'ARRAY[o.country, o.state]', 'de')},
                                         {_labels('language', 'ARRAY[o.language]', 'de')},
                                         {_labels('frequency', 'ARRAY[o.frequency]', 'de')}), 'C')
       || pressbase_vec({EN}, concat_ws(' ', {_labels('region', 'ARRAY[o.country, o.state]', 'en')},
                                         {_labels('language', 'ARRAY[o.language]', 'en')},
                                         {_labels('frequency', 'ARRAY[o.frequency]', 'en')}), 'C') AS tsv,
       ARRAY['ds:' || o.dataset, 'ty:' || o.media_type, 'co:' || o.country, 'la:' || o.language]
       || CASE WHEN o.state IS NULL THEN '{{}}'::text[] ELSE ARRAY['st:' || o.state] END
       || CASE WHEN o.frequency IS NULL THEN '{{}}'::text[] ELSE ARRAY['fr:' || o.frequency] END
       || {_topic_tokens('o.topics')}
       || ARRAY(SELECT 'dk:' || d FROM unnest(o.departments) d) AS facets
  FROM aff_outlet a
  JOIN outlets o ON o.id = a.id
  CROSS JOIN lab
"""

UPSERT = """
INSERT INTO {table} (id, dataset, sort_name, reach, tsv, facets)
{rows}
ON CONFLICT (id) DO UPDATE SET dataset = excluded.dataset, sort_name = excluded.sort_name, reach = excluded.reach,
                               tsv = excluded.tsv, facets = excluded.facets
"""

FORWARD_FEATURES = f"""
WITH {LABEL_MAP}
UPDATE forward_features f
   SET dataset = o.dataset,
       topic_tokens = CASE WHEN f.topic IS NULL THEN '{{}}'::text[] ELSE {_topic_tokens('ARRAY[f.topic]')} END,
       tsv = pressbase_vec(pressbase_config(o.language), pressbase_fold(f.title), 'A')
             || pressbase_vec({DE}, lab.m ->> ('topic:' || f.topic), 'B')
             || pressbase_vec({EN}, lab.m ->> ('topic_en:' || f.topic), 'B')
             || pressbase_vec(pressbase_config(o.language), pressbase_fold(concat_ws(' ', f.description, o.name)), 'C')
  FROM aff_ff a, outlets o, lab
 WHERE f.id = a.id AND o.id = f.outlet_id
"""


def index(session: Session) -> dict[str, int]:
    """(Re)build the search rows of every affected record; returns how many rows were written per table."""
    written: dict[str, int] = {}
    for kind, rows in (("journalist", JOURNALIST_ROWS), ("outlet", OUTLET_ROWS)):
        table, affected = f"{kind}_search", f"aff_{kind}"
        session.execute(text(f"DELETE FROM {table} s USING {affected} a WHERE s.id = a.id "
                             f"AND NOT EXISTS (SELECT 1 FROM {kind}s r WHERE r.id = a.id)"))
        written[table] = session.execute(text(UPSERT.format(table=table, rows=rows))).rowcount
        # the sample mirrors the rows of the search table whose id hashes into it
        session.execute(text(f"DELETE FROM {table}_sample s USING {affected} a WHERE s.id = a.id"))
        session.execute(text(
            f"INSERT INTO {table}_sample SELECT s.* FROM {table} s JOIN {affected} a ON a.id = s.id "
            f"WHERE (hashint8(s.id) & {SAMPLE_MASK}) = 0"))
    written["forward_features"] = session.execute(text(FORWARD_FEATURES)).rowcount
    return written


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
