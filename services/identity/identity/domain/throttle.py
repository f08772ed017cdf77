"""Brute-force throttling: growing delays per login name and per client address, and an hourly ceiling.

Failures are counted per key over the last hour. Up to ``free`` failures cost nothing; after that each further
attempt must wait ``base * 2 ** (n - free)`` seconds after the previous failure, capped at ``cap``. The login name's
key also has a hard ceiling: after 100 failures within an hour nothing is tried until the hour has moved on.
Keys do not depend on whether the address exists, so throttling reveals nothing about accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)
HOURLY_LIMIT = 100          # failed attempts per account (login name) per hour
ATTACK_THRESHOLD = 10       # failures within the hour after which the user is told by mail (once per hour)


@dataclass(frozen=True)
class Rule:
    free: int
    base: float
    cap: float
    limit: int | None = None


EMAIL_RULE = Rule(free=5, base=1.0, cap=30.0, limit=HOURLY_LIMIT)
IP_RULE = Rule(free=20, base=1.0, cap=60.0)


def email_key(email: str) -> str:
    return f"email:{email.strip().lower()}"


def ip_key(ip: str | None) -> str | None:
    return f"ip:{ip}" if ip else None


def delay_after(failures: int, rule: Rule) -> float:
    if failures < rule.free:
        return 0.0
    factor: float = 2 ** (failures - rule.free)  # failures >= rule.free here: an int
    return min(rule.cap, rule.base * factor)


def wait_seconds(failure_times: list[datetime], rule: Rule, now: datetime) -> float:
    """Seconds until the next attempt is allowed (0 = now). ``failure_times``: this key's failures, any order."""
    recent = sorted(t for t in failure_times if t > now - WINDOW)
    if not recent:
        return 0.0
    if rule.limit is not None and len(recent) >= rule.limit:
        # the oldest failure that keeps the count at the limit must leave the window
        return max(0.0, (recent[len(recent) - rule.limit] + WINDOW - now).total_seconds())
    return max(0.0, (recent[-1] + timedelta(seconds=delay_after(len(recent), rule)) - now).total_seconds())
