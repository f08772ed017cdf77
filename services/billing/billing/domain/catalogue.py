"""The price list (``billing/catalogue.json``): configuration, not code. One file, versioned, EUR net in cents."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from svckit.i18n import Text

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "catalogue.json"

ADDON_CODES = ("pressbase_dach", "pressbase_plus", "pressbase_world", "forward_features", "pressbase_export",
               "premium_dispatch", "premium_support", "premium_contracting")
USAGE_KINDS = ("mails_standard", "mails_premium", "storage_bytes")


@dataclass(frozen=True)
class Catalogue:
    version: str
    vat_rate: Decimal
    payment_terms_days: int
    terms_version: str
    dpc_version: str
    tiers: tuple[tuple[int, int], ...]          # (seats, monthly cents), ascending
    step_seats: int
    step_cents: int
    max_seats: int
    addons: dict[str, dict[str, Any]]
    usage: dict[str, dict[str, Any]]
    starting_phase_days: int
    starting_phase_max_recipients: int
    seller: dict[str, str]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalogue:
        tiers = tuple(sorted((int(t["seats"]), int(t["monthly_cents"])) for t in data["tiers"]))
        step = data["tier_step"]
        return cls(
            version=data["version"], vat_rate=Decimal(str(data["vat_rate_percent"])),
            payment_terms_days=int(data["payment_terms_days"]), terms_version=data["terms_version"],
            dpc_version=data["dpc_version"], tiers=tiers, step_seats=int(step["seats"]),
            step_cents=int(step["monthly_cents"]), max_seats=int(step["max_seats"]), addons=data["addons"],
            usage=data["usage"], starting_phase_days=int(data["starting_phase_days"]),
            starting_phase_max_recipients=int(data["starting_phase_max_recipients"]), seller=data["seller"],
            raw=data,
        )

    # --- seats -------------------------------------------------------------------------------------------------
    def valid_seat_counts(self) -> list[int]:
        counts = [s for s, _ in self.tiers]
        top = counts[-1]
        while top + self.step_seats <= self.max_seats:
            top += self.step_seats
            counts.append(top)
        return counts

    def is_valid_tier(self, seats: int) -> bool:
        return seats in self.valid_seat_counts()

    def tier_monthly_cents(self, seats: int) -> int:
        for count, cents in self.tiers:
            if count == seats:
                return cents
        top_seats, top_cents = self.tiers[-1]
        if seats > top_seats and (seats - top_seats) % self.step_seats == 0 and seats <= self.max_seats:
            return top_cents + (seats - top_seats) // self.step_seats * self.step_cents
        raise ValueError(f"no tier for {seats} seats")

    # --- add-ons -----------------------------------------------------------------------------------------------
    def addon_monthly_cents(self, code: str, overrides: dict[str, int] | None = None) -> int:
        if overrides and code in overrides:
            return int(overrides[code])
        return int(self.addons[code]["monthly_cents"])

    def addon_name(self, code: str) -> Text:
        a = self.addons[code]
        return Text(a["de"], a["en"])

    def requirements(self, code: str) -> list[str]:
        return list(self.addons.get(code, {}).get("requires", []))

    def usage_name(self, kind: str) -> Text:
        u = self.usage[kind]
        return Text(u["de"], u["en"])

    @property
    def storage_included_bytes(self) -> int:
        return int(self.usage["storage"]["included_bytes"])


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Catalogue:
    with open(path or CATALOGUE_FILE, encoding="utf-8") as fh:
        return Catalogue.from_dict(json.load(fh))
