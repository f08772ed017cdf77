"""svckit's jobs table: the Excel export of a mailing becomes a job of svckit's one runner (as do housekeeping, the
bounce mailbox and the system sender domain); export_jobs keeps only the written workbook, as export_files (its id is
the job's). Earlier exports are kept as ``mailing_export`` jobs; one still running is recorded failed (its thread
ended with its process)

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
        INSERT INTO jobs (id, account_id, kind, params, principal, state, done, total, result, error, attempts,
                          run_after, created_at, started_at, finished_at)
        SELECT id, account_id, 'mailing_export', jsonb_build_object('mailing_id', mailing_id::text),
               jsonb_build_object('kind', 'user', 'account_id', account_id::text, 'lang', language),
               CASE WHEN state = 'done' THEN 'done' ELSE 'failed' END, done, total,
               CASE WHEN state = 'done' THEN jsonb_build_object('filename', filename) END,
               CASE WHEN state = 'done' THEN NULL
                    ELSE coalesce(error, '{"code": "job_failed", "fields": {}, "extra": {}}'::jsonb) END,
               1, created_at, created_at, created_at, updated_at
          FROM export_jobs"""))
    op.execute(sa.text("DELETE FROM export_jobs WHERE state <> 'done'"))
    op.drop_column('export_jobs', 'state')
    op.drop_column('export_jobs', 'done')
    op.drop_column('export_jobs', 'total')
    op.drop_column('export_jobs', 'error')
    op.rename_table('export_jobs', 'export_files')
    op.execute("ALTER TABLE export_files RENAME CONSTRAINT pk_export_jobs TO pk_export_files")
    op.execute("ALTER TABLE export_files RENAME CONSTRAINT fk_export_jobs_mailing_id_mailings "
               "TO fk_export_files_mailing_id_mailings")


def downgrade() -> None:
    op.execute("ALTER TABLE export_files RENAME CONSTRAINT fk_export_files_mailing_id_mailings "
               "TO fk_export_jobs_mailing_id_mailings")
    op.execute("ALTER TABLE export_files RENAME CONSTRAINT pk_export_files TO pk_export_jobs")
    op.rename_table('export_files', 'export_jobs')
    op.add_column('export_jobs', sa.Column('state', sa.String(length=20), server_default='running', nullable=False))
    op.add_column('export_jobs', sa.Column('done', sa.Integer(), server_default='0', nullable=False))
    op.add_column('export_jobs', sa.Column('total', sa.Integer(), server_default='0', nullable=False))
    op.add_column('export_jobs', sa.Column('error', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute(sa.text("""
        UPDATE export_jobs e SET state = j.state, done = j.done, total = coalesce(j.total, 0)
          FROM jobs j WHERE j.id = e.id"""))
    op.drop_table('jobs')
