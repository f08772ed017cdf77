"""Calendar arithmetic: quarters, months, inclusive day counts."""

from __future__ import annotations

from datetime import date, timedelta


def days_incl(first: date, last: date) -> int:
    """Days from ``first`` to ``last``, both counted."""
    return (last - first).days + 1


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def add_months(d: date, months: int) -> date:
    """First-of-month arithmetic (only used on the 1st)."""
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def quarter_end(d: date) -> date:
    return add_months(quarter_start(d), 3) - timedelta(days=1)


def next_quarter_start(d: date) -> date:
    return add_months(quarter_start(d), 3)


def days_in_quarter(d: date) -> int:
    return days_incl(quarter_start(d), quarter_end(d))


def quarter_label(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def month_end(d: date) -> date:
    return add_months(month_start(d), 1) - timedelta(days=1)


def previous_month_start(d: date) -> date:
    return add_months(month_start(d), -1)


def month_label(d: date) -> str:
    return f"{d.year}-{d.month:02d}"


def split_by_quarter(first: date, last: date) -> list[tuple[date, date]]:
    """[first, last] cut at quarter boundaries."""
    pieces = []
    cur = first
    while cur <= last:
        end = min(quarter_end(cur), last)
        pieces.append((cur, end))
        cur = end + timedelta(days=1)
    return pieces


def fmt_date(d: date, lang: str) -> str:
    return d.strftime("%d.%m.%Y") if lang == "de" else d.isoformat()
