"""jobs: the column set of svckit's job runner (svckit.jobs.JobColumns): the idempotency key (was dedupe_key),
phase, run_after (retries with backoff), cancel_requested and the state 'cancelled'

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
    op.alter_column("jobs", "dedupe_key", new_column_name="idempotency_key")
    op.drop_index("ix_jobs_dedupe", table_name="jobs")
    op.execute("CREATE UNIQUE INDEX ix_jobs_idempotency_key ON jobs (account_id, idempotency_key) "
               "NULLS NOT DISTINCT WHERE idempotency_key IS NOT NULL")
    op.add_column("jobs", sa.Column("phase", sa.Text(), nullable=True))
    op.add_column("jobs", sa.Column("run_after", sa.DateTime(timezone=True), nullable=False,
                                    server_default=sa.text("now()")))
    op.add_column("jobs", sa.Column("cancel_requested", sa.Boolean(), nullable=False,
                                    server_default=sa.text("false")))
    op.drop_constraint(op.f("ck_jobs_state"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_state"), "jobs",
                               "state IN ('queued', 'running', 'done', 'failed', 'cancelled')")
    op.drop_index("ix_jobs_queued", table_name="jobs")
    op.create_index("ix_jobs_pending", "jobs", ["run_after"], postgresql_where=sa.text("state IN ('queued', 'running')"))


def downgrade() -> None:
    op.drop_index("ix_jobs_pending", table_name="jobs")
    op.create_index("ix_jobs_queued", "jobs", ["created_at"], postgresql_where=sa.text("state = 'queued'"))
    op.execute("UPDATE jobs SET state = 'failed' WHERE state = 'cancelled'")
    op.drop_constraint(op.f("ck_jobs_state"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_state"), "jobs", "state IN ('queued', 'running', 'done', 'failed')")
    op.drop_column("jobs", "cancel_requested")
    op.drop_column("jobs", "run_after")
    op.drop_column("jobs", "phase")
    op.drop_index("ix_jobs_idempotency_key", table_name="jobs")
    op.alter_column("jobs", "idempotency_key", new_column_name="dedupe_key")
    op.create_index("ix_jobs_dedupe", "jobs", ["account_id", "dedupe_key"], unique=True,
                    postgresql_where=sa.text("dedupe_key IS NOT NULL"))
