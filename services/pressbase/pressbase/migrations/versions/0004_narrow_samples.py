"""search samples: only what counting needs, with position-less vectors; the 1/256 sample as a table of its
own; planner settings for search

The samples answer "how many match" and the facet counts of large results; they never rank or page. Without the
tier vectors and with ``strip``ped vectors (no positions or weights) a sample row is several times smaller, so the
rows a count touches are read from fewer pages.

The 1/256 sample (``*_search_sub``, a few thousand rows at a million records) is read whole: for a word in every
third record that is cheaper than building its GIN bitmap, and one pass counts every variant of a query.

Searches run the same statements with very different parameters (a rare name, a word in every third record): with
psycopg's prepared statements PostgreSQL would switch to one generic plan after five executions, which was 3x slower
at a million records. ``plan_cache_mode = force_custom_plan`` plans every execution for its own parameters (about a
millisecond).

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SAMPLES = ("journalist_search_sample", "outlet_search_sample")


def upgrade() -> None:
    op.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', "
               "current_database()); END $$")
    for table in SAMPLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN name_tsv, DROP COLUMN main_tsv, DROP COLUMN sort_name, "
                   f"DROP COLUMN reach")
        op.execute(f"UPDATE {table} SET tsv = strip(tsv)")
        sub = table.replace("_sample", "_sub")
        op.execute(f"CREATE TABLE {sub} (id bigint NOT NULL, dataset text NOT NULL, tsv tsvector NOT NULL, "
                   f"facets text[] NOT NULL, CONSTRAINT pk_{sub} PRIMARY KEY (id))")
        op.execute(f"INSERT INTO {sub} SELECT id, dataset, tsv, facets FROM {table} WHERE sub = 0")
        op.execute(f"CREATE INDEX ix_{sub}_tsv ON {sub} USING gin (tsv)")   # rare words: a few index entries
        op.execute(f"ALTER TABLE {table} DROP COLUMN sub")
        op.execute(f"ANALYZE {table}")
        op.execute(f"ANALYZE {sub}")


def downgrade() -> None:
    for table in SAMPLES:
        op.execute(f"DROP TABLE {table.replace('_sample', '_sub')}")
        op.execute(f"ALTER TABLE {table} ADD COLUMN sub smallint NOT NULL DEFAULT 0")
        op.execute(f"UPDATE {table} SET sub = (hashint8(id) >> 4) & 15")
        op.execute(f"CREATE INDEX ix_{table.replace('_sample', '')}_sample_sub ON {table} (sub)")
    op.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET plan_cache_mode', current_database()); END $$")
    for table in SAMPLES:
        op.execute(f"ALTER TABLE {table} ADD COLUMN sort_name text COLLATE \"C\" NOT NULL DEFAULT '', "
                   f"ADD COLUMN reach integer NOT NULL DEFAULT 0, "
                   f"ADD COLUMN name_tsv tsvector NOT NULL DEFAULT ''::tsvector, "
                   f"ADD COLUMN main_tsv tsvector NOT NULL DEFAULT ''::tsvector")
