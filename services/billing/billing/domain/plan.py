"""What an account subscribes to (seats tier + add-ons) and how that changes over time.

A subscription keeps a history of plans, each valid from a day on. An extension adds an entry valid from the day
it is made; a reduction adds an entry valid from the next 1 January (shown as scheduled until then).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from svckit.errors import InvalidInput
from svckit.i18n import Text

from ..i18n import _
from .catalogue import ADDON_CODES, Catalogue


@dataclass(frozen=True)
class Plan:
    seats: int
    addons: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"seats": self.seats, "addons": sorted(self.addons)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(int(data["seats"]), frozenset(data.get("addons") or ()))

    def union(self, other: Plan) -> Plan:
        return Plan(max(self.seats, other.seats), self.addons | other.addons)

    def covers(self, other: Plan) -> bool:
        """True when ``self`` has at least everything ``other`` has."""
        return self.seats >= other.seats and self.addons >= other.addons


@dataclass(frozen=True)
class PlanEntry:
    valid_from: date
    plan: Plan


def validate_plan(cat: Catalogue, seats: Any, addons: Iterable[str], prefix: str = "") -> Plan:
    """Seats must be a catalogue tier; add-ons known; PLUS only with DACH. Raises InvalidInput naming the field."""
    p = f"{prefix}." if prefix else ""
    fields: dict[str, Text] = {}
    if not isinstance(seats, int) or isinstance(seats, bool) or not cat.is_valid_tier(seats):
        counts = cat.valid_seat_counts()
        fields[f"{p}seats"] = _("Not a tier of the price list (allowed: 1, 5, 10, 20, 30, 40, "
                                "50, then steps of 25 up to {max}).").format(max=counts[-1])
    codes = list(addons or ())
    unknown = [c for c in codes if c not in ADDON_CODES]
    if unknown:
        fields[f"{p}addons"] = _("Unknown add-ons: {codes}.").format(
            codes=", ".join(unknown))
    elif "premium_contracting" in codes:
        fields[f"{p}addons"] = _("Premium contracting is recorded by the back office as an individual contract.")
    else:
        for code in codes:
            missing = [r for r in cat.requirements(code) if r not in codes]
            if missing:
                fields[f"{p}addons"] = _("{addon} is only available together with {required}.").format(
                    addon=cat.addon_name(code), required=cat.addon_name(missing[0]))
                break
    if fields:
        raise InvalidInput(fields=fields)
    return Plan(seats, frozenset(codes))


def plan_at(entries: list[PlanEntry], day: date) -> Plan:
    """The plan in force on ``day`` (the first entry's plan before its start)."""
    current = entries[0].plan
    for entry in sorted(entries, key=lambda e: e.valid_from):
        if entry.valid_from <= day:
            current = entry.plan
    return current


def segments(entries: list[PlanEntry], first: date, last: date) -> list[tuple[date, date, Plan]]:
    """[first, last] cut where the plan changes: (from, to, plan) pieces."""
    from datetime import timedelta

    cuts = sorted({e.valid_from for e in entries if first < e.valid_from <= last})
    pieces = []
    cur = first
    for cut in cuts + [last + timedelta(days=1)]:
        if cur <= cut - timedelta(days=1):
            pieces.append((cur, cut - timedelta(days=1), plan_at(entries, cur)))
        cur = cut
    return pieces


def apply_change(entries: list[PlanEntry], target: Plan, day: date, immediate: bool) -> tuple[list[PlanEntry], Plan]:
    """A change to ``target`` (the whole plan wanted) requested on ``day``: everything added takes effect at once,
    everything removed on the next 1 January (or at once when ``immediate``, as in the starting phase). Entries
    scheduled after ``day`` are replaced by the new schedule. Returns the new history and the plan in force now."""
    current = plan_at(entries, day)
    kept = [e for e in sorted(entries, key=lambda e: e.valid_from) if e.valid_from < day]
    if immediate or target.covers(current):
        now = target
        schedule = [PlanEntry(day, target)]
    else:
        now = current.union(target)
        schedule = [PlanEntry(day, now), PlanEntry(date(day.year + 1, 1, 1), target)]
    cleaned: list[PlanEntry] = []
    for e in kept + schedule:
        if cleaned and cleaned[-1].plan == e.plan:
            continue
        cleaned.append(e)
    return cleaned, now


def scheduled(entries: list[PlanEntry], day: date) -> list[PlanEntry]:
    return [e for e in sorted(entries, key=lambda e: e.valid_from) if e.valid_from > day]
