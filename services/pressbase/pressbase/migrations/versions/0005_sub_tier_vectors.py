"""1/256 samples: the name and main-field vectors too (stripped), to size each relevance tier of a query

A page by relevance walks the tiers (name, main fields, anywhere). For each tier the search decides between reading
all of the tier's matches and walking the reach index until 21 of them turn up (``search_sql.FEW``); that needs
the tier's size, which the one pass over the 1/256 sample now counts along with the total.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("journalist_search", "outlet_search")


def upgrade() -> None:
    for table in TABLES:
        sub = table.replace("_search", "_search_sub")
        op.execute(f"ALTER TABLE {sub} ADD COLUMN name_tsv tsvector NOT NULL DEFAULT ''::tsvector, "
                   f"ADD COLUMN main_tsv tsvector NOT NULL DEFAULT ''::tsvector")
        op.execute(f"UPDATE {sub} u SET name_tsv = strip(s.name_tsv), main_tsv = strip(s.main_tsv) "
                   f"FROM {table} s WHERE s.id = u.id")
        op.execute(f"ANALYZE {sub}")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table.replace('_search', '_search_sub')} DROP COLUMN name_tsv, DROP COLUMN main_tsv")
