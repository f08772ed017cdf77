"""Accounts: creation from an activated order (idempotent), settings, audit log, entitlements, purge."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select

from svckit import entitlements
from svckit.errors import Conflict, InvalidInput, NotFound
from svckit.validation import parse_uuid

from .. import events, mails
from ..db.models import (
    Account,
    AuditEntry,
    BackupCode,
    Client,
    LoginChallenge,
    LoginFailure,
    OneTimePassword,
    PasswordHistory,
    User,
    UserSession,
    account_entitlements,
)
from ..domain import seats as seat_rules
from ..domain import throttle
from ..i18n import _
from ..work import Work
from .clients import add_client
from .common import ACCOUNT_NOT_FOUND, account_of, active_users, effective_seats, iso, require_admin, roles_of
from .passwords import issue_one_time_password

EMAIL_TAKEN = _("The e-mail address {email} already has an "
                "account.")
AUDIT_NOT_FOUND = _("Entry not found.")


def _person(work: Work, account: Account, data: dict[str, Any]) -> User:
    email = data["email"].strip().lower()
    existing = work.session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
    if existing is not None:
        if existing.account_id == account.id:
            return existing
        raise Conflict(EMAIL_TAKEN.format(email=email), fields={"email": EMAIL_TAKEN.format(email=email)})
    user = User(id=uuid.uuid4(), kind="user", account_id=account.id, email=email,
                first_name=data.get("first_name") or "", last_name=data.get("last_name") or "",
                salutation=data.get("salutation"), language=data.get("language") or account.language,
                active=True, must_change_password=True, two_factor="none", operator_roles=[])
    work.session.add(user)
    work.session.flush()
    work.mail(mails.welcome(user, issue_one_time_password(work, user, "first_login"), account.name))
    return user


def _ids(work: Work, account: Account) -> dict[str, Any]:
    clients = work.session.execute(select(Client.id).where(Client.account_id == account.id).order_by(Client.created_at,
                                                                                                 Client.name)
                              ).scalars().all()
    return {"account_id": str(account.id), "license_manager_id": str(account.license_manager_id),
            "administrator_id": str(account.administrator_id), "client_ids": [str(c) for c in clients]}


def create_account(work: Work, order: dict[str, Any]) -> dict[str, Any]:
    """billing, when an order is activated: account, license manager, administrator, clients; first-login mails.

    The idempotency key (the order id) makes a second call return the same ids and create nothing.
    """
    key = order["idempotency_key"]
    found = work.session.execute(select(Account).where(Account.idempotency_key == key)).scalar_one_or_none()
    if found is not None:
        return _ids(work, found)
    # one creation per key even when two calls race: a transaction-scoped advisory lock on the key
    work.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"identity.create_account:{key}"))))
    found = work.session.execute(select(Account).where(Account.idempotency_key == key)).scalar_one_or_none()
    if found is not None:
        return _ids(work, found)
    acc = order["account"]
    account = Account(id=uuid.uuid4(), name=acc["name"], language=acc.get("language") or "de", seats=order["seats"],
                      idempotency_key=key, created_at=work.now)
    work.session.add(account)
    work.session.flush()
    manager = _person(work, account, order["license_manager"])
    admin = _person(work, account, order["administrator"])
    account.license_manager_id, account.administrator_id = manager.id, admin.id
    names = [c["name"] for c in order.get("clients") or []] or [account.name]
    for name in names:
        add_client(work, account, name, full_access_for=[manager.id, admin.id])
    work.audit("account_created", account_id=account.id, name=account.name, order=key)
    work.emit(events.ACCOUNT_CREATED, events.account_created(account, work.now))
    for person in {manager.id: manager, admin.id: admin}.values():
        work.emit(events.USER_CHANGED, events.user_changed(person, roles_of(person, account)))
    work.commit()
    return _ids(work, account)


def add_client_for_billing(work: Work, account_id: Any, name: str) -> dict[str, Any]:
    """An affiliated company joins the subscription: a new client, full access for license manager and admin."""
    aid = parse_uuid(account_id, "account_id")
    account = work.session.get(Account, aid)
    if account is None:
        raise NotFound(ACCOUNT_NOT_FOUND, fields={"account_id": ACCOUNT_NOT_FOUND})
    client = add_client(work, account, name, full_access_for=[account.license_manager_id, account.administrator_id])
    work.commit()
    return {"client_id": str(client.id), "name": client.name}


def account_dict(work: Work, account: Account) -> dict[str, Any]:
    seats = effective_seats(work, account)
    active = active_users(work, account.id)
    return {"id": str(account.id), "name": account.name, "language": account.language, "seats": seats,
            "active_users": active, "seats_exceeded": seat_rules.over_limit(active, seats),
            "license_manager_id": str(account.license_manager_id) if account.license_manager_id else None,
            "administrator_id": str(account.administrator_id) if account.administrator_id else None,
            "security": {"password_min_length": account.password_min_length,
                         "password_max_length": account.password_max_length,
                         "password_max_age_days": account.password_max_age_days,
                         "two_factor_required": account.two_factor_required,
                         "idle_timeout_minutes": account.idle_timeout_minutes,
                         "session_lifetime_hours": account.session_lifetime_hours},
            "created_at": iso(account.created_at)}


def get_account(work: Work, account_id: Any) -> dict[str, Any]:
    """The caller's own account by id (any other id: not found). Kept to the skeleton's shape."""
    wanted = parse_uuid(account_id, "account_id")
    if work.principal.is_operator:
        raise NotFound(ACCOUNT_NOT_FOUND)
    own = work.principal.require_account()
    account = work.session.get(Account, wanted) if str(wanted) == str(own) else None
    if account is None:
        raise NotFound(ACCOUNT_NOT_FOUND)
    return {"id": str(account.id), "name": account.name, "language": account.language,
            "seats": effective_seats(work, account)}


def my_account(work: Work) -> dict[str, Any]:
    return account_dict(work, account_of(work))


def update_settings(work: Work, changes: dict[str, Any]) -> dict[str, Any]:
    account = require_admin(work)
    before = {k: getattr(account, k) for k in changes}
    for key, value in changes.items():
        setattr(account, key, value)
    if account.password_max_length < account.password_min_length:
        msg = _("The maximum length must be at least the minimum length.")
        raise InvalidInput(msg, fields={"password_max_length": msg})
    work.invalidate(account_id=account.id)  # cache lifetimes follow the session timeouts
    work.audit("account_settings_changed", before=before, after=changes)
    work.commit()
    return account_dict(work, account)


# --- audit -----------------------------------------------------------------------------------------------------------

def audit_dict(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": iso(entry.at), "event": entry.event, "actor_kind": entry.actor_kind,
            "actor_id": entry.actor_id, "actor_email": entry.actor_email,
            "target_user_id": str(entry.target_user_id) if entry.target_user_id else None,
            "target_client_id": str(entry.target_client_id) if entry.target_client_id else None,
            "ip": entry.ip, "details": entry.details or {}}


def list_audit(work: Work, filters: dict[str, Any], account_id=None) -> dict[str, Any]:
    """Newest first, by id cursor; ``account_id`` None lists the operators' (account-less) entries."""
    q = select(AuditEntry)
    q = q.where(AuditEntry.account_id == account_id) if account_id is not None else q.where(
        AuditEntry.account_id.is_(None))
    if filters.get("event"):
        q = q.where(AuditEntry.event.in_(filters["event"]))
    if filters.get("user_id"):
        uid = filters["user_id"]
        q = q.where((AuditEntry.target_user_id == uid) | (AuditEntry.actor_id == str(uid)))
    if filters.get("since"):
        q = q.where(AuditEntry.at >= filters["since"])
    if filters.get("until"):
        q = q.where(AuditEntry.at < filters["until"])
    if filters.get("cursor"):
        q = q.where(AuditEntry.id < filters["cursor"])
    limit = filters.get("limit") or 50
    rows = work.session.execute(q.order_by(AuditEntry.id.desc()).limit(limit + 1)).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"entries": [audit_dict(r) for r in rows], "next_cursor": rows[-1].id if more and rows else None}


def account_audit(work: Work, filters: dict[str, Any]) -> dict[str, Any]:
    account = require_admin(work)
    return list_audit(work, filters, account.id)


def get_audit_entry(work: Work, entry_id: Any) -> dict[str, Any]:
    account = require_admin(work, not_found=AUDIT_NOT_FOUND)
    try:
        eid = int(entry_id)
    except (TypeError, ValueError):
        bad = _("Whole number expected.")
        raise InvalidInput(fields={"entry_id": bad}) from None
    entry = work.session.get(AuditEntry, eid) if 0 < eid < 2 ** 63 else None
    if entry is None or entry.account_id != account.id:
        raise NotFound(AUDIT_NOT_FOUND)
    return audit_dict(entry)


# --- events from billing ----------------------------------------------------------------------------------------------

def entitlements_changed(work: Work, payload: dict[str, Any]) -> bool:
    """Keep the newest version; if seats now fall below the active users, tell the administrator (once per count)."""
    if not entitlements.store(work.session, account_entitlements, payload):
        work.commit()
        return False
    ent = entitlements.Entitlements.from_payload(payload)
    account = work.session.get(Account, uuid.UUID(ent.account_id))
    if account is not None:
        active = active_users(work, account.id)
        work.audit("seats_changed", account_id=account.id, seats=ent.seats, active=active, version=ent.version)
        if seat_rules.over_limit(active, ent.seats) and account.seat_notice_for != ent.seats:
            account.seat_notice_for = ent.seats
            admin = work.session.get(User, account.administrator_id) if account.administrator_id else None
            if admin is not None:
                work.mail(mails.seats_exceeded(admin, ent.seats, active))
    work.commit()
    return True


def purge_account(work: Work, account_id: Any) -> bool:
    """Delete everything identity holds for the account (idempotent), then report ``account_purged``."""
    aid = uuid.UUID(str(account_id))
    user_ids = work.session.execute(select(User.id).where(User.account_id == aid)).scalars().all()
    emails = work.session.execute(select(User.email).where(User.account_id == aid)).scalars().all()
    work.invalidate(user_ids=user_ids)
    if user_ids:
        for model in (UserSession, LoginChallenge, OneTimePassword, BackupCode, PasswordHistory):
            work.session.execute(delete(model).where(model.user_id.in_(user_ids)))
    work.session.execute(delete(LoginFailure).where(LoginFailure.key.in_([throttle.email_key(e) for e in emails])))
    work.session.execute(delete(AuditEntry).where(AuditEntry.account_id == aid))
    work.session.execute(delete(account_entitlements).where(account_entitlements.c.account_id == aid))
    account = work.session.get(Account, aid)
    if account is not None:
        account.license_manager_id = account.administrator_id = None
        work.session.flush()
        work.session.execute(delete(User).where(User.account_id == aid))
        work.session.delete(account)  # clients and rights go with it (ON DELETE CASCADE)
    work.emit(events.ACCOUNT_PURGED, events.account_purged(str(aid)))
    work.commit()
    return True
