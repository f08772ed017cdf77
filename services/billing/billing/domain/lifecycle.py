"""The life of a subscription as functions of dates.

- Starting phase: 15 days counting the start day (start 10 Feb -> 10-24 Feb); regular from day 16.
- The regular term runs to 31 December of the year the regular phase starts, then renews by one year.
- Notice: a cancellation received by 30 September ends the term on 31 December of that year; one received after
  30 September ends it on 31 December of the following year (also when the starting phase ends after 30 September).
- A cancellation received during the starting phase (up to and including day 15) ends the subscription that day,
  free of charge.
- A cancellation can be revoked until the term it ends has ended (not in the starting phase, which ends at once).
- Four weeks (28 days) after the end, every service purges the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from svckit.entitlements import CANCELLED, ENDED, REGULAR, STARTING

from . import dates

STARTING_PHASE_DAYS = 15
PURGE_AFTER_DAYS = 28


def starting_end(start: date, days: int = STARTING_PHASE_DAYS) -> date:
    return start + timedelta(days=days - 1)


def regular_start(start: date, days: int = STARTING_PHASE_DAYS) -> date:
    return start + timedelta(days=days)


def notice_deadline(year: int) -> date:
    return date(year, 9, 30)


def cancellation_end(start: date, received: date) -> tuple[date, bool]:
    """(last day of the contract, cancelled in the starting phase?) for a cancellation received on ``received``."""
    if received <= starting_end(start):
        return received, True
    if received <= notice_deadline(received.year):
        return date(received.year, 12, 31), False
    return date(received.year + 1, 12, 31), False


@dataclass(frozen=True)
class Status:
    start: date
    cancelled_on: date | None = None
    ends_on: date | None = None

    def phase(self, day: date) -> str:
        if self.ends_on is not None and day > self.ends_on:
            return ENDED
        if self.cancelled_on is not None:
            return CANCELLED
        if day <= starting_end(self.start):
            return STARTING
        return REGULAR

    def in_starting_phase(self, day: date) -> bool:
        return day <= starting_end(self.start)

    def term_end(self, day: date) -> date:
        """The day the current term ends (the contract end, when cancelled)."""
        if self.ends_on is not None:
            return self.ends_on
        return date(max(day.year, regular_start(self.start).year), 12, 31)

    def purge_on(self) -> date | None:
        return self.ends_on + timedelta(days=PURGE_AFTER_DAYS) if self.ends_on else None

    def can_revoke(self, day: date) -> bool:
        return (self.cancelled_on is not None and self.ends_on is not None and day <= self.ends_on
                and not self.cancelled_in_starting_phase)

    @property
    def cancelled_in_starting_phase(self) -> bool:
        return self.cancelled_on is not None and self.cancelled_on <= starting_end(self.start)

    # --- invoicing schedule ---------------------------------------------------------------------------------------
    def first_invoice_date(self) -> date:
        return dates.next_quarter_start(starting_end(self.start))

    def quarterly_due_dates(self, today: date) -> list[date]:
        """Quarter starts on or before ``today`` on which a quarterly invoice is due."""
        if self.cancelled_in_starting_phase:
            return []
        due = []
        q = self.first_invoice_date()
        while q <= today and (self.ends_on is None or q <= self.ends_on):
            due.append(q)
            q = dates.next_quarter_start(q)
        return due

    def periods_for(self, due: date) -> list[tuple[date, date]]:
        """The service periods a quarterly invoice dated ``due`` covers: the first one also the pro-rata days from
        the end of the starting phase to the quarter start; each one the quarter that starts on ``due``."""
        periods = []
        reg = regular_start(self.start)
        if due == self.first_invoice_date() and reg < due:
            periods.extend(dates.split_by_quarter(reg, due - timedelta(days=1)))
        periods.append((due, dates.quarter_end(due)))
        return periods

    def usage_due_months(self, today: date) -> list[date]:
        """Month starts whose previous month is due for a usage invoice (regular phase only; the starting phase is
        free), up to and including the month after the contract end."""
        if self.cancelled_in_starting_phase:
            return []
        reg = regular_start(self.start)
        first = dates.add_months(dates.month_start(reg), 1)
        last = dates.add_months(dates.month_start(self.ends_on), 1) if self.ends_on else None
        months = []
        m = first
        while m <= today and (last is None or m <= last):
            months.append(m)
            m = dates.add_months(m, 1)
        return months
