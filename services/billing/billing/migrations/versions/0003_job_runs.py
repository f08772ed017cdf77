"""job runs started from the back office (a long job with progress)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_table('job_runs')
