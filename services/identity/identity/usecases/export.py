"""identity's part of the whole-account export (docs/contracts.md, GDPR): the account, its users, clients, rights,
sessions and audit log. Password hashes, TOTP secrets, one-time codes, backup codes and session token hashes never
leave the service."""

from __future__ import annotations

from sqlalchemy import select

from svckit.accountexport import Table, columns

from ..db.models import Account, AuditEntry, Client, ClientRight, User, UserSession

TABLES = [
    Table("accounts", lambda a: select(*columns(Account, "idempotency_key")).where(Account.id == a)),
    Table("users", lambda a: select(*columns(User, "password_hash", "totp_secret", "totp_pending_secret",
                                             "totp_last_counter"))
          .where(User.account_id == a).order_by(User.id)),
    Table("clients", lambda a: select(*columns(Client)).where(Client.account_id == a).order_by(Client.id)),
    Table("client_rights", lambda a: select(*columns(ClientRight)).where(ClientRight.account_id == a)
          .order_by(ClientRight.user_id, ClientRight.client_id)),
    Table("sessions", lambda a: select(*columns(UserSession, "token_hash")).where(UserSession.account_id == a)
          .order_by(UserSession.id)),
    Table("audit_log", lambda a: select(*columns(AuditEntry)).where(AuditEntry.account_id == a)
          .order_by(AuditEntry.id)),
]
