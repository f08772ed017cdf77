"""Forgot password (same answer for every address), reset with the mailed one-time password, change password."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from svckit.errors import InvalidInput
from svckit.principal import Principal

from .. import mails
from ..db.models import Account, OneTimePassword, PasswordHistory, User
from ..domain import codes, passwords
from ..i18n import _
from ..work import Work
from .common import policy_of
from .login import check_throttle, hash_password, record_failure, verify_password
from .sessions import current_session, open_session, restrictions, revoke

FORGOT_ANSWER = _("If there is an account for this address, a one-time password is on its way. It is valid "
                  "for 15 minutes.")
WRONG_ONE_TIME = _("The one-time password is wrong, expired or already used.")
WRONG_CURRENT = _("The current password is wrong.")
MISSING_CURRENT = _("Please confirm the change with your current password.")
RESET_PER_HOUR = 5
RESET_REQUESTED = "password_reset_requested"  # identity's own event: forgot_password -> send_reset
RESET_INTERVAL = timedelta(seconds=60)


def set_password(work: Work, user: User, account: Account | None, new_password: str) -> None:
    """Policy, then history (current + last 5), then store; the old hash goes into the history."""
    problem = passwords.policy_problem(new_password, policy_of(account), user.email,
                                       (user.first_name, user.last_name))
    if problem is not None:
        raise InvalidInput(problem, fields={"new_password": problem})
    history = work.session.execute(select(PasswordHistory).where(PasswordHistory.user_id == user.id)
                              .order_by(PasswordHistory.id.desc())).scalars().all()
    for old in [user.password_hash, *[h.password_hash for h in history[:passwords.HISTORY]]]:
        if old and verify_password(old, new_password):
            raise InvalidInput(passwords.REUSED, fields={"new_password": passwords.REUSED})
    if user.password_hash:
        work.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=work.now))
        for stale in history[passwords.HISTORY - 1:]:
            work.session.delete(stale)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = work.now
    user.must_change_password = False


def issue_one_time_password(work: Work, user: User, purpose: str) -> str:
    """A new one-time password replaces any earlier unused one of the same purpose."""
    work.session.execute(update(OneTimePassword).where(OneTimePassword.user_id == user.id,
                                                  OneTimePassword.purpose == purpose,
                                                  OneTimePassword.used_at.is_(None)).values(used_at=work.now))
    secret = passwords.new_one_time_password()
    ttl = codes.RESET_TTL if purpose == "reset" else codes.FIRST_LOGIN_TTL
    work.session.add(OneTimePassword(id=uuid.uuid4(), user_id=user.id, purpose=purpose,
                                secret_hash=codes.secret_hash(secret), created_at=work.now,
                                expires_at=work.now + ttl))
    return secret


def forgot_password(work: Work, email: str) -> dict[str, Any]:
    """The same answer after the same work for every address: the request is queued (one outbox row in one short
    transaction) and answered. Looking the address up, the rate limit, the one-time password and the mail come
    afterwards, in identity's own handler of the event (:func:`send_reset`), so neither the answer nor how long it
    takes tells whether the address has an account."""
    work.emit(RESET_REQUESTED, {"email": email.strip().lower(), "ip": work.ip, "requested_at": work.now.isoformat()})
    work.commit()
    return {"message": FORGOT_ANSWER.to_wire()}


def send_reset(work: Work, email: str) -> bool:
    """After the reply: a one-time password by mail for an active user, at most once a minute and 5 times an hour;
    nothing for an unknown or deactivated address. True when a mail went out."""
    email = email.strip().lower()
    user = work.session.execute(select(User).where(func.lower(User.email) == email).with_for_update()
                           ).scalar_one_or_none()
    if user is None or not user.active:
        return False
    recent = work.session.execute(select(OneTimePassword.created_at).where(
        OneTimePassword.user_id == user.id, OneTimePassword.purpose == "reset",
        OneTimePassword.created_at > work.now - timedelta(hours=1))).scalars().all()
    if any(r > work.now - RESET_INTERVAL for r in recent) or len(recent) >= RESET_PER_HOUR:
        work.commit()
        return False
    secret = issue_one_time_password(work, user, "reset")
    work.mail(mails.reset(user, secret))
    work.audit("password_reset_requested", account_id=user.account_id, target_user_id=user.id,
               actor=Principal.anonymous(user.language), actor_email=user.email)
    work.commit()
    return True


def reset_password(work: Work, email: str, one_time_password: str, new_password: str) -> dict[str, Any]:
    email = email.strip().lower()
    user = work.session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
    check_throttle(work, email, user)
    otp = None
    if user is not None and user.active:
        wanted = codes.secret_hash(one_time_password)
        otp = next((o for o in work.session.execute(select(OneTimePassword).where(
            OneTimePassword.user_id == user.id, OneTimePassword.used_at.is_(None),
            OneTimePassword.expires_at > work.now).with_for_update()).scalars()
            if codes.same(o.secret_hash, wanted)), None)
    if otp is None:
        record_failure(work, email, user, "wrong_one_time_password")
        work.commit()
        raise InvalidInput(WRONG_ONE_TIME, fields={"one_time_password": WRONG_ONE_TIME})
    assert user is not None, "a one-time password is only looked up for an existing user"
    account = work.session.get(Account, user.account_id) if user.account_id else None
    set_password(work, user, account, new_password)
    otp.used_at = work.now
    revoke(work, "password_reset", user_ids=[user.id])
    work.audit("password_reset", account_id=user.account_id, target_user_id=user.id, actor_email=user.email)
    work.mail(mails.password_changed(user))
    work.commit()
    return {"changed": True}


def confirm_current_password(work: Work, user: User, current_password: str | None) -> None:
    """Re-authentication before a change a stolen session must not be able to make (second factor off, new backup
    codes, another e-mail address, a new password): 422 naming ``current_password`` when it is missing or wrong. A
    wrong one counts as a failed login (throttled like one), so a session cannot be used to guess the password."""
    if not current_password:
        raise InvalidInput(MISSING_CURRENT, fields={"current_password": MISSING_CURRENT})
    check_throttle(work, user.email, user)
    if not verify_password(user.password_hash, current_password):
        record_failure(work, user.email, user, "wrong_current_password")
        work.commit()
        raise InvalidInput(WRONG_CURRENT, fields={"current_password": WRONG_CURRENT})


def change_password(work: Work, current_password: str | None, new_password: str) -> dict[str, Any]:
    """Ends every session of the user and returns a fresh one for the caller (the token changes)."""
    session = current_session(work)
    user = work.session.get_one(User, session.user_id)   # a session's user exists (FK)
    account = work.session.get(Account, user.account_id) if user.account_id else None
    forced = bool(restrictions(work, user, account, session.password_change_required))
    if not forced:
        confirm_current_password(work, user, current_password)
    set_password(work, user, account, new_password)
    revoke(work, "password_changed", user_ids=[user.id])
    work.audit("password_changed", account_id=user.account_id, target_user_id=user.id, actor_email=user.email,
               forced=forced)
    result = open_session(work, user, account, False, "password_change")
    work.mail(mails.password_changed(user))
    work.commit()
    return result
