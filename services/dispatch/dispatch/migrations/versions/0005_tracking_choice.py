"""Open and click tracking as a choice: per mailing (NULL = the account's default) and as an account default
(account_settings, a row only once changed; tracking is on without one, as before)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mailings", sa.Column("track_opens", sa.Boolean(), nullable=True))
    op.add_column("mailings", sa.Column("track_clicks", sa.Boolean(), nullable=True))
    op.create_table(
        "account_settings",
        sa.Column("account_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("track_opens", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("track_clicks", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )


def downgrade() -> None:
    op.drop_table("account_settings")
    op.drop_column("mailings", "track_clicks")
    op.drop_column("mailings", "track_opens")
