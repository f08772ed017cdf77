"""Session lifetime rules: idle timeout, absolute lifetime, how long the gateway may cache a principal."""

from __future__ import annotations

from datetime import datetime, timedelta

TOUCH_EVERY = timedelta(seconds=60)   # last_seen_at is written at most once a minute per session
DEFAULT_IDLE_MINUTES = 30
DEFAULT_LIFETIME_HOURS = 12

REVOKED, IDLE, EXPIRED = "revoked", "idle", "expired"


def end_reason(revoked_at: datetime | None, last_seen_at: datetime, expires_at: datetime, idle_minutes: int,
               now: datetime) -> str | None:
    """Why the session no longer works, or None when it does."""
    if revoked_at is not None:
        return REVOKED
    if now >= expires_at:
        return EXPIRED
    if now >= last_seen_at + timedelta(minutes=idle_minutes):
        return IDLE
    return None


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_EVERY


def expires_at(now: datetime, lifetime_hours: int) -> datetime:
    return now + timedelta(hours=lifetime_hours)


def cache_seconds(expires_at_: datetime, idle_minutes: int, now: datetime,
                  ceiling: float) -> int:
    """How long a gateway may reuse this answer without asking again: never past the session's end.

    The request being answered counts as activity, so the idle deadline is ``now + idle``; a cached answer is at
    most ``ceiling`` seconds old, so the activity identity records lags at most that much.
    """
    left = min((expires_at_ - now).total_seconds(), idle_minutes * 60.0, ceiling)
    return max(0, int(left))
