"""What an SMTP answer means for a recipient, and when to try again.

4xx (and a relay that is down or drops the connection) defers with back-off, for at most 72 hours after the first
attempt; 5xx fails the recipient at once and keeps the reason. Time is passed in, never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_BACKOFF = (60, 300, 900, 1800, 3600, 7200, 14400)   # seconds; the last repeats
MAX_RETRY_WINDOW = timedelta(hours=72)

SENT, DEFER, FAIL, IN_DOUBT = "sent", "defer", "fail", "in_doubt"


@dataclass(frozen=True)
class Outcome:
    kind: str              # sent | defer | fail | in_doubt
    code: int | None
    reply: str
    hard: bool = False     # for fail: the address itself is bad (5.1.x), not a policy or content problem


def classify(code: int | None, reply: str) -> Outcome:
    if code is not None and 200 <= code < 300:
        return Outcome(SENT, code, reply)
    if code is not None and 500 <= code < 600:
        return Outcome(FAIL, code, reply, hard=is_hard(code, reply))
    return Outcome(DEFER, code, reply)


def is_hard(code: int, reply: str) -> bool:
    """Hard = the address does not exist / is disabled; policy, spam or size rejections are not the address's fault."""
    text = (reply or "").lower()
    if "5.1." in text or code in (550, 551, 553) and any(
            w in text for w in ("unknown", "no such", "does not exist", "not exist", "invalid", "disabled",
                                "unbekannt", "existiert nicht", "inactive", "user not found", "rejected: recipient")):
        return True
    if "5.2.1" in text:  # mailbox disabled
        return True
    return False


def next_attempt(attempts: int, first_attempt_at: datetime, now: datetime,
                 backoff: tuple[int, ...] = DEFAULT_BACKOFF, window: timedelta = MAX_RETRY_WINDOW) -> datetime | None:
    """When to try again after ``attempts`` failed tries; None once the retry window is over."""
    delay = backoff[min(max(attempts - 1, 0), len(backoff) - 1)]
    when = now + timedelta(seconds=delay)
    if when - first_attempt_at > window:
        if now - first_attempt_at >= window:
            return None
        return first_attempt_at + window  # one last try at the end of the window
    return when
