"""senders, domains, mailings, deliveries, tracking

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_entitlements',
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_account_entitlements'))
    )
    op.create_table('sender_domains',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=True),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('rsa_selector', sa.String(length=63), nullable=False),
    sa.Column('ed25519_selector', sa.String(length=63), nullable=False),
    sa.Column('rsa_private', sa.LargeBinary(), nullable=False),
    sa.Column('ed25519_private', sa.LargeBinary(), nullable=False),
    sa.Column('rsa_public', sa.Text(), nullable=False),
    sa.Column('ed25519_public', sa.Text(), nullable=False),
    sa.Column('dkim_ok', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('allow_unverified', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('check', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sender_domains'))
    )
    op.create_index('uq_sender_domains_account_domain', 'sender_domains', ['account_id', 'domain'], unique=True, postgresql_where=sa.text('account_id IS NOT NULL'))
    op.create_index('uq_sender_domains_system_domain', 'sender_domains', ['domain'], unique=True, postgresql_where=sa.text('account_id IS NULL'))
    op.create_table('sender_accounts',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('domain_id', sa.UUID(), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('from_address', sa.String(length=320), nullable=False),
    sa.Column('reply_to', sa.String(length=320), nullable=True),
    sa.Column('user_ids', sa.ARRAY(sa.UUID()), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['domain_id'], ['sender_domains.id'], name=op.f('fk_sender_accounts_domain_id_sender_domains'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sender_accounts')),
    sa.UniqueConstraint('account_id', 'from_address', name=op.f('uq_sender_accounts_account_id_from_address'))
    )
    op.create_table('mailings',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('sender_id', sa.UUID(), nullable=True),
    sa.Column('name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('subject', sa.String(length=998), server_default='', nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('text_body', sa.Text(), nullable=True),
    sa.Column('lane', sa.String(length=20), server_default='standard', nullable=False),
    sa.Column('language', sa.String(length=2), server_default='de', nullable=False),
    sa.Column('sources', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.Column('state', sa.String(length=20), server_default='draft', nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_out', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.Column('total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("lane IN ('standard', 'premium')", name=op.f('ck_mailings_lane')),
    sa.CheckConstraint("state IN ('draft', 'scheduled', 'sending', 'finished', 'cancelled')", name=op.f('ck_mailings_state')),
    sa.ForeignKeyConstraint(['sender_id'], ['sender_accounts.id'], name=op.f('fk_mailings_sender_id_sender_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailings'))
    )
    op.create_index('ix_mailings_account_client', 'mailings', ['account_id', 'client_id', 'created_at'], unique=False)
    op.create_table('attachments',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('mailing_id', sa.UUID(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('source', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailings.id'], name=op.f('fk_attachments_mailing_id_mailings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    op.create_index(op.f('ix_attachments_mailing_id'), 'attachments', ['mailing_id'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=True),
    sa.Column('mailing_id', sa.UUID(), nullable=True),
    sa.Column('lane', sa.SmallInteger(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=True),
    sa.Column('recipient', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('state', sa.String(length=20), server_default='queued', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('first_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('leased_by', sa.String(length=80), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('last_code', sa.Integer(), nullable=True),
    sa.Column('last_reply', sa.Text(), nullable=True),
    sa.Column('bounce', sa.String(length=10), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('final_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('usage_batch', sa.BigInteger(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('resend_of', sa.BigInteger(), nullable=True),
    sa.Column('corrected_email', sa.String(length=320), nullable=True),
    sa.Column('in_doubt', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('reported', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'deferred', 'failed', 'bounced', 'cancelled')", name=op.f('ck_deliveries_state')),
    sa.CheckConstraint('lane IN (0, 1, 2)', name=op.f('ck_deliveries_lane')),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailings.id'], name=op.f('fk_deliveries_mailing_id_mailings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries'))
    )
    op.create_index('ix_deliveries_account_email', 'deliveries', ['account_id', 'email'], unique=False)
    op.create_index('ix_deliveries_due', 'deliveries', ['lane', 'next_attempt_at', 'id'], unique=False, postgresql_where=sa.text("state IN ('queued', 'deferred', 'sending')"))
    op.create_index('ix_deliveries_mailing_state', 'deliveries', ['mailing_id', 'state'], unique=False)
    op.create_index('ix_deliveries_usage_pending', 'deliveries', ['id'], unique=False, postgresql_where=sa.text("state = 'sent' AND usage_batch IS NULL"))
    op.create_index('uq_deliveries_idempotency_key', 'deliveries', ['idempotency_key'], unique=True, postgresql_where=sa.text('idempotency_key IS NOT NULL'))
    op.create_index('uq_deliveries_mailing_email', 'deliveries', ['mailing_id', 'email'], unique=True, postgresql_where=sa.text('mailing_id IS NOT NULL'))
    op.create_table('export_jobs',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('mailing_id', sa.UUID(), nullable=False),
    sa.Column('state', sa.String(length=20), server_default='running', nullable=False),
    sa.Column('done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('language', sa.String(length=2), server_default='de', nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('error', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailings.id'], name=op.f('fk_export_jobs_mailing_id_mailings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    op.create_table('delivery_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('delivery_id', sa.BigInteger(), nullable=False),
    sa.Column('mailing_id', sa.UUID(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('machine', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_delivery_events_delivery_id_deliveries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_events'))
    )
    op.create_index('ix_delivery_events_delivery', 'delivery_events', ['delivery_id', 'at'], unique=False)
    op.create_index('ix_delivery_events_mailing_kind', 'delivery_events', ['mailing_id', 'kind'], unique=False)
    op.add_column('suppressions', sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False))
    op.create_check_constraint(op.f('ck_suppressions_reason'), 'suppressions',
                               "reason IN ('blacklist', 'unsubscribed', 'hard_bounce', 'soft_bounces', 'complaint')")


def downgrade() -> None:
    op.drop_constraint(op.f('ck_suppressions_reason'), 'suppressions', type_='check')
    op.drop_column('suppressions', 'detail')
    op.drop_index('ix_delivery_events_mailing_kind', table_name='delivery_events')
    op.drop_index('ix_delivery_events_delivery', table_name='delivery_events')
    op.drop_table('delivery_events')
    op.drop_table('export_jobs')
    op.drop_index('uq_deliveries_mailing_email', table_name='deliveries', postgresql_where=sa.text('mailing_id IS NOT NULL'))
    op.drop_index('uq_deliveries_idempotency_key', table_name='deliveries', postgresql_where=sa.text('idempotency_key IS NOT NULL'))
    op.drop_index('ix_deliveries_usage_pending', table_name='deliveries', postgresql_where=sa.text("state = 'sent' AND usage_batch IS NULL"))
    op.drop_index('ix_deliveries_mailing_state', table_name='deliveries')
    op.drop_index('ix_deliveries_due', table_name='deliveries', postgresql_where=sa.text("state IN ('queued', 'deferred', 'sending')"))
    op.drop_index('ix_deliveries_account_email', table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index(op.f('ix_attachments_mailing_id'), table_name='attachments')
    op.drop_table('attachments')
    op.drop_index('ix_mailings_account_client', table_name='mailings')
    op.drop_table('mailings')
    op.drop_table('sender_accounts')
    op.drop_index('uq_sender_domains_system_domain', table_name='sender_domains', postgresql_where=sa.text('account_id IS NULL'))
    op.drop_index('uq_sender_domains_account_domain', table_name='sender_domains', postgresql_where=sa.text('account_id IS NOT NULL'))
    op.drop_table('sender_domains')
    op.drop_table('account_entitlements')
