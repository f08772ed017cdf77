"""svckit's jobs table replaces job_runs: the back office's runs of the due jobs (and the periodic run) are jobs of
svckit's one runner; earlier runs are kept as ``run_due`` jobs (a run that was still running is recorded failed: its
thread ended with its process)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from svckit.jobs import create_jobs_table

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_jobs_table(op)
    op.execute(sa.text("""
        INSERT INTO jobs (id, kind, params, principal, state, done, total, result, error, attempts, run_after,
                          created_at, started_at, finished_at)
        SELECT id, 'run_due', jsonb_build_object('today', today::text, 'started_by', started_by), '{}'::jsonb,
               CASE WHEN state = 'done' THEN 'done' ELSE 'failed' END, done, total, report,
               CASE WHEN state = 'done' THEN NULL ELSE '{"code": "job_failed", "fields": {}, "extra": {}}'::jsonb END,
               1, started_at, started_at, started_at, coalesce(finished_at, started_at)
          FROM job_runs"""))
    op.drop_table('job_runs')


def downgrade() -> None:
    op.create_table(
        'job_runs',
        sa.Column('id', sa.UUID(), nullable=False),
        sa.Column('today', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('report', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('started_by', sa.String(length=64), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('running', 'done', 'failed')", name=op.f('ck_job_runs_state')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    )
    op.execute(sa.text("""
        INSERT INTO job_runs (id, today, state, done, total, report, started_by, started_at, finished_at)
        SELECT id, coalesce((params->>'today')::date, created_at::date),
               CASE state WHEN 'done' THEN 'done' WHEN 'failed' THEN 'failed' WHEN 'cancelled' THEN 'failed'
                          ELSE 'running' END,
               done, coalesce(total, 0), result, left(params->>'started_by', 64), created_at, finished_at
          FROM jobs WHERE kind = 'run_due' AND params ? 'today'"""))
    op.drop_table('jobs')
