"""Users of an account as the administrator manages them: create, change, activate (seat limit), deactivate,
rights per client, handing over the license-manager and administrator roles."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from svckit.errors import Conflict, Forbidden, InvalidInput, QuotaExceeded
from svckit.principal import ADMINISTRATOR, LICENSE_MANAGER
from svckit.textsafe import like_contains

from .. import events, mails
from ..db.models import Account, ClientRight, User
from ..domain import seats as seat_rules
from ..i18n import _
from ..work import Work
from .common import (
    ADMIN_ONLY,
    USER_NOT_FOUND,
    account_of,
    active_users,
    client_in_account,
    effective_seats,
    require_admin,
    rights_of,
    roles_of,
    user_dict,
    user_in_account,
)
from .passwords import confirm_current_password, issue_one_time_password
from .sessions import revoke

EMAIL_TAKEN = _("This e-mail address is already taken.")
KEEPS_ROLE = _("This user is the {role}; hand the role over to someone else first.")
ROLE_NAMES = {LICENSE_MANAGER: _("license manager"),
              ADMINISTRATOR: _("administrator")}
INACTIVE_HEIR = _("Only an active user can take the role.")


def changed(work: Work, user: User, account: Account) -> None:
    work.emit(events.USER_CHANGED, events.user_changed(user, roles_of(user, account)))


def list_users(work: Work, active: bool | None = None, query: str | None = None) -> dict[str, Any]:
    account = account_of(work)
    q = select(User).where(User.account_id == account.id, User.kind == "user")
    if active is not None:
        q = q.where(User.active.is_(active))
    if query:  # % and _ are characters to find, not wildcards
        like = like_contains(query.lower())
        q = q.where(func.lower(User.email).like(like, escape="\\")
                    | func.lower(User.first_name + " " + User.last_name).like(like, escape="\\"))
    users = work.session.execute(q.order_by(func.lower(User.last_name), func.lower(User.first_name), User.email)
                            ).scalars().all()
    is_admin = str(account.administrator_id) == str(work.principal.user_id) or work.principal.is_service
    rights = rights_of(work, [u.id for u in users]) if is_admin else {}
    seats = effective_seats(work, account)
    active_count = active_users(work, account.id)
    return {"users": [user_dict(u, account, rights.get(u.id) if is_admin else None) for u in users],
            "seats": seats, "active": active_count, "seats_exceeded": seat_rules.over_limit(active_count, seats)}


def get_user(work: Work, user_id: Any) -> dict[str, Any]:
    account = account_of(work, not_found=USER_NOT_FOUND)
    user = user_in_account(work, account, user_id)
    is_admin = str(account.administrator_id) == str(work.principal.user_id) or work.principal.is_service
    return user_dict(user, account, rights_of(work, [user.id])[user.id] if is_admin or str(user.id) ==
                     work.principal.user_id else None)


def _set_rights(work: Work, account: Account, user: User, rights: dict[str, str]) -> None:
    for client_id, right in rights.items():
        client = client_in_account(work, account, client_id, field=f"rights.{client_id}")
        existing = work.session.get(ClientRight, (user.id, client.id))
        if right == "hidden":
            if existing is not None:
                work.session.delete(existing)
        elif existing is None:
            work.session.add(ClientRight(user_id=user.id, client_id=client.id, account_id=account.id, right=right))
        else:
            existing.right = right


def _activate(work: Work, account: Account, user: User) -> None:
    """Seat check under a row lock on the account: two activations racing for the last seat, exactly one wins."""
    work.session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    seats = effective_seats(work, account)
    active = active_users(work, account.id)
    if not seat_rules.can_activate(active, seats):
        raise QuotaExceeded(seat_rules.no_seat(active, seats), seats=seats, active=active)
    user.active = True
    if user.password_hash is None:
        work.mail(mails.welcome(user, issue_one_time_password(work, user, "first_login"), account.name))
        user.must_change_password = True


def create_user(work: Work, data: dict[str, Any]) -> dict[str, Any]:
    account = require_admin(work)
    email = data["email"].strip().lower()
    if work.session.execute(select(User.id).where(func.lower(User.email) == email)).first():
        raise Conflict(EMAIL_TAKEN, fields={"email": EMAIL_TAKEN})
    user = User(id=uuid.uuid4(), kind="user", account_id=account.id, email=email,
                first_name=data.get("first_name") or "", last_name=data.get("last_name") or "",
                salutation=data.get("salutation"), language=data.get("language") or account.language, active=False,
                two_factor="email" if data.get("two_factor_by_mail") else "none", operator_roles=[])
    work.session.add(user)
    try:
        work.session.flush()
    except IntegrityError:
        work.session.rollback()
        raise Conflict(EMAIL_TAKEN, fields={"email": EMAIL_TAKEN}) from None
    _set_rights(work, account, user, data.get("rights") or {})
    if data.get("active"):
        _activate(work, account, user)
    work.audit("user_created", target_user_id=user.id, email=email, active=user.active)
    changed(work, user, account)
    work.commit()
    return user_dict(user, account, rights_of(work, [user.id])[user.id])


def update_user(work: Work, user_id: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """A new e-mail address moves the login name and where one-time passwords go: it needs the administrator's
    current password (a stolen administrator session alone cannot redirect someone's password resets)."""
    account = require_admin(work, not_found=USER_NOT_FOUND)
    user = user_in_account(work, account, user_id)
    current_password = changes.pop("current_password", None)
    if "email" in changes and changes["email"].strip().lower() != user.email:
        email = changes["email"].strip().lower()
        admin = work.session.get(User, uuid.UUID(str(work.principal.user_id))) if work.principal.is_user else None
        if admin is not None:  # services (billing, the seed) act without a password
            confirm_current_password(work, admin, current_password)
        if work.session.execute(select(User.id).where(func.lower(User.email) == email)).first():
            raise Conflict(EMAIL_TAKEN, fields={"email": EMAIL_TAKEN})
        old_email, user.email = user.email, email
        if user.active:
            work.mail(mails.email_changed(user, old_email))
    for key in ("first_name", "last_name", "salutation", "language"):
        if key in changes:
            setattr(user, key, changes[key])
    if "two_factor_by_mail" in changes:
        user.two_factor = "email" if changes["two_factor_by_mail"] else "none"
    if "language" in changes:
        work.invalidate(user_ids=[user.id])
    work.audit("user_updated", target_user_id=user.id, fields=sorted(changes))
    work.commit()
    return user_dict(user, account, rights_of(work, [user.id])[user.id])


def activate_user(work: Work, user_id: Any) -> dict[str, Any]:
    account = require_admin(work, not_found=USER_NOT_FOUND)
    user = user_in_account(work, account, user_id, lock=True)
    if not user.active:
        _activate(work, account, user)
        work.audit("user_activated", target_user_id=user.id)
        changed(work, user, account)
        work.commit()
    return user_dict(user, account, rights_of(work, [user.id])[user.id])


def deactivate_user(work: Work, user_id: Any) -> dict[str, Any]:
    account = require_admin(work, not_found=USER_NOT_FOUND)
    user = user_in_account(work, account, user_id, lock=True)
    for role, holder in ((LICENSE_MANAGER, account.license_manager_id), (ADMINISTRATOR, account.administrator_id)):
        if holder == user.id:
            raise Conflict(KEEPS_ROLE.format(role=ROLE_NAMES[role]), role=role)
    if user.active:
        user.active = False
        revoke(work, "deactivated", user_ids=[user.id])
        work.audit("user_deactivated", target_user_id=user.id)
        changed(work, user, account)
        work.commit()
    return user_dict(user, account, rights_of(work, [user.id])[user.id])


def set_user_rights(work: Work, user_id: Any, rights: dict[str, str]) -> dict[str, Any]:
    account = require_admin(work, not_found=USER_NOT_FOUND)
    user = user_in_account(work, account, user_id)
    before = rights_of(work, [user.id])[user.id]
    _set_rights(work, account, user, rights)
    work.session.flush()
    after = rights_of(work, [user.id])[user.id]
    work.invalidate(user_ids=[user.id])
    work.audit("rights_changed", target_user_id=user.id, before=before, after=after)
    work.commit()
    return {"user_id": str(user.id), "clients": after}


def hand_over_role(work: Work, role: str, user_id: Any) -> dict[str, Any]:
    """Explicit hand-over: the account always has exactly one license manager and one administrator."""
    account = require_admin(work) if role == ADMINISTRATOR else account_of(work)
    p = work.principal
    if role == LICENSE_MANAGER and not p.is_service and str(account.license_manager_id) != str(p.user_id) \
            and str(account.administrator_id) != str(p.user_id):
        raise Forbidden(ADMIN_ONLY)
    heir = user_in_account(work, account, user_id)
    if not heir.active:
        raise InvalidInput(INACTIVE_HEIR, fields={"user_id": INACTIVE_HEIR})
    work.session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    previous = account.administrator_id if role == ADMINISTRATOR else account.license_manager_id
    if role == ADMINISTRATOR:
        account.administrator_id = heir.id
    else:
        account.license_manager_id = heir.id
    work.invalidate(user_ids=[u for u in (previous, heir.id) if u is not None])
    work.audit("role_handed_over", target_user_id=heir.id, role=role, previous=str(previous) if previous else None)
    for uid in {previous, heir.id} - {None}:
        u = work.session.get_one(User, uid)   # the previous holder and the heir exist
        changed(work, u, account)
    work.commit()
    return {"role": role, "user_id": str(heir.id), "previous_user_id": str(previous) if previous else None}
