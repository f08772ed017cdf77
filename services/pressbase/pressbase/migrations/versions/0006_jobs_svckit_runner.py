"""jobs: the column set of svckit's job runner (svckit.jobs.JobColumns): client_id, phase, the idempotency key,
attempts, run_after (retries with backoff), cancel_requested and the state 'cancelled'

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE jobs
  ADD COLUMN client_id uuid,
  ADD COLUMN phase text,
  ADD COLUMN idempotency_key text,
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN run_after timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false,
  DROP CONSTRAINT ck_jobs_state,
  ADD CONSTRAINT ck_jobs_state CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled'));
-- the phase a running job reported lived in result until now
UPDATE jobs SET phase = result ->> 'phase', result = NULL WHERE state IN ('queued', 'running') AND result ? 'phase';
DROP INDEX ix_jobs_pending;
CREATE INDEX ix_jobs_pending ON jobs (run_after) WHERE state IN ('queued', 'running');
CREATE INDEX ix_jobs_account ON jobs (account_id, kind);
CREATE UNIQUE INDEX ix_jobs_idempotency_key ON jobs (account_id, idempotency_key) NULLS NOT DISTINCT
  WHERE idempotency_key IS NOT NULL;
""")


def downgrade() -> None:
    op.execute("""
DROP INDEX ix_jobs_idempotency_key;
DROP INDEX ix_jobs_account;
DROP INDEX ix_jobs_pending;
CREATE INDEX ix_jobs_pending ON jobs (created_at) WHERE state IN ('queued', 'running');
UPDATE jobs SET state = 'failed' WHERE state = 'cancelled';
ALTER TABLE jobs
  DROP CONSTRAINT ck_jobs_state,
  ADD CONSTRAINT ck_jobs_state CHECK (state IN ('queued', 'running', 'done', 'failed')),
  DROP COLUMN cancel_requested,
  DROP COLUMN run_after,
  DROP COLUMN attempts,
  DROP COLUMN idempotency_key,
  DROP COLUMN phase,
  DROP COLUMN client_id;
""")
