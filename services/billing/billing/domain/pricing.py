"""Invoice lines and totals, exactly, from plans, periods and usage.

Pro rata: the quarter's price × days used ÷ days in that quarter, rounded half up to whole cents per line (the
invoice says so). A whole quarter is the quarterly price (3 × monthly) without any division.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from svckit.i18n import Text

from ..i18n import _, ngettext
from . import dates, money
from .catalogue import ADDON_CODES, Catalogue
from .plan import Plan, PlanEntry, segments
from .tax import Treatment

PRO_RATA_CONVENTION = _("Pro-rata amounts: quarterly price × days used ÷ days in the quarter, rounded half up to "
                        "whole cents. VAT is computed on the net total per tax rate.")


@dataclass(frozen=True)
class Line:
    code: str                      # tier | <addon code> | mails_standard | mails_premium | storage | one_time | credit
    name: Text
    amount_cents: int
    period_from: date | None = None
    period_to: date | None = None
    quantity: Decimal = Decimal("1")
    unit_cents: int | None = None  # price per unit (defaults to amount: quantity 1)
    unit_code: str = "C62"         # UN/ECE Rec 20: C62 = one (piece)
    detail: Text | None = None     # e.g. the pro-rata fraction

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name.to_wire(), "amount_cents": self.amount_cents,
            "period_from": self.period_from.isoformat() if self.period_from else None,
            "period_to": self.period_to.isoformat() if self.period_to else None,
            "quantity": str(self.quantity), "unit_cents": self.unit_price_cents, "unit_code": self.unit_code,
            "detail": self.detail.to_wire() if self.detail else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Line:
        return cls(
            code=d["code"], name=Text.from_wire(d["name"]), amount_cents=int(d["amount_cents"]),
            period_from=date.fromisoformat(d["period_from"]) if d.get("period_from") else None,
            period_to=date.fromisoformat(d["period_to"]) if d.get("period_to") else None,
            quantity=Decimal(d.get("quantity") or "1"), unit_cents=d.get("unit_cents"),
            unit_code=d.get("unit_code") or "C62",
            detail=Text.from_wire(d["detail"]) if d.get("detail") else None,
        )

    @property
    def unit_price_cents(self) -> int:
        return self.amount_cents if self.unit_cents is None else self.unit_cents


@dataclass(frozen=True)
class Totals:
    net_cents: int
    tax_cents: int
    gross_cents: int
    rate: Decimal
    category: str

    def to_dict(self) -> dict[str, Any]:
        return {"net_cents": self.net_cents, "tax_cents": self.tax_cents, "gross_cents": self.gross_cents,
                "rate": str(self.rate), "category": self.category}


def totals(lines: list[Line], treatment: Treatment) -> Totals:
    net = sum(line.amount_cents for line in lines)
    tax = money.percent_of(net, treatment.rate)
    return Totals(net, tax, net + tax, treatment.rate, treatment.category)


def tier_name(seats: int) -> Text:
    return ngettext("Subscription, {n} named user", "Subscription, {n} named users", seats).format(n=seats)


def _items(cat: Catalogue, plan: Plan, overrides: dict[str, int]) -> list[tuple[str, Text, int]]:
    """(code, name, quarterly cents) for everything in the plan, in catalogue order."""
    items = [("tier", tier_name(plan.seats), 3 * cat.tier_monthly_cents(plan.seats))]
    for code in ADDON_CODES:
        if code in plan.addons:
            items.append((code, cat.addon_name(code), 3 * cat.addon_monthly_cents(code, overrides)))
    return items


def _pro_rata(quarterly: int, first: date, last: date) -> tuple[int, Text | None]:
    used, total = dates.days_incl(first, last), dates.days_in_quarter(first)
    if used == total:
        return quarterly, None
    detail = _("pro rata {used}/{total} days of {price} per quarter").format(
        used=used, total=total, price=Text(money.fmt(quarterly, "de"), money.fmt(quarterly, "en")))
    return money.div_round(quarterly * used, total), detail


def subscription_lines(cat: Catalogue, entries: list[PlanEntry], overrides: dict[str, int],
                       first: date, last: date) -> list[Line]:
    """Lines for a service period inside one quarter, following plan changes within it."""
    assert dates.quarter_start(first) == dates.quarter_start(last), "a period never spans quarters"
    lines = []
    for seg_from, seg_to, plan in segments(entries, first, last):
        for code, name, quarterly in _items(cat, plan, overrides):
            amount, detail = _pro_rata(quarterly, seg_from, seg_to)
            lines.append(Line(code, name, amount, seg_from, seg_to, detail=detail))
    return lines


def extension_lines(cat: Catalogue, old: Plan, new: Plan, overrides: dict[str, int],
                    first: date, last: date) -> list[Line]:
    """The rest of an already-invoiced period, for what an extension added (pro rata, per quarter)."""
    lines = []
    for q_from, q_to in dates.split_by_quarter(first, last):
        if new.seats > old.seats:
            delta = 3 * (cat.tier_monthly_cents(new.seats) - cat.tier_monthly_cents(old.seats))
            amount, detail = _pro_rata(delta, q_from, q_to)
            name = _("Extension to {new} named users (previously {old})").format(new=new.seats, old=old.seats)
            lines.append(Line("tier", name, amount, q_from, q_to, detail=detail))
        for code in ADDON_CODES:
            if code in new.addons and code not in old.addons:
                amount, detail = _pro_rata(3 * cat.addon_monthly_cents(code, overrides), q_from, q_to)
                name = _("Add-on {name}").format(name=cat.addon_name(code))
                lines.append(Line(code, name, amount, q_from, q_to, detail=detail))
    return lines


def usage_lines(cat: Catalogue, month: date, mails_standard: int, mails_premium: int,
                storage_peak_bytes: int) -> list[Line]:
    """Usage of one month, invoiced in arrears: mails per 1,000 (exact count × price ÷ 1,000, rounded half up);
    storage above the included volume per started GB (1 GB = 1024³ bytes) at the month's peak measurement."""
    first, last = dates.month_start(month), dates.month_end(month)
    lines = []
    for kind, count in (("mails_standard", mails_standard), ("mails_premium", mails_premium)):
        if count > 0:
            per_1000 = int(cat.usage[kind]["per_1000_cents"])
            qty = (Decimal(count) / 1000).quantize(Decimal("0.001"))
            detail = ngettext("{count} e-mail at {price} per 1,000", "{count} e-mails at {price} per 1,000",
                              count).format(count=f"{count:,}".replace(",", "."),
                                            price=Text(money.fmt(per_1000, "de"), money.fmt(per_1000, "en")))
            lines.append(Line(kind, cat.usage_name(kind), money.div_round(count * per_1000, 1000), first, last,
                              quantity=qty, unit_cents=per_1000, unit_code="C62", detail=detail))
    storage = cat.usage["storage"]
    excess = storage_peak_bytes - int(storage["included_bytes"])
    if excess > 0:
        gb = -(-excess // (1024 ** 3))
        price = int(storage["per_gb_month_cents"])
        used = f"{storage_peak_bytes / 1024 ** 3:.2f}"
        detail = _("peak {used} GB, {gb} started GB above the included volume").format(
            used=Text(used.replace(".", ","), used), gb=gb)
        lines.append(Line("storage", cat.usage_name("storage"), gb * price, first, last, quantity=Decimal(gb),
                          unit_cents=price, detail=detail))
    return lines


def one_time_line(name: Text, cents: int, day: date) -> Line:
    return Line("one_time", name, cents, day, day)
