"""What several use cases share: scoped loading (another tenant's id is simply not found), serialisers, the
principal of a user as it is *now*, and seat counting."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from svckit import entitlements
from svckit.errors import Forbidden, NotFound
from svckit.i18n import Text
from svckit.principal import ADMINISTRATOR, LICENSE_MANAGER, USER, Principal
from svckit.validation import parse_uuid

from ..db.models import Account, Client, ClientRight, User, account_entitlements
from ..domain import passwords
from ..i18n import _
from ..work import Work

USER_NOT_FOUND = _("User not found.")
CLIENT_NOT_FOUND = _("Client not found.")
ACCOUNT_NOT_FOUND = _("Account not found.")
ADMIN_ONLY = _("Only the account's administrator may do this.")


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def account_of(work: Work, not_found: Text | None = None) -> Account:
    """The caller's account. ``not_found``: the caller asks for one object of a customer (a user, a client, an audit
    entry) by id; an operator, who has no account, then hears that it is not found, whether it exists or not (a 403
    would only come for ids that exist elsewhere and confirm them)."""
    if not_found is not None and work.principal.is_operator:
        raise NotFound(not_found)
    account_id = work.principal.require_account()
    account = work.session.get(Account, uuid.UUID(str(account_id)))
    if account is None:
        raise NotFound(ACCOUNT_NOT_FOUND)
    return account


def require_admin(work: Work, not_found: Text | None = None) -> Account:
    """The caller's account, if the caller is its administrator (or a service acting for it)."""
    account = account_of(work, not_found)
    p = work.principal
    if p.kind != "service" and str(account.administrator_id) != str(p.user_id):
        raise Forbidden(ADMIN_ONLY)
    return account


def user_in_account(work: Work, account: Account, user_id: Any, field: str = "user_id", lock: bool = False) -> User:
    """A user of this account; a malformed id is a 422 naming the field, any other id (another tenant's) a 404."""
    uid = parse_uuid(user_id, field)
    q = select(User).where(User.id == uid, User.account_id == account.id, User.kind == "user")
    if lock:
        q = q.with_for_update()
    user = work.session.execute(q).scalar_one_or_none()
    if user is None:
        raise NotFound(USER_NOT_FOUND, fields={field: USER_NOT_FOUND})
    return user


def client_in_account(work: Work, account: Account, client_id: Any, field: str = "client_id") -> Client:
    cid = parse_uuid(client_id, field)
    client = work.session.execute(select(Client).where(Client.id == cid, Client.account_id == account.id)
                             ).scalar_one_or_none()
    if client is None:
        raise NotFound(CLIENT_NOT_FOUND, fields={field: CLIENT_NOT_FOUND})
    return client


def roles_of(user: User, account: Account | None) -> list[str]:
    if user.kind == "operator":
        return sorted(user.operator_roles or [])
    roles = []
    if account is not None and account.license_manager_id == user.id:
        roles.append(LICENSE_MANAGER)
    if account is not None and account.administrator_id == user.id:
        roles.append(ADMINISTRATOR)
    roles.append(USER)
    return roles


def rights_of(work: Work, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, str]]:
    out: dict[uuid.UUID, dict[str, str]] = {uid: {} for uid in user_ids}
    if not user_ids:
        return out
    for row in work.session.execute(select(ClientRight.user_id, ClientRight.client_id, ClientRight.right)
                               .where(ClientRight.user_id.in_(user_ids))):
        out[row.user_id][str(row.client_id)] = row.right
    return out


def principal_of(work: Work, user: User, account: Account | None, session_id: Any = None) -> Principal:
    return Principal(
        kind=user.kind, account_id=str(user.account_id) if user.account_id else None, user_id=str(user.id),
        roles=tuple(roles_of(user, account)),
        clients=rights_of(work, [user.id])[user.id] if user.kind == "user" else {},
        lang=user.language, session_id=str(session_id) if session_id else None)


def effective_seats(work: Work, account: Account) -> int:
    """billing's newest entitlements once it has spoken; until then the seat count of the order."""
    stored = work.session.execute(select(account_entitlements.c.data)
                             .where(account_entitlements.c.account_id == account.id)).scalar()
    return entitlements.Entitlements.from_payload(stored).seats if stored else account.seats


def active_users(work: Work, account_id) -> int:
    return work.session.execute(select(func.count()).select_from(User)
                           .where(User.account_id == account_id, User.active.is_(True))).scalar_one()


def policy_of(account: Account | None) -> passwords.Policy:
    if account is None:  # operators: the strict default
        return passwords.Policy(min_length=12)
    return passwords.Policy(account.password_min_length, account.password_max_length, account.password_max_age_days)


def two_factor_method(user: User, account: Account | None) -> str | None:
    """totp when set up; else email when the user, the account or (for operators) always requires it; else None."""
    if user.totp_secret:
        return "totp"
    if user.kind == "operator" or user.two_factor == "email" or (account is not None and account.two_factor_required):
        return "email"
    return None


def user_dict(user: User, account: Account | None, rights: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(user.id), "kind": user.kind, "email": user.email, "first_name": user.first_name,
        "last_name": user.last_name, "salutation": user.salutation, "language": user.language,
        "active": user.active, "roles": roles_of(user, account),
        "two_factor": {"method": two_factor_method(user, account), "own_choice": user.two_factor,
                       "totp": bool(user.totp_secret),
                       "required_by_account": bool(account is not None and account.two_factor_required)},
        "last_login_at": iso(user.last_login_at), "created_at": iso(user.created_at),
    }
    if user.account_id is not None:
        data["account_id"] = str(user.account_id)
    if rights is not None:
        data["clients"] = rights
    return data


def client_dict(client: Client, right: str | None = None) -> dict[str, Any]:
    data = {"id": str(client.id), "name": client.name, "description": client.description,
            "created_at": iso(client.created_at)}
    if right is not None:
        data["right"] = right
    return data
