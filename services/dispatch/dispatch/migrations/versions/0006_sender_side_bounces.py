"""Sender-side bounces: the reason of a delivery's bounce (recipient-side soft reasons alone count toward
suppressing the recipient) and the last sender-side reason a sending domain was refused for, with its time

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("bounce_reason", sa.String(30), nullable=True))
    op.add_column("sender_domains", sa.Column("sender_issue", sa.String(30), nullable=True))
    op.add_column("sender_domains", sa.Column("sender_issue_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("sender_domains", "sender_issue_at")
    op.drop_column("sender_domains", "sender_issue")
    op.drop_column("deliveries", "bounce_reason")
