"""The subscription aggregate: state plus the operations the license manager and the job runner perform on it.

Pure: every operation takes the day it happens on and returns what changed; the use cases persist it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from svckit.errors import Conflict

from ..i18n import _
from . import dates
from .catalogue import Catalogue
from .lifecycle import Status, regular_start
from .plan import Plan, PlanEntry, apply_change, plan_at
from .pricing import Line, extension_lines, subscription_lines

ALREADY_CANCELLED = _("The subscription is already cancelled.")
NOT_CANCELLED = _("The subscription is not cancelled.")
ENDED_TEXT = _("The subscription has ended.")
NOT_REVOCABLE = _("A cancellation in the starting phase ends the subscription at once and cannot be "
                  "revoked.")


@dataclass(frozen=True)
class Subscription:
    account_id: str
    start: date
    entries: tuple[PlanEntry, ...]
    cancelled_on: date | None = None
    ends_on: date | None = None
    overrides: dict[str, int] = field(default_factory=dict)
    invoiced_through: date | None = None

    @property
    def status(self) -> Status:
        return Status(self.start, self.cancelled_on, self.ends_on)

    def plan(self, day: date) -> Plan:
        return plan_at(list(self.entries), day)

    def _require_active(self, day: date) -> None:
        if self.ends_on is not None and day > self.ends_on:
            raise Conflict(ENDED_TEXT)

    # --- license manager -------------------------------------------------------------------------------------------
    def cancel(self, day: date) -> Subscription:
        self._require_active(day)
        if self.cancelled_on is not None:
            raise Conflict(ALREADY_CANCELLED)
        from .lifecycle import cancellation_end

        ends_on, _unused = cancellation_end(self.start, day)
        return replace(self, cancelled_on=day, ends_on=ends_on)

    def revoke_cancellation(self, day: date) -> Subscription:
        self._require_active(day)
        if self.cancelled_on is None:
            raise Conflict(NOT_CANCELLED)
        if not self.status.can_revoke(day):
            raise Conflict(NOT_REVOCABLE)
        return replace(self, cancelled_on=None, ends_on=None)

    def change(self, cat: Catalogue, target: Plan, day: date) -> tuple[Subscription, list[Line]]:
        """Extensions now (with a pro-rata invoice for the rest of the invoiced period), reductions on 1 January
        (in the starting phase everything at once, nothing is invoiced yet). Returns the new state and the lines of
        the immediate invoice (empty when nothing is to be invoiced)."""
        self._require_active(day)
        old = self.plan(day)
        starting = self.status.in_starting_phase(day)
        entries, now = apply_change(list(self.entries), target, day, immediate=starting)
        new = replace(self, entries=tuple(entries))
        lines: list[Line] = []
        if not starting and self.invoiced_through is not None and day <= self.invoiced_through:
            lines = extension_lines(cat, old, now, self.overrides, day, self.invoiced_through)
        return new, lines

    # --- job runner -----------------------------------------------------------------------------------------------
    def quarterly_lines(self, cat: Catalogue, due: date) -> list[Line]:
        lines: list[Line] = []
        for first, last in self.status.periods_for(due):
            lines.extend(subscription_lines(cat, list(self.entries), self.overrides, first, last))
        return lines

    def invoiced(self, due: date) -> Subscription:
        """The state after the quarterly invoice dated ``due`` was issued."""
        through = dates.quarter_end(due)
        if self.invoiced_through is not None and self.invoiced_through > through:
            return self
        return replace(self, invoiced_through=through)

    def quarterly_due(self, today: date) -> list[date]:
        return self.status.quarterly_due_dates(today)

    def renewal_due(self, today: date) -> list[int]:
        """Years whose 1 January renewed the term (the term before it existed and was not ended)."""
        years = []
        first_year = regular_start(self.start).year + 1
        for year in range(first_year, today.year + 1):
            if self.ends_on is None or self.ends_on >= date(year, 1, 1):
                if self.status.cancelled_in_starting_phase:
                    break
                years.append(year)
        return years


def new_subscription(account_id: str, start: date, plan: Plan, overrides: dict[str, int] | None = None) -> Subscription:
    return Subscription(str(account_id), start, (PlanEntry(start, plan),), overrides=dict(overrides or {}))


def period_label(kind: str, day: date) -> str:
    if kind == "quarterly":
        return dates.quarter_label(day)
    if kind == "usage":
        return dates.month_label(day)
    return day.isoformat()


def day_before(d: date) -> date:
    return d - timedelta(days=1)
