"""Which VAT applies to a customer (services to businesses, § 3a Abs. 2 UStG) and what the invoice must say."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from svckit.i18n import Text

from ..i18n import _

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())

REVERSE_CHARGE = _("Reverse charge: VAT is owed by the recipient of the service (Art. 196 Council Directive "
                   "2006/112/EC; German: Steuerschuldnerschaft des Leistungsempfängers).")
NOT_TAXABLE = _("Service not taxable in Germany (§ 3a(2) UStG); any tax is due by the recipient under the law of "
                "their country.")


@dataclass(frozen=True)
class Treatment:
    category: str            # EN 16931 VAT category: S (standard), AE (reverse charge), O (outside scope)
    rate: Decimal            # percent
    note: Text | None = None
    exemption_reason: str | None = None  # BT-120 text for AE / O

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "rate": str(self.rate),
                "note": self.note.to_wire() if self.note else None, "exemption_reason": self.exemption_reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Treatment:
        return cls(d["category"], Decimal(d["rate"]), Text.from_wire(d["note"]) if d.get("note") else None,
                   d.get("exemption_reason"))


def treatment_for(country: str, vat_id: str | None, vat_rate: Decimal) -> Treatment:
    country = (country or "DE").upper()
    if country == "DE":
        return Treatment("S", vat_rate)
    if country in EU_COUNTRIES:
        if vat_id:
            return Treatment("AE", Decimal("0"), REVERSE_CHARGE, "Reverse charge")
        return Treatment("S", vat_rate)  # no VAT id: taxed like a domestic sale
    return Treatment("O", Decimal("0"), NOT_TAXABLE, "Not subject to VAT")
