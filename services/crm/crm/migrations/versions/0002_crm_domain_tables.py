"""crm domain tables: persons and organisations with e-mails, custom fields, lists, events, history, mediacenter,
jobs, import wizard, IMAP archive, erasure log, entitlements

Search uses pg_trgm (GIN over a folded search text that the service writes; see crm.domain.folding).

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
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('account_entitlements',
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_account_entitlements'))
    )
    op.create_table('archived_messages',
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('message_id', sa.String(length=400), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('contacts', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('account_id', 'message_id', name=op.f('pk_archived_messages'))
    )
    op.create_table('custom_fields',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label_de', sa.String(length=100), nullable=False),
    sa.Column('label_en', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('choices', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("type IN ('text', 'number', 'date', 'boolean', 'choice')", name=op.f('ck_custom_fields_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_fields')),
    sa.UniqueConstraint('account_id', 'key', name=op.f('uq_custom_fields_account_id_key'))
    )
    op.create_table('erasure_log',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=False),
    sa.Column('email_hashes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False),
    sa.Column('requested_by', sa.UUID(), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_log'))
    )
    op.create_table('events',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), server_default='press_conference', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location', sa.String(length=300), server_default='', nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_index('ix_events_scope', 'events', ['account_id', 'client_id', 'starts_at'], unique=False)
    op.create_table('jobs',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=True),
    sa.Column('user_id', sa.UUID(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('params', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('principal', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('state', sa.String(length=10), server_default='queued', nullable=False),
    sa.Column('done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('error', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_jobs_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_index('ix_jobs_account', 'jobs', ['account_id', 'kind'], unique=False)
    op.create_index('ix_jobs_dedupe', 'jobs', ['account_id', 'dedupe_key'], unique=True, postgresql_where=sa.text('dedupe_key IS NOT NULL'))
    op.create_index('ix_jobs_queued', 'jobs', ['created_at'], unique=False, postgresql_where=sa.text("state = 'queued'"))
    op.create_table('lists',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filter', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('static', 'dynamic')", name=op.f('ck_lists_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lists'))
    )
    op.create_index('ix_lists_scope', 'lists', ['account_id', 'client_id'], unique=False)
    op.create_table('mailboxes',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('user_id', sa.UUID(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('password_enc', sa.Text(), nullable=False),
    sa.Column('folders', postgresql.ARRAY(sa.Text()), server_default=sa.text("'{INBOX}'::text[]"), nullable=False),
    sa.Column('principal', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("security IN ('ssl', 'starttls', 'none')", name=op.f('ck_mailboxes_security')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailboxes'))
    )
    op.create_index('ix_mailboxes_user', 'mailboxes', ['account_id', 'user_id'], unique=False)
    op.create_table('media_folders',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=False),
    sa.Column('parent_id', sa.UUID(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['media_folders.id'], name=op.f('fk_media_folders_parent_id_media_folders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_folders'))
    )
    op.create_index('ix_media_folders_unique_name', 'media_folders', ['client_id', sa.literal_column("coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid)"), 'name'], unique=True)
    op.create_table('contact_emails',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('email_norm', sa.String(length=320), nullable=False),
    sa.Column('label', sa.String(length=30), server_default='', nullable=False),
    sa.Column('is_primary', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('state', sa.String(length=12), server_default='valid', nullable=False),
    sa.Column('invalid_reason', sa.String(length=300), nullable=True),
    sa.Column('invalid_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('valid', 'invalid', 'unverified')", name=op.f('ck_contact_emails_state')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_emails_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_emails')),
    sa.UniqueConstraint('contact_id', 'email_norm', name=op.f('uq_contact_emails_contact_id_email_norm'))
    )
    op.create_index('ix_contact_emails_account_email', 'contact_emails', ['account_id', 'email_norm'], unique=False)
    op.create_index('ix_contact_emails_one_primary', 'contact_emails', ['contact_id'], unique=True, postgresql_where=sa.text('is_primary'))
    op.create_table('event_participants',
    sa.Column('event_id', sa.UUID(), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='invited', nullable=False),
    sa.Column('note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('invited', 'registered', 'declined', 'attended')", name=op.f('ck_event_participants_status')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_event_participants_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_participants_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'contact_id', name=op.f('pk_event_participants'))
    )
    op.create_index('ix_event_participants_contact', 'event_participants', ['contact_id'], unique=False)
    op.create_table('files',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=True),
    sa.Column('folder_id', sa.UUID(), nullable=True),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.CheckConstraint("purpose IN ('media', 'attachment', 'import', 'export')", name=op.f('ck_files_purpose')),
    sa.ForeignKeyConstraint(['folder_id'], ['media_folders.id'], name=op.f('fk_files_folder_id_media_folders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    op.create_index('ix_files_scope', 'files', ['account_id', 'client_id', 'folder_id'], unique=False)
    op.create_table('history',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('client_id', sa.UUID(), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('subject', sa.String(length=500), server_default='', nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('ref', sa.String(length=400), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.CheckConstraint("kind IN ('note', 'call', 'meeting', 'mailing', 'email')", name=op.f('ck_history_kind')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_history_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history'))
    )
    op.create_index('ix_history_account', 'history', ['account_id'], unique=False)
    op.create_index('ix_history_contact', 'history', ['contact_id', 'occurred_at'], unique=False)
    op.create_index('ix_history_mailing', 'history', ['contact_id', 'ref'], unique=True, postgresql_where=sa.text('ref IS NOT NULL'))
    op.create_index('ix_history_ref', 'history', ['account_id', 'ref'], unique=False, postgresql_where=sa.text('ref IS NOT NULL'))
    op.create_table('list_members',
    sa.Column('list_id', sa.UUID(), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_list_members_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['lists.id'], name=op.f('fk_list_members_list_id_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'contact_id', name=op.f('pk_list_members'))
    )
    op.create_index('ix_list_members_contact', 'list_members', ['contact_id'], unique=False)
    op.create_table('mailbox_folders',
    sa.Column('mailbox_id', sa.UUID(), nullable=False),
    sa.Column('folder', sa.String(length=300), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_mailbox_folders_mailbox_id_mailboxes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mailbox_id', 'folder', name=op.f('pk_mailbox_folders'))
    )
    op.create_table('contact_files',
    sa.Column('contact_id', sa.UUID(), nullable=False),
    sa.Column('file_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_files_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_contact_files_file_id_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'file_id', name=op.f('pk_contact_files'))
    )
    op.create_table('history_files',
    sa.Column('history_id', sa.UUID(), nullable=False),
    sa.Column('file_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_history_files_file_id_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['history_id'], ['history.id'], name=op.f('fk_history_files_history_id_history'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('history_id', 'file_id', name=op.f('pk_history_files'))
    )
    op.create_table('imports',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('user_id', sa.UUID(), nullable=True),
    sa.Column('file_id', sa.UUID(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=True),
    sa.Column('delimiter', sa.String(length=1), nullable=True),
    sa.Column('analysis', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('sheet', sa.String(length=200), nullable=True),
    sa.Column('header_row', sa.Integer(), nullable=True),
    sa.Column('mapping', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('state', sa.String(length=20), server_default='analysed', nullable=False),
    sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_imports_file_id_files'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports'))
    )
    op.create_index('ix_imports_account', 'imports', ['account_id', 'created_at'], unique=False)
    op.create_table('import_rows',
    sa.Column('import_id', sa.UUID(), nullable=False),
    sa.Column('run', sa.String(length=8), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reasons', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False),
    sa.Column('contact_id', sa.UUID(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_import_rows_import_id_imports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('import_id', 'run', 'row_no', name=op.f('pk_import_rows'))
    )
    op.add_column('contacts', sa.Column('kind', sa.String(length=12), server_default='person', nullable=False))
    op.add_column('contacts', sa.Column('gender', sa.String(length=8), server_default='unknown', nullable=False))
    op.add_column('contacts', sa.Column('title', sa.String(length=60), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('org_name', sa.String(length=200), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('org_type', sa.String(length=20), nullable=True))
    op.add_column('contacts', sa.Column('organisation_id', sa.UUID(), nullable=True))
    op.add_column('contacts', sa.Column('organisation', sa.String(length=200), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('position', sa.String(length=150), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('department', sa.String(length=150), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('street', sa.String(length=200), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('address_extra', sa.String(length=200), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('postal_code', sa.String(length=20), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('city', sa.String(length=100), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('country', sa.String(length=2), server_default='DE', nullable=False))
    op.add_column('contacts', sa.Column('language', sa.String(length=2), server_default='de', nullable=False))
    op.add_column('contacts', sa.Column('informal', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('contacts', sa.Column('letter_salutation', sa.String(length=200), nullable=True))
    op.add_column('contacts', sa.Column('phones', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.add_column('contacts', sa.Column('tags', postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False))
    op.add_column('contacts', sa.Column('custom', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False))
    op.add_column('contacts', sa.Column('notes', sa.Text(), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('legal_basis', sa.String(length=30), server_default='legitimate_interest', nullable=False))
    op.add_column('contacts', sa.Column('data_source', sa.String(length=300), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('source_kind', sa.String(length=20), server_default='manual', nullable=False))
    op.add_column('contacts', sa.Column('informed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('contacts', sa.Column('source_ref', sa.String(length=100), nullable=True))
    op.add_column('contacts', sa.Column('pressbase_id', sa.String(length=100), nullable=True))
    op.add_column('contacts', sa.Column('pressbase_pending', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('contacts', sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('name_key', sa.String(length=300), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('org_key', sa.String(length=300), server_default='', nullable=False))
    op.add_column('contacts', sa.Column('created_by', sa.UUID(), nullable=True))
    op.add_column('contacts', sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False))
    op.add_column('contacts', sa.Column('updated_by', sa.UUID(), nullable=True))
    op.create_index('ix_contacts_name_key_trgm', 'contacts', ['name_key'], unique=False, postgresql_using='gin', postgresql_ops={'name_key': 'gin_trgm_ops'})
    op.create_index('ix_contacts_organisation', 'contacts', ['organisation_id'], unique=False, postgresql_where=sa.text('organisation_id IS NOT NULL'))
    op.create_index('ix_contacts_pressbase', 'contacts', ['account_id', 'client_id', 'pressbase_id'], unique=True, postgresql_where=sa.text('pressbase_id IS NOT NULL'))
    op.create_index('ix_contacts_pressbase_global', 'contacts', ['pressbase_id'], unique=False, postgresql_where=sa.text('pressbase_id IS NOT NULL'))
    op.create_index('ix_contacts_scope', 'contacts', ['account_id', 'client_id', 'id'], unique=False)
    op.create_index('ix_contacts_sort', 'contacts', ['account_id', 'name_key', 'id'], unique=False)
    op.create_index('ix_contacts_search_trgm', 'contacts', ['search_text'], unique=False, postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    op.create_index('ix_contacts_source_ref', 'contacts', ['account_id', 'source_ref'], unique=True, postgresql_where=sa.text('source_ref IS NOT NULL'))
    op.create_index('ix_contacts_tags', 'contacts', ['tags'], unique=False, postgresql_using='gin')
    op.create_foreign_key(op.f('fk_contacts_organisation_id_contacts'), 'contacts', 'contacts', ['organisation_id'], ['id'], ondelete='SET NULL')
    op.drop_column('contacts', 'email')
    op.create_check_constraint(op.f('ck_contacts_kind'), 'contacts', "kind IN ('person', 'organisation')")
    op.create_check_constraint(op.f('ck_contacts_gender'), 'contacts', "gender IN ('female', 'male', 'diverse', 'unknown')")
    op.create_check_constraint(op.f('ck_contacts_language'), 'contacts', "language IN ('de', 'en')")
    op.alter_column('contacts', 'last_name', server_default='')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_contacts_kind'), 'contacts', type_='check')
    op.drop_constraint(op.f('ck_contacts_gender'), 'contacts', type_='check')
    op.drop_constraint(op.f('ck_contacts_language'), 'contacts', type_='check')
    op.add_column('contacts', sa.Column('email', sa.VARCHAR(length=320), autoincrement=False, nullable=True))
    op.drop_constraint(op.f('fk_contacts_organisation_id_contacts'), 'contacts', type_='foreignkey')
    op.drop_index('ix_contacts_tags', table_name='contacts', postgresql_using='gin')
    op.drop_index('ix_contacts_source_ref', table_name='contacts', postgresql_where=sa.text('source_ref IS NOT NULL'))
    op.drop_index('ix_contacts_search_trgm', table_name='contacts', postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    op.drop_index('ix_contacts_scope', table_name='contacts')
    op.drop_index('ix_contacts_sort', table_name='contacts')
    op.drop_index('ix_contacts_pressbase_global', table_name='contacts', postgresql_where=sa.text('pressbase_id IS NOT NULL'))
    op.drop_index('ix_contacts_pressbase', table_name='contacts', postgresql_where=sa.text('pressbase_id IS NOT NULL'))
    op.drop_index('ix_contacts_organisation', table_name='contacts', postgresql_where=sa.text('organisation_id IS NOT NULL'))
    op.drop_index('ix_contacts_name_key_trgm', table_name='contacts', postgresql_using='gin', postgresql_ops={'name_key': 'gin_trgm_ops'})
    op.drop_column('contacts', 'updated_by')
    op.drop_column('contacts', 'updated_at')
    op.drop_column('contacts', 'created_by')
    op.drop_column('contacts', 'name_key')
    op.drop_column('contacts', 'org_key')
    op.drop_column('contacts', 'search_text')
    op.drop_column('contacts', 'pressbase_pending')
    op.drop_column('contacts', 'pressbase_id')
    op.drop_column('contacts', 'source_ref')
    op.drop_column('contacts', 'informed_at')
    op.drop_column('contacts', 'source_kind')
    op.drop_column('contacts', 'data_source')
    op.drop_column('contacts', 'legal_basis')
    op.drop_column('contacts', 'notes')
    op.drop_column('contacts', 'custom')
    op.drop_column('contacts', 'tags')
    op.drop_column('contacts', 'phones')
    op.drop_column('contacts', 'letter_salutation')
    op.drop_column('contacts', 'informal')
    op.drop_column('contacts', 'language')
    op.drop_column('contacts', 'country')
    op.drop_column('contacts', 'city')
    op.drop_column('contacts', 'postal_code')
    op.drop_column('contacts', 'address_extra')
    op.drop_column('contacts', 'street')
    op.drop_column('contacts', 'department')
    op.drop_column('contacts', 'position')
    op.drop_column('contacts', 'organisation')
    op.drop_column('contacts', 'organisation_id')
    op.drop_column('contacts', 'org_type')
    op.drop_column('contacts', 'org_name')
    op.drop_column('contacts', 'title')
    op.drop_column('contacts', 'gender')
    op.drop_column('contacts', 'kind')
    op.drop_table('import_rows')
    op.drop_index('ix_imports_account', table_name='imports')
    op.drop_table('imports')
    op.drop_table('history_files')
    op.drop_table('contact_files')
    op.drop_table('mailbox_folders')
    op.drop_index('ix_list_members_contact', table_name='list_members')
    op.drop_table('list_members')
    op.drop_index('ix_history_ref', table_name='history', postgresql_where=sa.text('ref IS NOT NULL'))
    op.drop_index('ix_history_mailing', table_name='history', postgresql_where=sa.text('ref IS NOT NULL'))
    op.drop_index('ix_history_contact', table_name='history')
    op.drop_index('ix_history_account', table_name='history')
    op.drop_table('history')
    op.drop_index('ix_files_scope', table_name='files')
    op.drop_table('files')
    op.drop_index('ix_event_participants_contact', table_name='event_participants')
    op.drop_table('event_participants')
    op.drop_index('ix_contact_emails_one_primary', table_name='contact_emails', postgresql_where=sa.text('is_primary'))
    op.drop_index('ix_contact_emails_account_email', table_name='contact_emails')
    op.drop_table('contact_emails')
    op.drop_index('ix_media_folders_unique_name', table_name='media_folders')
    op.drop_table('media_folders')
    op.drop_index('ix_mailboxes_user', table_name='mailboxes')
    op.drop_table('mailboxes')
    op.drop_index('ix_lists_scope', table_name='lists')
    op.drop_table('lists')
    op.drop_index('ix_jobs_queued', table_name='jobs', postgresql_where=sa.text("state = 'queued'"))
    op.drop_index('ix_jobs_dedupe', table_name='jobs', postgresql_where=sa.text('dedupe_key IS NOT NULL'))
    op.drop_index('ix_jobs_account', table_name='jobs')
    op.drop_table('jobs')
    op.drop_index('ix_events_scope', table_name='events')
    op.drop_table('events')
    op.drop_table('erasure_log')
    op.drop_table('custom_fields')
    op.drop_table('archived_messages')
    op.drop_table('account_entitlements')
