"""Password hashing (argon2id, OWASP parameters) and the per-account password policy."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from svckit.i18n import Text

from ..i18n import _, ngettext

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB of memory, 2 iterations, parallelism 1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
HISTORY = 5                     # no reuse of the current password or the last 5
DEFAULT_MIN_LENGTH = 10
ABSOLUTE_MIN_LENGTH = 8
DEFAULT_MAX_LENGTH = 128
ABSOLUTE_MAX_LENGTH = 1024      # beyond this nobody hashes anything (denial of service guard)
MIN_MAX_LENGTH = 64
# a hash of a random password: verifying against it costs what a real check costs (no timing hint for unknown users)
DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(24))


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing or broken hash costs the same time and is False."""
    try:
        return HASHER.verify(password_hash or DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("identity").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


_TRAILING = re.compile(r"[\d\W_]+$")
_LEADING = re.compile(r"^[\d\W_]+")


def is_common(password: str) -> bool:
    """In the bundled list, also when only decorated with digits or symbols ("Passwort2024!", "!!sommer")."""
    words = common_passwords()
    lowered = password.lower()
    if lowered in words:
        return True
    core = _LEADING.sub("", _TRAILING.sub("", lowered))
    return len(core) >= 6 and core in words


@dataclass(frozen=True)
class Policy:
    min_length: int = DEFAULT_MIN_LENGTH
    max_length: int = DEFAULT_MAX_LENGTH
    max_age_days: int | None = None   # off by default (NIST/OWASP advise against forced rotation)


def too_short(n: int) -> Text:
    return ngettext("The password must be at least {n} character long.",
                    "The password must be at least {n} characters long.", n).format(n=n)


def too_long(n: int) -> Text:
    return ngettext("The password must be at most {n} character long.",
                    "The password must be at most {n} characters long.", n).format(n=n)


COMMON = _("This password is too common or has appeared in data breaches. Please choose another one.")
PERSONAL = _("The password must not contain your e-mail address or your name.")
REUSED = _("You have used this password recently. Please choose a new one.")
ONE_KIND = _("The password must not be a single repeated character.")


def policy_problem(password: str, policy: Policy, email: str = "", names: tuple[str, ...] = ()) -> Text | None:
    """The first reason ``password`` is not acceptable, or None. (History is checked by the caller: it needs hashes.)"""
    if len(password) < policy.min_length:
        return too_short(policy.min_length)
    if len(password) > policy.max_length:
        return too_long(policy.max_length)
    if len(set(password)) == 1:
        return ONE_KIND
    if is_common(password):
        return COMMON
    lowered = password.lower()
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (email and email.lower() in lowered):
        return PERSONAL
    for name in names:
        if name and len(name) >= 4 and name.lower() in lowered:
            return PERSONAL
    return None


def expired(changed_at: datetime | None, max_age_days: int | None, now: datetime) -> bool:
    """With a change interval set, a password older than it must be changed at the next login."""
    if not max_age_days or changed_at is None:
        return False
    return now >= changed_at + timedelta(days=max_age_days)


_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_one_time_password() -> str:
    """Three groups of four from an alphabet without look-alikes: about 70 bits, easy to type from a mail."""
    chars = "".join(secrets.choice(_OTP_ALPHABET) for _unused in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"
