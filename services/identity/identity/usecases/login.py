"""Login: password (argon2id) -> second factor (mailed code, TOTP or backup code) -> session; brute-force throttling."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta
from typing import Any

from eventlet import tpool
from sqlalchemy import delete, func, select

from svckit.db import autocommit
from svckit.errors import Forbidden, InvalidInput, TooManyRequests, Unauthenticated
from svckit.i18n import Text
from svckit.metrics import LOGIN_FAILURES, LOGIN_THROTTLED

from .. import mails
from ..db import queries
from ..db.models import Account, BackupCode, LoginChallenge, LoginFailure, OneTimePassword, User
from ..domain import codes, passwords, throttle
from ..i18n import _, ngettext
from ..work import Work
from .common import iso, two_factor_method
from .sessions import open_session

WRONG_CREDENTIALS = _("E-mail address or password is wrong.")
DEACTIVATED = _("Your access is deactivated. Please contact your administrator.")
CHALLENGE_ENDED = _("This login step has expired or is already done. Please log in again.")
TOO_MANY_CODES = _("Too many wrong codes. Please log in again.")
LATE_CODE = _("The code has expired. Please request a new one.")
NOT_BY_MAIL = _("This login does not use mailed codes.")
NO_MORE_CODES = _("Too many codes have been sent. Please log in again.")


def throttled(seconds: int) -> Text:
    return ngettext("Too many failed login attempts. Please wait {seconds} second.",
                    "Too many failed login attempts. Please wait {seconds} seconds.", seconds).format(seconds=seconds)


def wrong_code(left: int) -> Text:
    return ngettext("The code is wrong. {left} attempt left.", "The code is wrong. {left} attempts left.",
                    left).format(left=left)


def resend_wait(seconds: int) -> Text:
    return ngettext("Please wait {seconds} second before requesting a new code.",
                    "Please wait {seconds} seconds before requesting a new code.", seconds).format(seconds=seconds)


def code_wait(seconds: int) -> Text:
    return ngettext("Too many wrong codes. Please wait {seconds} second before the next try.",
                    "Too many wrong codes. Please wait {seconds} seconds before the next try.",
                    seconds).format(seconds=seconds)


def second_factor_locked(minutes: int) -> Text:
    return ngettext("After too many wrong codes, two-factor login is locked for {minutes} minute. We have sent you "
                    "an e-mail.",
                    "After too many wrong codes, two-factor login is locked for {minutes} minutes. We have sent you "
                    "an e-mail.", minutes).format(minutes=minutes)


def hash_password(password: str) -> str:
    """argon2 in a real thread: it releases the GIL, so the service's other workers keep running meanwhile."""
    return tpool.execute(passwords.hash_password, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    return tpool.execute(passwords.verify_password, password_hash, password)


# --- throttling -----------------------------------------------------------------------------------------------------

def _failures(work: Work, keys: list[str]) -> dict[str, list]:
    rows = work.session.execute(select(LoginFailure.key, LoginFailure.at)
                           .where(LoginFailure.key.in_(keys), LoginFailure.at > work.now - throttle.WINDOW)).all()
    out: dict[str, list] = {k: [] for k in keys}
    for key, at in rows:
        out[key].append(at)
    return out


def throttle_wait(work: Work, email: str) -> float:
    ekey, ikey = throttle.email_key(email), throttle.ip_key(work.ip)
    found = _failures(work, [k for k in (ekey, ikey) if k])
    wait = throttle.wait_seconds(found[ekey], throttle.EMAIL_RULE, work.now)
    if ikey:
        wait = max(wait, throttle.wait_seconds(found[ikey], throttle.IP_RULE, work.now))
    return wait


def check_throttle(work: Work, email: str, user: User | None) -> None:
    wait = throttle_wait(work, email)
    if wait > 0:
        refuse_throttled(work, user, wait)


def refuse_throttled(work: Work, user: User | None, wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    LOGIN_THROTTLED.inc()
    if user is not None:
        work.audit("login_throttled", account_id=user.account_id, target_user_id=user.id, actor_email=user.email,
                   retry_after=seconds)
        work.commit()
    raise TooManyRequests(throttled(seconds), retry_after=seconds)


def record_failure(work: Work, email: str, user: User | None, reason: str) -> None:
    """Count the failure for the login name and the address.

    Tell the user (once an hour) when it looks like an attack.
    """
    LOGIN_FAILURES.labels(reason if user is not None else "unknown_user").inc()
    ekey, ikey = throttle.email_key(email), throttle.ip_key(work.ip)
    for key in (ekey, ikey):
        if key:
            work.session.add(LoginFailure(key=key, at=work.now))
    work.session.execute(delete(LoginFailure).where(LoginFailure.key.in_([k for k in (ekey, ikey) if k]),
                                               LoginFailure.at < work.now - throttle.WINDOW))
    if user is None:
        work.audit("login_failed", actor_email=email[:254], reason=reason, known=False)
        return
    work.audit("login_failed", account_id=user.account_id, target_user_id=user.id, actor_email=user.email,
               reason=reason)
    work.session.flush()
    count = work.session.execute(select(func.count()).select_from(LoginFailure)
                            .where(LoginFailure.key == ekey, LoginFailure.at > work.now - throttle.WINDOW)).scalar_one()
    if count >= throttle.ATTACK_THRESHOLD and (
            user.attack_notified_at is None or user.attack_notified_at <= work.now - throttle.WINDOW):
        user.attack_notified_at = work.now
        work.mail(mails.attack(user, count))
        work.audit("login_attack_suspected", account_id=user.account_id, target_user_id=user.id,
                   actor_email=user.email, failures=count)


# --- password step --------------------------------------------------------------------------------------------------

def _matching_one_time_password(work: Work, user: User, secret: str) -> OneTimePassword | None:
    wanted = codes.secret_hash(secret)
    for otp in work.session.execute(select(OneTimePassword).where(
            OneTimePassword.user_id == user.id, OneTimePassword.used_at.is_(None),
            OneTimePassword.expires_at > work.now).with_for_update()).scalars():
        if codes.same(otp.secret_hash, wanted):
            return otp
    return None


def login(work: Work, email: str, password: str, kind: str = "user") -> dict[str, Any]:
    """The common case (right password, no second factor) is two statements outside a transaction: the lookup and
    the one statement that records the session (atomic on its own). Every other outcome first ends that unit and
    writes in one ordinary transaction."""
    email = email.strip().lower()
    ekey, ikey = throttle.email_key(email), throttle.ip_key(work.ip)
    autocommit(work.session)
    user, account, failures = queries.login_lookup(work.session, email, kind, [k for k in (ekey, ikey) if k],
                                                   work.now - throttle.WINDOW)
    wait = throttle.wait_seconds(failures[ekey], throttle.EMAIL_RULE, work.now)
    if ikey:
        wait = max(wait, throttle.wait_seconds(failures[ikey], throttle.IP_RULE, work.now))
    if wait > 0:
        work.session.commit()
        refuse_throttled(work, user, wait)
    ok = verify_password(user.password_hash if user else None, password)
    method = two_factor_method(user, account) if user is not None else None
    if ok and user.active and method is None and not passwords.needs_rehash(user.password_hash):
        result = open_session(work, user, account, False, "password", clear_failures=bool(failures[ekey]))
        work.commit()
        return result
    work.session.commit()  # leaves autocommit: what follows is one transaction
    one_time = None
    if not ok and user is not None:
        one_time = _matching_one_time_password(work, user, password)
        ok = one_time is not None
    if not ok:
        record_failure(work, email, user, "wrong_password")
        work.commit()
        raise Unauthenticated(WRONG_CREDENTIALS)
    if not user.active:
        work.audit("login_refused", account_id=user.account_id, target_user_id=user.id, actor_email=user.email,
                   reason="deactivated")
        work.commit()
        raise Forbidden(DEACTIVATED)
    if method is not None and not (one_time is not None and method == "email"):
        wait, locked = codes.second_factor_wait(second_factor_count(user), work.now)
        if locked:  # no challenge (and no code mailed) while the second factor is locked
            work.audit("login_refused", account_id=user.account_id, target_user_id=user.id,
                       actor_email=user.email, reason="second_factor_locked")
            work.commit()
            raise_locked(wait)
    if one_time is not None:
        one_time.used_at = work.now
    elif passwords.needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    must_change = one_time is not None
    if one_time is not None and method == "email":
        method = None  # the one-time password came by mail: the mailbox is already proven
    if method is None:
        result = open_session(work, user, account, must_change, "one_time_password" if one_time else "password",
                              clear_failures=bool(failures[ekey]))
    else:
        if failures[ekey]:
            work.session.execute(delete(LoginFailure).where(LoginFailure.key == ekey))
        result = start_challenge(work, user, method, must_change)
    work.commit()
    return result


def start_challenge(work: Work, user: User, method: str, password_change_required: bool) -> dict[str, Any]:
    token = codes.new_token()
    challenge = LoginChallenge(id=uuid.uuid4(), token_hash=codes.token_hash(token), user_id=user.id, method=method,
                               attempts=0, sends=0, created_at=work.now, code_expires_at=work.now + codes.CODE_TTL,
                               expires_at=work.now + codes.CHALLENGE_TTL,
                               password_change_required=password_change_required, ip=work.ip,
                               user_agent=work.user_agent)
    work.session.add(challenge)
    if method == "email":
        _send_code(work, challenge, user)
    return {"status": "second_factor_required", "challenge": token, "method": method,
            "expires_at": iso(challenge.expires_at)}


def _send_code(work: Work, challenge: LoginChallenge, user: User) -> None:
    code = codes.new_code()
    challenge.code_hash = codes.code_hash(str(challenge.id), code)
    challenge.code_expires_at = work.now + codes.CODE_TTL
    challenge.sends += 1
    challenge.last_sent_at = work.now
    work.mail(mails.login_code(user, code))
    work.audit("second_factor_sent", account_id=user.account_id, target_user_id=user.id, actor_email=user.email,
               method="email")


def _challenge(work: Work, token: Any) -> LoginChallenge:
    if not isinstance(token, str) or not token or len(token) > 512:
        raise Unauthenticated(CHALLENGE_ENDED)
    challenge = work.session.execute(select(LoginChallenge).where(LoginChallenge.token_hash == codes.token_hash(token))
                                .with_for_update()).scalar_one_or_none()
    if challenge is None:
        raise Unauthenticated(CHALLENGE_ENDED)
    return challenge


def second_factor_count(user: User) -> codes.SecondFactorCount:
    return codes.SecondFactorCount(user.second_factor_failures or 0, user.second_factor_failed_at,
                                   user.second_factor_locked_until)


def raise_locked(wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    raise TooManyRequests(second_factor_locked(max(1, math.ceil(seconds / 60))),
                          retry_after=seconds, reason="second_factor_locked")


def _wrong_second_factor(work: Work, user: User) -> bool:
    """Count a wrong code for the user (not only the challenge); True when this one locks the second factor, which
    the user is told by mail."""
    count = codes.second_factor_failed(second_factor_count(user), work.now)
    user.second_factor_failures, user.second_factor_failed_at = count.failures, count.failed_at
    if count.locked_until is None:
        return False
    user.second_factor_locked_until = count.locked_until
    minutes = math.ceil(codes.SF_LOCK.total_seconds() / 60)
    work.mail(mails.second_factor_locked(user, count.failures, minutes))
    work.audit("second_factor_locked", account_id=user.account_id, target_user_id=user.id, actor_email=user.email,
               failures=count.failures, until=iso(count.locked_until))
    return True


def _state(ch: LoginChallenge) -> codes.ChallengeState:
    return codes.ChallengeState(ch.attempts, ch.code_expires_at, ch.expires_at, ch.used_at is not None)


def _refuse(blocked: str) -> None:
    if blocked == codes.EXHAUSTED:
        raise TooManyRequests(TOO_MANY_CODES)
    raise Unauthenticated(CHALLENGE_ENDED)


def _use_backup_code(work: Work, user: User, code: str) -> bool:
    wanted = codes.secret_hash(code)
    for row in work.session.execute(
            select(BackupCode).where(BackupCode.user_id == user.id, BackupCode.used_at.is_(None))
            .with_for_update()).scalars():
        if codes.same(row.code_hash, wanted):
            row.used_at = work.now
            work.audit("backup_code_used", account_id=user.account_id, target_user_id=user.id, actor_email=user.email)
            return True
    return False


def verify_second_factor(work: Work, token: Any, code: str) -> dict[str, Any]:
    challenge = _challenge(work, token)
    blocked = codes.precheck(_state(challenge), work.now)
    if blocked:
        _refuse(blocked)
    # the user's row is locked: parallel guesses on several challenges queue up behind each other's count
    user = work.session.get_one(User, challenge.user_id, with_for_update=True)   # a challenge's user exists (FK)
    account = work.session.get(Account, user.account_id) if user.account_id else None
    if not user.active:
        raise Forbidden(DEACTIVATED)
    wait, locked = codes.second_factor_wait(second_factor_count(user), work.now)
    if locked:
        raise_locked(wait)
    if wait > 0:  # the backoff after too many wrong codes: nothing is tried (nor counted) meanwhile
        seconds = max(1, math.ceil(wait))
        raise TooManyRequests(code_wait(seconds), retry_after=seconds)
    counter = None
    used = "email"
    if codes.looks_like_backup_code(code):
        correct = _use_backup_code(work, user, code)
        outcome = codes.code_outcome(_state(challenge), correct, work.now, check_code_expiry=False)
        used = "backup_code"
    elif challenge.method == "totp":
        counter = codes.totp_counter(user.totp_secret or "", code, work.now, user.totp_last_counter)
        outcome = codes.code_outcome(_state(challenge), counter is not None, work.now, check_code_expiry=False)
        used = "totp"
    else:
        correct = codes.same(challenge.code_hash, codes.code_hash(str(challenge.id), code))
        outcome = codes.code_outcome(_state(challenge), correct, work.now)
    if outcome != codes.OK:
        locks = False
        if outcome in (codes.WRONG, codes.EXPIRED):
            challenge.attempts += 1
            record_failure(work, user.email, user, f"second_factor_{outcome}")
        work.audit("second_factor_failed", account_id=user.account_id, target_user_id=user.id,
                   actor_email=user.email, reason=outcome, attempts=challenge.attempts)
        if outcome == codes.WRONG:  # a guess that could have been right
            locks = _wrong_second_factor(work, user)
        work.commit()
        if locks:
            raise_locked(codes.SF_LOCK.total_seconds())
        if outcome == codes.WRONG:
            left = min(codes.MAX_ATTEMPTS - challenge.attempts, codes.SF_LOCK_AFTER - user.second_factor_failures)
            if codes.MAX_ATTEMPTS - challenge.attempts <= 0:
                raise TooManyRequests(TOO_MANY_CODES)
            raise InvalidInput(wrong_code(left), fields={"code": wrong_code(left)},
                               attempts_left=left)
        if outcome == codes.EXPIRED:
            raise InvalidInput(LATE_CODE, fields={"code": LATE_CODE})
        _refuse(outcome)
    challenge.used_at = work.now
    if user.second_factor_failures or user.second_factor_locked_until is not None:  # a correct code resets the count
        user.second_factor_failures, user.second_factor_failed_at, user.second_factor_locked_until = 0, None, None
    if counter is not None:
        user.totp_last_counter = counter
    result = open_session(work, user, account, challenge.password_change_required, used)
    work.commit()
    return result


def resend_code(work: Work, token: Any) -> dict[str, Any]:
    challenge = _challenge(work, token)
    blocked = codes.precheck(_state(challenge), work.now)
    if blocked:
        _refuse(blocked)
    if challenge.method != "email":
        raise InvalidInput(NOT_BY_MAIL, fields={"challenge": NOT_BY_MAIL})
    user = work.session.get_one(User, challenge.user_id)   # a challenge's user exists (FK)
    wait, locked = codes.second_factor_wait(second_factor_count(user), work.now)
    if locked:
        raise_locked(wait)
    resend = codes.resend_wait(challenge.last_sent_at, challenge.sends, work.now)
    if resend is None:
        raise TooManyRequests(NO_MORE_CODES)
    if resend > 0:
        seconds = max(1, math.ceil(resend))
        raise TooManyRequests(resend_wait(seconds), retry_after=seconds)
    _send_code(work, challenge, user)
    work.commit()
    return {"sent": True, "sends_left": codes.MAX_SENDS - challenge.sends,
            "code_expires_at": iso(challenge.code_expires_at)}


def purge_stale(work: Work) -> None:
    """Housekeeping (from a timer): forget challenges and failures nobody can use any more."""
    work.session.execute(delete(LoginChallenge).where(LoginChallenge.expires_at < work.now - timedelta(days=1)))
    work.session.execute(delete(LoginFailure).where(LoginFailure.at < work.now - throttle.WINDOW))
