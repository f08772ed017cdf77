"""contacts.name_key in "C" collation: the folded key is ASCII, so byte order is the natural order, and it stays
the same under every database locale (the search's two phases and its cursors rely on one order)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("contacts", "name_key", type_=sa.String(300, collation="C"), existing_nullable=False,
                    existing_server_default="")


def downgrade() -> None:
    op.alter_column("contacts", "name_key", type_=sa.String(300), existing_nullable=False,
                    existing_server_default="")
