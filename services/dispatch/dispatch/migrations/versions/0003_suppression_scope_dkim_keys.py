"""suppressions get a scope (client_id: who may see the entry) and their source mailing; dkim_keys for rotation

An unsubscribe through a mailing belongs to the mailing's client; every other entry stays account-wide. Existing
entries are filled in from ``detail->>'mailing_id'`` where that mailing still exists.

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

UUID_RE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'


def upgrade() -> None:
    op.add_column('suppressions', sa.Column('client_id', sa.UUID(), nullable=True))
    op.add_column('suppressions', sa.Column('mailing_id', sa.UUID(), nullable=True))
    op.execute(sa.text(f"""
        UPDATE suppressions s
        SET mailing_id = m.id, client_id = CASE WHEN s.reason = 'unsubscribed' THEN m.client_id END
        FROM mailings m
        WHERE s.detail->>'mailing_id' ~ '{UUID_RE}'
          AND m.id = CAST(s.detail->>'mailing_id' AS uuid) AND m.account_id = s.account_id"""))
    op.drop_constraint('uq_suppressions_account_id_address', 'suppressions', type_='unique')
    op.create_unique_constraint(op.f('uq_suppressions_account_id_address_client_id'), 'suppressions',
                                ['account_id', 'address', 'client_id'], postgresql_nulls_not_distinct=True)
    op.create_index('ix_suppressions_account_client', 'suppressions', ['account_id', 'client_id', 'id'])

    op.create_table('dkim_keys',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('domain_id', sa.UUID(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('rsa_selector', sa.String(length=63), nullable=False),
    sa.Column('ed25519_selector', sa.String(length=63), nullable=False),
    sa.Column('rsa_private', sa.LargeBinary(), nullable=False),
    sa.Column('ed25519_private', sa.LargeBinary(), nullable=False),
    sa.Column('rsa_public', sa.Text(), nullable=False),
    sa.Column('ed25519_public', sa.Text(), nullable=False),
    sa.Column('grace_seconds', sa.Integer(), nullable=False),
    sa.Column('check', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_from_signing_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retire_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'retiring')", name=op.f('ck_dkim_keys_state')),
    sa.CheckConstraint('grace_seconds >= 0', name=op.f('ck_dkim_keys_grace_seconds')),
    sa.ForeignKeyConstraint(['domain_id'], ['sender_domains.id'], name=op.f('fk_dkim_keys_domain_id_sender_domains'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dkim_keys'))
    )
    op.create_index('uq_dkim_keys_one_pending', 'dkim_keys', ['domain_id'], unique=True,
                    postgresql_where=sa.text("state = 'pending'"))
    op.create_index('ix_dkim_keys_domain', 'dkim_keys', ['domain_id'])
    op.create_index('ix_dkim_keys_retire_after', 'dkim_keys', ['retire_after'],
                    postgresql_where=sa.text("state = 'retiring'"))


def downgrade() -> None:
    op.drop_table('dkim_keys')
    op.drop_index('ix_suppressions_account_client', table_name='suppressions')
    op.drop_constraint(op.f('uq_suppressions_account_id_address_client_id'), 'suppressions', type_='unique')
    # several scopes of one address collapse into the oldest entry
    op.execute(sa.text("""
        DELETE FROM suppressions s USING suppressions o
        WHERE o.account_id = s.account_id AND o.address = s.address AND o.id < s.id"""))
    op.create_unique_constraint('uq_suppressions_account_id_address', 'suppressions', ['account_id', 'address'])
    op.drop_column('suppressions', 'mailing_id')
    op.drop_column('suppressions', 'client_id')
