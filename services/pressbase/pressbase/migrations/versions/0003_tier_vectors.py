"""search tables: the name and the main fields as vectors of their own, for relevance tiers; sub-buckets in the
samples

A query restricted to a weight (``'word':A``) cannot use the GIN index to skip rows with the word in another
field: for a common word every match is fetched and rechecked. With ``name_tsv`` (A) and ``main_tsv`` (A + B) as
columns with their own GIN indexes (and their own statistics), each relevance tier is an ordinary indexed query.
Existing rows get empty vectors; the next full load (or ``python -m pressbase.reindex``) fills them.

The samples (1/16 of the rows) get ``sub`` (0..15, from the id's hash): ``sub = 0`` is a 1/256 sample, enough to
estimate the facets of a result of hundreds of thousands of rows from a few thousand.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("journalist_search", "outlet_search", "journalist_search_sample", "outlet_search_sample")


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ADD COLUMN name_tsv tsvector NOT NULL DEFAULT ''::tsvector, "
                   f"ADD COLUMN main_tsv tsvector NOT NULL DEFAULT ''::tsvector")
    for table in ("journalist_search", "outlet_search"):
        op.execute(f"CREATE INDEX ix_{table}_name_tsv ON {table} USING gin (name_tsv)")
        op.execute(f"CREATE INDEX ix_{table}_main_tsv ON {table} USING gin (main_tsv)")
        op.execute(f"ALTER TABLE {table}_sample ADD COLUMN sub smallint NOT NULL DEFAULT 0")
        op.execute(f"UPDATE {table}_sample SET sub = (hashint8(id) >> 4) & 15")
        op.execute(f"CREATE INDEX ix_{table}_sample_sub ON {table}_sample (sub)")


def downgrade() -> None:
    for table in ("journalist_search_sample", "outlet_search_sample"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN sub")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN name_tsv, DROP COLUMN main_tsv")
