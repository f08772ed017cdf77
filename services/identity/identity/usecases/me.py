"""The caller's own profile and second-factor settings (TOTP with backup codes, or codes by mail)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete

from svckit.errors import Conflict, InvalidInput, NotFound

from ..db.models import Account, BackupCode, User
from ..domain import codes
from ..i18n import _
from ..work import Work
from .common import USER_NOT_FOUND, rights_of, user_dict
from .passwords import confirm_current_password

NO_PENDING_TOTP = _("Please start setting up the authenticator app first.")
WRONG_TOTP = _("The code from the app is wrong.")
REQUIRED_BY_ACCOUNT = _("Your account requires two-factor login; it cannot be turned off.")
NO_TOTP = _("The authenticator app is not set up.")


def _me(work: Work) -> tuple[User, Account | None]:
    p = work.principal.require_authenticated()
    user = work.session.get(User, uuid.UUID(p.user_id)) if p.user_id else None
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    account = work.session.get(Account, user.account_id) if user.account_id else None
    return user, account


def get_me(work: Work) -> dict[str, Any]:
    user, account = _me(work)
    data = user_dict(user, account, rights_of(work, [user.id])[user.id] if user.kind == "user" else None)
    if account is not None:
        data["account"] = {"id": str(account.id), "name": account.name, "language": account.language}
    data["session_id"] = work.principal.session_id
    return data


def update_me(work: Work, changes: dict[str, Any]) -> dict[str, Any]:
    user, _unused = _me(work)
    for key in ("first_name", "last_name", "salutation", "language"):
        if key in changes:
            setattr(user, key, changes[key])
    if "language" in changes:
        work.invalidate(user_ids=[user.id])  # the principal carries the language
    work.audit("profile_changed", account_id=user.account_id, target_user_id=user.id, fields=sorted(changes))
    work.commit()
    return get_me(work)


def set_mail_codes(work: Work, enabled: bool, current_password: str | None = None) -> dict[str, Any]:
    """The user's own choice of codes by mail (the account's policy may require them anyway). Switching them off
    needs the current password; switching them on does not."""
    user, _unused = _me(work)
    if not enabled and user.kind == "operator":
        raise Conflict(REQUIRED_BY_ACCOUNT)
    if not enabled and user.two_factor == "email":
        confirm_current_password(work, user, current_password)
    user.two_factor = "email" if enabled else "none"
    work.audit("two_factor_changed", account_id=user.account_id, target_user_id=user.id,
               method="email" if enabled else "none")
    work.commit()
    return get_me(work)


def start_totp(work: Work) -> dict[str, Any]:
    user, _unused = _me(work)
    secret = codes.new_totp_secret()
    user.totp_pending_secret = secret
    work.commit()
    return {"secret": secret, "otpauth_uri": codes.totp_uri(secret, user.email)}


def confirm_totp(work: Work, code: str, current_password: str | None) -> dict[str, Any]:
    """Switches the app on and hands out the first backup codes: needs the current password as well as a code."""
    user, _unused = _me(work)
    if not user.totp_pending_secret:
        raise Conflict(NO_PENDING_TOTP)
    confirm_current_password(work, user, current_password)
    counter = codes.totp_counter(user.totp_pending_secret, code, work.now, None)
    if counter is None:
        raise InvalidInput(WRONG_TOTP, fields={"code": WRONG_TOTP})
    user.totp_secret, user.totp_pending_secret, user.totp_last_counter = user.totp_pending_secret, None, counter
    backup = _new_backup_codes(work, user)
    work.audit("totp_enabled", account_id=user.account_id, target_user_id=user.id)
    work.commit()
    return {"enabled": True, "backup_codes": backup}


def disable_totp(work: Work, current_password: str | None) -> dict[str, Any]:
    user, _unused = _me(work)
    if not user.totp_secret:
        raise Conflict(NO_TOTP)
    confirm_current_password(work, user, current_password)
    user.totp_secret = user.totp_last_counter = None
    work.session.execute(delete(BackupCode).where(BackupCode.user_id == user.id))
    work.audit("totp_disabled", account_id=user.account_id, target_user_id=user.id)
    work.commit()
    return get_me(work)


def _new_backup_codes(work: Work, user: User) -> list[str]:
    work.session.execute(delete(BackupCode).where(BackupCode.user_id == user.id))
    fresh = codes.new_backup_codes()
    for code in fresh:
        work.session.add(BackupCode(user_id=user.id, code_hash=codes.secret_hash(code)))
    return fresh


def regenerate_backup_codes(work: Work, current_password: str | None) -> dict[str, Any]:
    user, _unused = _me(work)
    if not user.totp_secret:
        raise Conflict(NO_TOTP)
    confirm_current_password(work, user, current_password)
    fresh = _new_backup_codes(work, user)
    work.audit("backup_codes_generated", account_id=user.account_id, target_user_id=user.id)
    work.commit()
    return {"backup_codes": fresh}
