"""Apply a feed (or generated data) to the media database in ONE transaction.

1. ``Staging``: validated records are COPYed into temporary tables (``stg_*``, dropped at commit).
2. ``apply``: references are checked (a journalist's outlets, a forward feature's outlet); for a full load every
   record of the loaded kinds and datasets that is not in the file is marked for deletion; then upserts (only rows
   whose values differ are written and get a new version), deletions, the journalists' outlet links, a change log
   row per record (``record_changes``: insert / update with the changed fields / delete), and the search rows of
   every touched record (db/indexer.py).
3. The caller commits once. Until then every reader sees the state before the import; afterwards the state after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..i18n import _
from . import indexer, reference
from .copy import CopyWriter, jsonb

OUTLET_COLUMNS = ("line", "ext_id", "dataset", "name", "media_type", "publisher", "country", "state", "city",
                  "postal_code", "street", "language", "frequency", "circulation", "reach", "website", "email",
                  "phone", "topics", "departments", "plus")
JOURNALIST_COLUMNS = ("line", "ext_id", "dataset", "gender", "title", "first_name", "last_name", "position", "desks",
                      "topics", "languages", "country", "state", "city", "freelance", "email", "phone", "outlets",
                      "plus", "last_verified")
FF_COLUMNS = ("line", "ext_id", "outlet_ext", "issue_date", "topic", "title", "description", "deadline")
DELETE_COLUMNS = ("line", "kind", "ext_id")

STAGING = """
CREATE TEMP TABLE stg_outlet (
  line integer, ext_id text, dataset text, name text, media_type text, publisher text, country text, state text,
  city text, postal_code text, street text, language text, frequency text, circulation integer, reach integer,
  website text, email text, phone text, topics text[], departments text[], plus jsonb) ON COMMIT DROP;
CREATE TEMP TABLE stg_journalist (
  line integer, ext_id text, dataset text, gender text, title text, first_name text, last_name text, position text,
  desks text[], topics text[], languages text[], country text, state text, city text, freelance boolean,
  email text, phone text, outlets jsonb, plus jsonb, last_verified date) ON COMMIT DROP;
CREATE TEMP TABLE stg_ff (
  line integer, ext_id text, outlet_ext text, issue_date date, topic text, title text, description text,
  deadline date) ON COMMIT DROP;
CREATE TEMP TABLE stg_delete (line integer, kind text, ext_id text) ON COMMIT DROP;
"""

# the columns compared to decide whether an upsert changes a record (everything the vendor delivers)
_OUTLET_FIELDS = OUTLET_COLUMNS[2:]
_JOURNALIST_FIELDS = JOURNALIST_COLUMNS[2:]
_FF_FIELDS = ("issue_date", "topic", "title", "description", "deadline")

KIND_TABLES = {"outlet": "outlets", "journalist": "journalists", "forward_feature": "forward_features"}


def _upsert_sql(kind: str, table: str, staging: str, fields: tuple[str, ...], select: str) -> str:
    cols = ", ".join(fields)
    sets = ", ".join(f"{f} = excluded.{f}" for f in fields)
    old = ", ".join(f"t.{f}" for f in fields)
    new = ", ".join(f"excluded.{f}" for f in fields)
    return f"""
WITH old AS (
  SELECT t.* FROM {table} t JOIN {staging} s ON s.ext_id = t.ext_id
), up AS (
  INSERT INTO {table} AS t (ext_id, {cols})
  {select}
  ON CONFLICT (ext_id) DO UPDATE SET {sets}, version = t.version + 1, updated_at = now()
  WHERE ({old}) IS DISTINCT FROM ({new})
  RETURNING t.*, (t.xmax = 0) AS inserted
)
INSERT INTO record_changes (import_id, kind, record_id, ext_id, op, changes)
SELECT :import_id, '{kind}', up.id, up.ext_id,
       CASE WHEN up.inserted THEN 'insert' ELSE 'update' END,
       CASE WHEN up.inserted THEN NULL ELSE pressbase_jsonb_diff(to_jsonb(old), to_jsonb(up) - 'inserted') END
  FROM up LEFT JOIN old ON old.ext_id = up.ext_id
"""  # noqa: S608 -- table and column names are module constants, no input


UPSERT_OUTLETS = _upsert_sql(
    "outlet", "outlets", "stg_outlet", _OUTLET_FIELDS,
    f"SELECT ext_id, {', '.join(_OUTLET_FIELDS)} FROM stg_outlet")  # noqa: S608 -- table and column names are module constants, no input
UPSERT_JOURNALISTS = _upsert_sql(
    "journalist", "journalists", "stg_journalist", _JOURNALIST_FIELDS,
    f"SELECT ext_id, {', '.join(_JOURNALIST_FIELDS)} FROM stg_journalist")  # noqa: S608 -- table and column names are module constants, no input
UPSERT_FF = _upsert_sql(
    "forward_feature", "forward_features", "stg_ff", ("outlet_id", "dataset") + _FF_FIELDS,
    "SELECT s.ext_id, o.id, o.dataset, s.issue_date, s.topic, s.title, coalesce(s.description, ''), s.deadline "
    "FROM stg_ff s JOIN outlets o ON o.ext_id = s.outlet_ext")

DELETE_RECORDS = """
WITH del AS (
  DELETE FROM {table} t USING stg_delete d WHERE d.kind = '{kind}' AND d.ext_id = t.ext_id RETURNING t.id, t.ext_id
)
INSERT INTO record_changes (import_id, kind, record_id, ext_id, op)
SELECT :import_id, '{kind}', id, ext_id, 'delete' FROM del
"""

RELINK = """
DELETE FROM journalist_outlets jo USING record_changes rc
 WHERE rc.import_id = :import_id AND rc.kind = 'journalist' AND rc.op = 'update' AND jo.journalist_id = rc.record_id;
INSERT INTO journalist_outlets (journalist_id, outlet_id, role, ord)
SELECT j.id, o.id, coalesce(l.value ->> 'role', 'editor'), l.ord - 1
  FROM record_changes rc
  JOIN journalists j ON j.id = rc.record_id
 CROSS JOIN LATERAL jsonb_array_elements(j.outlets) WITH ORDINALITY AS l(value, ord)
  JOIN outlets o ON o.ext_id = l.value ->> 'id'
 WHERE rc.import_id = :import_id AND rc.kind = 'journalist' AND rc.op IN ('insert', 'update')
ON CONFLICT DO NOTHING;
"""

# --- reference checks: every error names the line, the field and the missing id -------------------------------------
MISSING_OUTLET_OF_JOURNALIST = """
SELECT j.line, l.value ->> 'id' AS ref
  FROM stg_journalist j CROSS JOIN LATERAL jsonb_array_elements(j.outlets) l
 WHERE NOT EXISTS (SELECT 1 FROM stg_outlet s WHERE s.ext_id = l.value ->> 'id')
   AND NOT EXISTS (SELECT 1 FROM outlets o WHERE o.ext_id = l.value ->> 'id'
                      AND NOT EXISTS (SELECT 1 FROM stg_delete d WHERE d.kind = 'outlet' AND d.ext_id = o.ext_id))
 ORDER BY j.line LIMIT 100
"""
MISSING_OUTLET_OF_FF = """
SELECT f.line, f.outlet_ext AS ref
  FROM stg_ff f
 WHERE NOT EXISTS (SELECT 1 FROM stg_outlet s WHERE s.ext_id = f.outlet_ext)
   AND NOT EXISTS (SELECT 1 FROM outlets o WHERE o.ext_id = f.outlet_ext
                      AND NOT EXISTS (SELECT 1 FROM stg_delete d WHERE d.kind = 'outlet' AND d.ext_id = o.ext_id))
 ORDER BY f.line LIMIT 100
"""
UNKNOWN_OUTLET = _("Unknown outlet {ref} (neither in the file nor in the database).")


@dataclass
class Staged:
    counts: dict[str, int] = field(default_factory=lambda: {"outlet": 0, "journalist": 0, "forward_feature": 0,
                                                            "delete": 0})


def run_script(session: Session, script: str, params: dict | None = None) -> None:
    """Run the statements of a script one by one (psycopg sends one statement per parameterised execute)."""
    for statement in script.split(";\n"):
        if statement.strip():
            session.execute(text(statement), params or {})


class Staging:
    """Temporary tables for one import; rows are added as tuples in the *_COLUMNS order."""

    def __init__(self, session: Session):
        self.session = session
        self.staged = Staged()
        run_script(session, STAGING)
        self._writers = {
            "outlet": CopyWriter(session, "stg_outlet", OUTLET_COLUMNS),
            "journalist": CopyWriter(session, "stg_journalist", JOURNALIST_COLUMNS),
            "forward_feature": CopyWriter(session, "stg_ff", FF_COLUMNS),
            "delete": CopyWriter(session, "stg_delete", DELETE_COLUMNS),
        }
        self._open: list[CopyWriter] = []

    def writer(self, kind: str) -> CopyWriter:
        """COPY streams cannot interleave on one connection: switching kinds closes the previous stream."""
        w = self._writers[kind]
        if self._open and self._open[-1] is not w:
            self._open.pop().__exit__(None, None, None)
        if not self._open:
            # a second COPY into the same temp table simply appends
            w.__enter__()
            self._open.append(w)
        return w

    def add(self, kind: str, row: tuple) -> None:
        self.writer(kind).add(row)
        self.staged.counts[kind] += 1

    def abort(self, exc: BaseException) -> None:
        """End an open COPY with an error (the connection can then be rolled back)."""
        while self._open:
            try:
                self._open.pop().__exit__(type(exc), exc, exc.__traceback__)
            except Exception:
                pass

    def close(self) -> None:
        while self._open:
            self._open.pop().__exit__(None, None, None)
        for table in ("stg_outlet", "stg_journalist", "stg_ff", "stg_delete"):
            self.session.execute(text(f"ANALYZE {table}"))


def outlet_row(line: int, r) -> tuple:
    return (line, r.id, r.dataset, r.name, r.media_type, r.publisher, r.country, r.state, r.city, r.postal_code,
            r.street, r.language, r.frequency, r.circulation, r.reach, r.website, r.email, r.phone, r.topics,
            r.departments, r.plus)


def journalist_row(line: int, r) -> tuple:
    return (line, r.id, r.dataset, r.gender, r.title, r.first_name, r.last_name, r.position, r.desks, r.topics,
            r.languages, r.country, r.state, r.city, r.freelance, r.email, r.phone,
            jsonb([{"id": link.id, "role": link.role} for link in r.outlets]), r.plus, r.last_verified)


def ff_row(line: int, r) -> tuple:
    return (line, r.id, r.outlet, r.issue_date, r.topic, r.title, r.description, r.deadline)


ROW_BUILDERS = {"outlet": outlet_row, "journalist": journalist_row, "forward_feature": ff_row}


class ReferenceErrors(Exception):
    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__(f"{len(errors)} reference error(s)")
        self.errors = errors


def _full_load_deletes(session: Session) -> None:
    """A full load replaces every record of the kinds in the file, within the datasets the file delivers."""
    run_script(session, """
INSERT INTO stg_delete (line, kind, ext_id)
SELECT 0, 'outlet', o.ext_id FROM outlets o
 WHERE o.dataset IN (SELECT DISTINCT dataset FROM stg_outlet)
   AND NOT EXISTS (SELECT 1 FROM stg_outlet s WHERE s.ext_id = o.ext_id)
   AND NOT EXISTS (SELECT 1 FROM stg_delete d WHERE d.kind = 'outlet' AND d.ext_id = o.ext_id);
INSERT INTO stg_delete (line, kind, ext_id)
SELECT 0, 'journalist', j.ext_id FROM journalists j
 WHERE j.dataset IN (SELECT DISTINCT dataset FROM stg_journalist)
   AND NOT EXISTS (SELECT 1 FROM stg_journalist s WHERE s.ext_id = j.ext_id)
   AND NOT EXISTS (SELECT 1 FROM stg_delete d WHERE d.kind = 'journalist' AND d.ext_id = j.ext_id);
INSERT INTO stg_delete (line, kind, ext_id)
SELECT 0, 'forward_feature', f.ext_id FROM forward_features f
 WHERE EXISTS (SELECT 1 FROM stg_ff)
   AND f.dataset IN (SELECT DISTINCT coalesce(so.dataset, o.dataset) FROM stg_ff s
                       LEFT JOIN stg_outlet so ON so.ext_id = s.outlet_ext
                       LEFT JOIN outlets o ON o.ext_id = s.outlet_ext)
   AND NOT EXISTS (SELECT 1 FROM stg_ff s WHERE s.ext_id = f.ext_id)
   AND NOT EXISTS (SELECT 1 FROM stg_delete d WHERE d.kind = 'forward_feature' AND d.ext_id = f.ext_id);
""")


def check_references(session: Session) -> list[dict[str, Any]]:
    errors = []
    for sql, name in ((MISSING_OUTLET_OF_JOURNALIST, "outlets"), (MISSING_OUTLET_OF_FF, "outlet")):
        for line, ref in session.execute(text(sql)).all():
            errors.append({"line": line, "field": name, "message": UNKNOWN_OUTLET.format(ref=ref).to_wire()})
    errors.sort(key=lambda e: e["line"])
    return errors[:100]


def apply(session: Session, import_id: int, mode: str,
          progress: Callable[[str], None] = lambda phase: None) -> dict[str, dict[str, int]]:
    """Apply what is staged. Raises ReferenceErrors (nothing applied once the caller rolls back)."""
    reference.ensure(session)
    if mode == "full":
        _full_load_deletes(session)
    errors = check_references(session)
    if errors:
        raise ReferenceErrors(errors)
    params = {"import_id": import_id}
    indexer.create_affected_tables(session)

    progress("applying")
    # journalists of outlets that will be deleted must be re-indexed (they lose that outlet)
    session.execute(text("""
INSERT INTO aff_journalist (id)
SELECT DISTINCT jo.journalist_id FROM journalist_outlets jo JOIN outlets o ON o.id = jo.outlet_id
  JOIN stg_delete d ON d.kind = 'outlet' AND d.ext_id = o.ext_id
ON CONFLICT DO NOTHING"""))
    session.execute(text(UPSERT_OUTLETS), params)
    session.execute(text(UPSERT_JOURNALISTS), params)
    for kind in ("journalist", "forward_feature", "outlet"):
        session.execute(text(DELETE_RECORDS.format(table=KIND_TABLES[kind], kind=kind)), params)
    session.execute(text(UPSERT_FF), params)
    run_script(session, RELINK, params)

    # what to re-index: every record changed here, plus the journalists and forward features of changed outlets
    run_script(session, """
INSERT INTO aff_outlet (id) SELECT DISTINCT record_id FROM record_changes
 WHERE import_id = :import_id AND kind = 'outlet' ON CONFLICT DO NOTHING;
INSERT INTO aff_journalist (id) SELECT DISTINCT record_id FROM record_changes
 WHERE import_id = :import_id AND kind = 'journalist' ON CONFLICT DO NOTHING;
INSERT INTO aff_journalist (id) SELECT DISTINCT jo.journalist_id FROM journalist_outlets jo
  JOIN record_changes rc ON rc.import_id = :import_id AND rc.kind = 'outlet' AND rc.op = 'update'
                        AND rc.record_id = jo.outlet_id ON CONFLICT DO NOTHING;
INSERT INTO aff_ff (id) SELECT DISTINCT record_id FROM record_changes
 WHERE import_id = :import_id AND kind = 'forward_feature' ON CONFLICT DO NOTHING;
INSERT INTO aff_ff (id) SELECT f.id FROM forward_features f
  JOIN record_changes rc ON rc.import_id = :import_id AND rc.kind = 'outlet' AND rc.op = 'update'
                        AND rc.record_id = f.outlet_id ON CONFLICT DO NOTHING;
ANALYZE aff_outlet;
ANALYZE aff_journalist;
ANALYZE aff_ff;
""", params)
    big = sum(session.execute(text("SELECT count(*) FROM aff_journalist UNION ALL SELECT count(*) FROM aff_outlet"))
              .scalars())
    if big > 5000:  # the planner must know how big the freshly written tables are before the indexing joins
        for table in ("outlets", "journalists", "journalist_outlets", "forward_features"):
            session.execute(text(f"ANALYZE {table}"))

    progress("indexing")
    indexer.index(session, bulk=mode == "full" and indexer.search_tables_empty(session))
    indexer.update_words(session, full=(mode == "full"))
    return counts(session, import_id)


def counts(session: Session, import_id: int) -> dict[str, dict[str, int]]:
    result = {kind: {"insert": 0, "update": 0, "delete": 0} for kind in KIND_TABLES}
    for kind, op, n in session.execute(text(
            "SELECT kind, op, count(*) FROM record_changes WHERE import_id = :i GROUP BY kind, op"),
            {"i": import_id}).all():
        result[kind][op] = n
    return result
