"""Tokens, mailed codes, TOTP and backup codes: generation and the rules for using them.

Every rule takes ``now``: tests move time instead of sleeping.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp

CODE_TTL = timedelta(minutes=10)         # a mailed login code
CHALLENGE_TTL = timedelta(minutes=30)    # the whole second-factor step
MAX_ATTEMPTS = 5                         # wrong codes per challenge (resending does not reset it)
RESEND_INTERVAL = timedelta(seconds=60)  # at most one code per minute ...
MAX_SENDS = 5                            # ... and five per challenge
RESET_TTL = timedelta(minutes=15)        # forgot-password one-time password
FIRST_LOGIN_TTL = timedelta(days=7)      # the one-time password in the welcome mail
BACKUP_CODES = 10
TOTP_ISSUER = "Pressroom"

# Wrong second-factor codes per user, across challenges and logins. A correct password starts a new challenge but
# leaves this count alone (else knowing the password would give five fresh guesses per login); a correct code
# resets it, and so does a day without a wrong code.
SF_FREE = 5                              # wrong codes that cost nothing (one challenge's worth)
SF_BACKOFF = timedelta(seconds=15)       # then each try waits 15 s, 30 s, 60 s, 120 s, 240 s after the last one
SF_LOCK_AFTER = 10                       # the tenth wrong code locks the second factor (the user is told by mail)
SF_LOCK = timedelta(hours=1)             # for an hour; each further wrong code within the day locks it again
SF_WINDOW = timedelta(hours=24)          # the count starts again after a day without a wrong code


def new_token() -> str:
    """An opaque session or challenge token: 256 random bits."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def secret_hash(value: str) -> bytes:
    """Hash of a high-entropy one-time secret (one-time password, backup code): normalised, SHA-256."""
    return hashlib.sha256(value.strip().replace(" ", "").lower().encode()).digest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(challenge_id: str, code: str) -> bytes:
    return hmac.new(str(challenge_id).encode(), code.strip().encode(), hashlib.sha256).digest()


def same(a: bytes | None, b: bytes) -> bool:
    return a is not None and hmac.compare_digest(a, b)


@dataclass(frozen=True)
class ChallengeState:
    attempts: int
    code_expires_at: datetime
    expires_at: datetime
    used: bool


# outcomes of a code attempt
OK, WRONG, EXPIRED, EXHAUSTED, USED = "ok", "wrong", "expired", "exhausted", "used"


def precheck(state: ChallengeState, now: datetime) -> str | None:
    """Why no code can be accepted for this challenge any more (before looking at the code), or None."""
    if state.used:
        return USED
    if now >= state.expires_at:
        return EXPIRED
    if state.attempts >= MAX_ATTEMPTS:
        return EXHAUSTED
    return None


def code_outcome(state: ChallengeState, correct: bool, now: datetime, check_code_expiry: bool = True) -> str:
    """The result of one attempt; a late code is refused even when it is right."""
    blocked = precheck(state, now)
    if blocked:
        return blocked
    if check_code_expiry and now >= state.code_expires_at:
        return EXPIRED
    return OK if correct else WRONG


@dataclass(frozen=True)
class SecondFactorCount:
    failures: int
    failed_at: datetime | None
    locked_until: datetime | None


def second_factor_failures(count: SecondFactorCount, now: datetime) -> int:
    """Wrong codes that still count: none once a day has passed since the last one."""
    if count.failed_at is None or now - count.failed_at >= SF_WINDOW:
        return 0
    return count.failures


def second_factor_wait(count: SecondFactorCount, now: datetime) -> tuple[float, bool]:
    """(seconds before the next code may be tried, whether that is a lockout); (0.0, False) = try now."""
    if count.locked_until is not None and now < count.locked_until:
        return (count.locked_until - now).total_seconds(), True
    n = second_factor_failures(count, now)
    if n < SF_FREE or count.failed_at is None:
        return 0.0, False
    ready = count.failed_at + SF_BACKOFF * 2 ** (n - SF_FREE)
    return max(0.0, (ready - now).total_seconds()), False


def second_factor_failed(count: SecondFactorCount, now: datetime) -> SecondFactorCount:
    """The count after one more wrong code; ``locked_until`` is set when this code starts a lockout."""
    n = second_factor_failures(count, now) + 1
    return SecondFactorCount(n, now, now + SF_LOCK if n >= SF_LOCK_AFTER else None)


def resend_wait(last_sent_at: datetime | None, sends: int, now: datetime) -> float | None:
    """Seconds to wait before another code may be sent; None when no more codes may be sent for this challenge."""
    if sends >= MAX_SENDS:
        return None
    if last_sent_at is None:
        return 0.0
    return max(0.0, (last_sent_at + RESEND_INTERVAL - now).total_seconds())


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_counter(secret: str, code: str, now: datetime, last_counter: int | None) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None.

    A code whose step is not newer than ``last_counter`` was used already: single use, as the issue demands.
    """
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_counter is not None and step <= last_counter:
                return None
            return step
    return None


def new_backup_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(BACKUP_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def looks_like_backup_code(code: str) -> bool:
    cleaned = code.strip().replace(" ", "")
    return len(cleaned) == 11 and cleaned[5] == "-"
