"""The identity service's tables (SQLAlchemy 2 typed models; constraints named by svckit's convention).

Operators (the vendor's staff) live in ``users`` too, with ``kind = 'operator'`` and no account: they share the
password, one-time-code and session machinery; a check constraint keeps the two kinds apart.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from svckit.entitlements import entitlements_table
from svckit.models import created_at, make_base, uuid_pk
from svckit.outbox import outbox_table

Base = make_base()
outbox = outbox_table(Base.metadata)
account_entitlements = entitlements_table(Base.metadata)


class Account(Base):
    """A paying customer (tenant) with its security policy."""

    __tablename__ = "accounts"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), server_default="de")
    seats: Mapped[int] = mapped_column(Integer, server_default="1")  # from the order; entitlements win once known
    created_at: Mapped[created_at]
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    license_manager_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", name="fk_accounts_license_manager_id_users", use_alter=True, ondelete="SET NULL"))
    administrator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", name="fk_accounts_administrator_id_users", use_alter=True, ondelete="SET NULL"))
    password_min_length: Mapped[int] = mapped_column(Integer, server_default="10")
    password_max_length: Mapped[int] = mapped_column(Integer, server_default="128")
    password_max_age_days: Mapped[int | None] = mapped_column(Integer)
    two_factor_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    idle_timeout_minutes: Mapped[int] = mapped_column(Integer, server_default="30")
    session_lifetime_hours: Mapped[int] = mapped_column(Integer, server_default="12")
    seat_notice_for: Mapped[int | None] = mapped_column(Integer)  # seat count the administrator was last told about

    __table_args__ = (
        CheckConstraint("language IN ('de', 'en')", name="language"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        CheckConstraint("password_min_length >= 8", name="password_min_length"),
        CheckConstraint("password_max_length >= 64 AND password_max_length >= password_min_length",
                        name="password_max_length"),
        CheckConstraint("password_max_age_days IS NULL OR password_max_age_days > 0", name="password_max_age"),
        CheckConstraint("idle_timeout_minutes BETWEEN 5 AND 1440", name="idle_timeout"),
        CheckConstraint("session_lifetime_hours BETWEEN 1 AND 720", name="session_lifetime"),
        Index("uq_accounts_idempotency_key", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL")),
    )


class User(Base):
    """A named user of one account, or (kind = operator) one of the vendor's staff."""

    __tablename__ = "users"

    id: Mapped[uuid_pk]
    kind: Mapped[str] = mapped_column(String(10), server_default="user")
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(100), server_default="")
    last_name: Mapped[str] = mapped_column(String(100), server_default="")
    salutation: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2), server_default="de")
    active: Mapped[bool] = mapped_column(Boolean, server_default="false")
    operator_roles: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    password_hash: Mapped[str | None] = mapped_column(Text)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default="false")
    two_factor: Mapped[str] = mapped_column(String(10), server_default="none")  # none | email (own choice)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attack_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # wrong second-factor codes across challenges and logins (a correct password does not reset them, a correct
    # code does): domain.codes.second_factor_wait / second_factor_failed
    second_factor_failures: Mapped[int] = mapped_column(Integer, server_default="0")
    second_factor_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    second_factor_locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[created_at]

    __table_args__ = (
        CheckConstraint("kind IN ('user', 'operator')", name="kind"),
        CheckConstraint("(kind = 'user') = (account_id IS NOT NULL)", name="account_iff_user"),
        CheckConstraint("language IN ('de', 'en')", name="language"),
        CheckConstraint("two_factor IN ('none', 'email')", name="two_factor"),
        CheckConstraint("operator_roles <@ ARRAY['back_office', 'support']::text[]", name="operator_roles"),
        CheckConstraint("second_factor_failures >= 0", name="second_factor_failures"),
        Index("uq_users_email", func.lower(text("email")), unique=True),
        Index("ix_users_account_id", "account_id"),
    )


class PasswordHistory(Base):
    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]


class OneTimePassword(Base):
    """A mailed one-time password (first login, forgot password): single use, short-lived, stored hashed."""

    __tablename__ = "one_time_passwords"

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("purpose IN ('first_login', 'reset')", name="purpose"),)


class LoginChallenge(Base):
    """The state between a correct password and a session: which second factor, how many tries, which code."""

    __tablename__ = "login_challenges"

    id: Mapped[uuid_pk]
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(10))  # email | totp
    code_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    sends: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    code_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_change_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (CheckConstraint("method IN ('email', 'totp')", name="method"),)


class BackupCode(Base):
    __tablename__ = "backup_codes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """A login session; only the SHA-256 of its opaque token is stored."""

    __tablename__ = "sessions"

    id: Mapped[uuid_pk]
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    password_change_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_sessions_user_live", "user_id", postgresql_where=text("revoked_at IS NULL")),
        Index("ix_sessions_account_live", "account_id", postgresql_where=text("revoked_at IS NULL")),
    )


class Client(Base):
    """A data partition inside an account (Mandant)."""

    __tablename__ = "clients"

    id: Mapped[uuid_pk]
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[created_at]

    __table_args__ = (
        Index("uq_clients_account_name", "account_id", func.lower(text("name")), unique=True),
    )


class ClientRight(Base):
    """A user's right on one client; no row = hidden."""

    __tablename__ = "client_rights"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    right: Mapped[str] = mapped_column(String(4))

    __table_args__ = (CheckConstraint("\"right\" IN ('full', 'read')", name="right"),)


class LoginFailure(Base):
    """One failed login, counted per key (``email:<address>``, ``ip:<address>``) for throttling."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)


class AuditEntry(Base):
    """A security event; account entries are readable by the account's administrators, the rest by operators."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event: Mapped[str] = mapped_column(String(60))
    actor_kind: Mapped[str] = mapped_column(String(10))  # user | operator | service | anonymous
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    target_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    target_client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSONB, server_default="{}")

    __table_args__ = (
        Index("ix_audit_log_account_id_id", "account_id", "id"),
        Index("ix_audit_log_account_event_id", "account_id", "event", "id"),
    )


class Incident(Base):
    """A note on the public status page: what is disturbed, since when, and when it was resolved (operators)."""

    __tablename__ = "incidents"

    id: Mapped[uuid_pk]
    severity: Mapped[str] = mapped_column(String(10))  # info | minor | major
    components: Mapped[list[str]] = mapped_column(ARRAY(String(20)), server_default="{}")
    title: Mapped[dict] = mapped_column(JSONB)  # {"de": ..., "en": ...}
    body: Mapped[dict] = mapped_column(JSONB)
    resolution: Mapped[dict | None] = mapped_column(JSONB)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("severity IN ('info', 'minor', 'major')", name="severity"),
        Index("ix_incidents_created_at", "created_at"),
        Index("ix_incidents_open", "created_at", postgresql_where=text("resolved_at IS NULL")),
    )
