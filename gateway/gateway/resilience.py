"""Failing in parts: a circuit breaker and a bulkhead per service, in front of the gateway's RPC client.

One gunicorn worker process serves requests on a few threads (gunicorn.conf.py ``threads``). Without these, calls
to a service that is down each held a thread for the whole RPC timeout, and a handful of them made the worker
deaf for everything else (issue 15).

**Circuit breaker** (:class:`CircuitBreaker`, one per service, shared by the threads of the worker):

- *closed*: calls go out. A timeout or a missing consumer (nobody consumes the service's queue: the mandatory
  publish comes back unroutable, ``UnknownService``, or the queue outlived its service and its consumer count is 0,
  gateway.rpc) opens it at once; other failures (the broker connection broke,
  the service raised something unexpected) open it after ``failures`` in a row. Any answer of the service (a wire
  error such as a 404 included) resets the count.
- *open*: calls fail at once with ``Unavailable`` (503 + ``Retry-After``), nothing is published, for ``cooldown``
  seconds.
- *half-open*: after the cool-down one call at a time goes out as a probe (the others still fail fast); its success
  closes the circuit, its failure opens it for another cool-down.

**Bulkhead** (:class:`Bulkhead`, one per service): at most ``limit`` threads of the worker wait on one service at
the same time (a share of the worker's threads, at least one). A call over the cap fails at once with
``Unavailable`` (503) instead of waiting: a slow service holds its share of threads and no more, so the other
services' areas, the web app and ``/healthz`` keep their threads.

The gauge ``gateway_circuit_open{service}`` (gateway.metrics) is 1 while a service's circuit is not closed. Settings
(gateway.settings): ``GATEWAY_BREAKER_FAILURES``, ``GATEWAY_BREAKER_COOLDOWN``, ``GATEWAY_BULKHEAD_SHARE``,
``GATEWAY_THREADS``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Callable

from .metrics import CIRCUIT_OPEN

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"

#: outcomes of one call, as gateway.rpc reports them (gateway.metrics uses the same names)
OK, TIMEOUT, NO_CONSUMER, ERROR = "ok", "timeout", "no_consumer", "error"
#: outcomes that open the circuit at once
OPEN_AT_ONCE = (TIMEOUT, NO_CONSUMER)


class CircuitBreaker:
    def __init__(self, service: str, failures: int = 5, cooldown: float = 2.0,
                 clock: Callable[[], float] = time.monotonic):
        self.service = service
        self.failures = max(1, failures)
        self.cooldown = cooldown
        self.clock = clock
        self.state = CLOSED
        self.consecutive = 0
        self.opened_at = 0.0
        self.probing = False
        self._lock = threading.Lock()
        CIRCUIT_OPEN.labels(service).set(0)

    def allow(self) -> bool:
        """May a call go out now? (While half-open, True for one probe at a time.)"""
        with self._lock:
            if self.state == CLOSED:
                return True
            if self.state == OPEN:
                if self.clock() - self.opened_at < self.cooldown:
                    return False
                self.state = HALF_OPEN
                self.probing = False
            if self.probing:
                return False
            self.probing = True
            return True

    def retry_after(self) -> int:
        """Seconds until the next probe may go out (at least 1, for ``Retry-After``)."""
        with self._lock:
            left = self.cooldown - (self.clock() - self.opened_at) if self.state == OPEN else self.cooldown
        return max(1, math.ceil(left))

    def record(self, outcome: str) -> None:
        """The outcome of a call that ``allow`` let out."""
        with self._lock:
            was = self.state
            if outcome == OK:
                self.consecutive = 0
                self.probing = False
                self.state = CLOSED
            else:
                self.consecutive += 1
                self.probing = False
                if (was == HALF_OPEN or outcome in OPEN_AT_ONCE or self.consecutive >= self.failures):
                    self.state = OPEN
                    self.opened_at = self.clock()
            now = self.state
        if now != was:
            CIRCUIT_OPEN.labels(self.service).set(0 if now == CLOSED else 1)
            if now == CLOSED:
                log.warning("circuit for %s closed: it answers again", self.service)
            elif was == CLOSED:
                log.error("circuit for %s open after %s: calls fail fast for %.1f s", self.service, outcome,
                          self.cooldown)

    def release_probe(self) -> None:
        """A call ``allow`` let out was not sent after all (e.g. the bulkhead was full): another may probe."""
        with self._lock:
            self.probing = False


class Bulkhead:
    def __init__(self, service: str, limit: int):
        self.service = service
        self.limit = max(1, limit)
        self._slots = threading.BoundedSemaphore(self.limit)

    def try_enter(self) -> bool:
        """Take a slot without waiting; False when ``limit`` calls to the service are under way."""
        return self._slots.acquire(blocking=False)

    def leave(self) -> None:
        self._slots.release()


def bulkhead_limit(threads: int, share: float) -> int:
    """A service's cap: ``share`` of the worker's ``threads``, at least 1 (and at most all of them)."""
    return max(1, min(threads, int(threads * share)))


class Guards:
    """The breakers and bulkheads of one RPC client (one per gunicorn worker), created on first use per service."""

    def __init__(self, failures: int = 5, cooldown: float = 2.0, threads: int = 8, share: float = 0.75):
        self.failures, self.cooldown = failures, cooldown
        self.limit = bulkhead_limit(threads, share)
        self._breakers: dict[str, CircuitBreaker] = {}
        self._bulkheads: dict[str, Bulkhead] = {}
        self._lock = threading.Lock()

    def breaker(self, service: str) -> CircuitBreaker:
        found = self._breakers.get(service)
        if found is None:
            with self._lock:
                found = self._breakers.get(service)
                if found is None:
                    found = self._breakers[service] = CircuitBreaker(service, self.failures, self.cooldown)
        return found

    def bulkhead(self, service: str) -> Bulkhead:
        found = self._bulkheads.get(service)
        if found is None:
            with self._lock:
                found = self._bulkheads.get(service)
                if found is None:
                    found = self._bulkheads[service] = Bulkhead(service, self.limit)
        return found
