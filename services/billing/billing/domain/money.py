"""Money as integer euro cents, and the one rounding rule.

Rounding rules (written into the invoice footer as well):
- a pro-rata amount is ``price × days used ÷ days in that quarter``, rounded half up to whole cents, per line;
- usage per 1,000 mails is ``mails × price per 1,000 ÷ 1,000``, rounded half up to whole cents, per line;
- VAT is computed once per invoice on the net total per tax rate, rounded half up to whole cents
  (§ 14 Abs. 4 Nr. 8 UStG: tax amount per rate); gross = net + VAT.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def div_round(numerator: int | Decimal, denominator: int | Decimal) -> int:
    """``numerator / denominator`` rounded half up (away from zero for .5) to an integer, exactly."""
    if denominator == 0:
        raise ZeroDivisionError("denominator is zero")
    value = Decimal(numerator) / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(cents: int, percent: Decimal | str | int) -> int:
    return div_round(Decimal(cents) * Decimal(str(percent)), 100)


def as_decimal(cents: int) -> Decimal:
    """Cents as a Decimal in euros with two places (for XML and JSON): 12345 -> Decimal('123.45')."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def as_str(cents: int) -> str:
    return str(as_decimal(cents))


def fmt(cents: int, lang: str) -> str:
    """German "1.234,56 €", English "€1,234.56" (DOMAIN.md)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}"
    if lang == "en":
        return f"{sign}€{grouped}.{rest:02d}"
    return f"{sign}{grouped.replace(',', '.')},{rest:02d} €"
