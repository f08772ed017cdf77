"""wrong second-factor codes counted per user across logins (backoff, then a lockout)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("second_factor_failures", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("second_factor_failed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("second_factor_locked_until", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(op.f("ck_users_second_factor_failures"), "users", "second_factor_failures >= 0")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_users_second_factor_failures"), "users", type_="check")
    op.drop_column("users", "second_factor_locked_until")
    op.drop_column("users", "second_factor_failed_at")
    op.drop_column("users", "second_factor_failures")
