"""Deadlines: work whose caller gave up ends.

Every RPC call carries the moment its caller stops waiting, as an absolute Unix time (seconds, a float) under
``DEADLINE_KEY`` in the nameko context data. The gateway sets it from the call's timeout (gateway.rpc); a service
calling another (svckit.rpc.ServiceRpc) passes on what is left of its own, never more (its own timeout only
shortens it). The service receiving the call:

- refuses a call whose deadline already passed, without running it (svckit.entrypoints: the reply is
  ``Unavailable`` with ``reason="deadline"``; nobody reads it, but nothing was done for a caller that is gone);
- runs every database transaction of the worker with ``SET LOCAL statement_timeout`` from the time left
  (svckit.db.Database), so PostgreSQL cancels a query the caller no longer waits for, instead of running it for
  minutes; the cancelled query ends the worker with ``Unavailable(reason="deadline")``, logged at warning.

Only RPC workers have a deadline. Event handlers, timers and job runners get none even though an event emitted by an
RPC worker carries that worker's context data (svckit.outbox): the event is handled later, on purpose. Their own
calls to other services get a deadline from ServiceRpc's timeout.

Deadlines are wall-clock times compared across hosts: the hosts' clocks must be synchronised (NTP; a few
milliseconds of skew do not matter next to timeouts of seconds).
"""

from __future__ import annotations

import time
from typing import Any

from nameko.rpc import Rpc

from .errors import Unavailable

DEADLINE_KEY = "deadline"

#: a transaction never gets a statement_timeout below this (PostgreSQL reads 0 as "no limit")
MIN_STATEMENT_MS = 1


def deadline_in(seconds: float, now: float | None = None) -> float:
    """The absolute deadline of a call that may take ``seconds`` from now."""
    return (time.time() if now is None else now) + seconds


def of(data: dict | None) -> float | None:
    """The deadline in context ``data`` (None when there is none or it is malformed)."""
    value = (data or {}).get(DEADLINE_KEY)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def is_rpc(worker_ctx: Any) -> bool:
    return isinstance(getattr(worker_ctx, "entrypoint", None), Rpc)


def worker_deadline(worker_ctx: Any) -> float | None:
    """The deadline the worker runs under: its caller's, for an RPC worker; None for everything else (see the
    module doc)."""
    if worker_ctx is None or not is_rpc(worker_ctx):
        return None
    return of(worker_ctx.data)


def remaining(deadline: float | None, now: float | None = None) -> float | None:
    """Seconds left until ``deadline`` (negative once it passed); None without a deadline."""
    if deadline is None:
        return None
    return deadline - (time.time() if now is None else now)


def expired(service: str | None = None) -> Unavailable:
    """The answer to work whose deadline passed (Unavailable's own text: the caller is gone anyway)."""
    return Unavailable(service=service, reason="deadline")


def statement_timeout_ms(deadline: float | None, cap_seconds: float | None = None,
                         now: float | None = None) -> int | None:
    """The ``statement_timeout`` for a transaction starting now: the time left, at most ``cap_seconds``; None when
    there is neither a deadline nor a cap. Raises ``Unavailable(reason="deadline")`` when the deadline passed."""
    left = remaining(deadline, now)
    if left is not None and left <= 0:
        raise expired()
    limits = [x for x in (left, cap_seconds) if x is not None]
    if not limits:
        return None
    return max(MIN_STATEMENT_MS, int(min(limits) * 1000))


def is_query_cancelled(exc: BaseException | None) -> bool:
    """PostgreSQL cancelled a statement (statement_timeout), as psycopg or wrapped by SQLAlchemy."""
    import psycopg.errors

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, psycopg.errors.QueryCanceled):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__
        seen += 1
    return False
