"""The one clock of every service: ``now()`` (timezone-aware UTC) and ``today()``, settable in tests.

Entrypoints read the injected :class:`Clock` once and pass ``now``/``today`` to the use cases; every rule takes the
time as an argument. Code that runs outside a worker (seeds, CLIs, job runners, event payload helpers) calls
:func:`utcnow`, the single place that reads the system time.

Test hooks: ``clock.advance(minutes=11)`` shifts ``now()`` and ``today()`` instead of sleeping (identity's time
rules); ``clock.fixed = date(...)`` pins ``today()`` (billing's calendar rules), and so does ``pinned_today``, a
function of the service config giving an ISO date or nothing (billing:
``Clock(pinned_today=lambda config: config.get("BILLING_TODAY"))``, for tests and demos). A pinned day does not move
``now()``. A test finds the provider with :func:`clock_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from nameko.extensions import DependencyProvider


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def utctoday() -> date:
    """Today's date in UTC."""
    return utcnow().date()


class Clock(DependencyProvider):
    """Injects itself: ``self.clock.now()``, ``self.clock.today()``."""

    def __init__(self, pinned_today: Callable[[Mapping[str, Any]], Any] | None = None):
        self.pinned_today = pinned_today
        self.offset = timedelta()
        self.fixed: date | None = None

    def setup(self) -> None:
        if self.pinned_today is not None:
            value = self.pinned_today(self.container.config)
            self.fixed = date.fromisoformat(str(value)) if value else None

    def get_dependency(self, worker_ctx) -> Clock:
        return self

    def advance(self, **delta) -> None:
        """Shift ``now()`` (and an unpinned ``today()``) by ``timedelta(**delta)``; the shifts add up."""
        self.offset += timedelta(**delta)

    def now(self) -> datetime:
        return utcnow() + self.offset

    def today(self) -> date:
        return self.fixed or self.now().date()


def clock_of(container) -> Clock:
    """The :class:`Clock` of a running nameko container (tests)."""
    from .deps import find

    return find(container, Clock)
