"""The rules of an order's addresses that need the country: the shape of a postal code (text: DE 5 digits, AT/CH/LI
4) and the country prefix of an EU VAT ID. Checked after the order's shape (``billing.contracts``)."""

from __future__ import annotations

import re
from typing import Protocol

from svckit.i18n import Text

from ..i18n import _
from .tax import EU_COUNTRIES

POSTCODES = {"DE": r"\d{5}", "AT": r"\d{4}", "CH": r"\d{4}", "LI": r"\d{4}"}


class PostalAddress(Protocol):
    country: str
    postcode: str


class Company(Protocol):
    vat_id: str | None

    @property
    def address(self) -> PostalAddress: ...


def address_errors(address: PostalAddress, field: str) -> dict[str, Text]:
    """Postal codes are text with a country's shape (DE 5 digits, AT/CH 4)."""
    pattern = POSTCODES.get(address.country)
    if pattern and not re.fullmatch(pattern, address.postcode):
        digits = len(pattern.replace("\\d{", "").rstrip("}")) and pattern[3]
        return {f"{field}.postcode": _("Invalid postal code for {c} ({n} digits).").format(c=address.country,
                                                                                               n=digits)}
    return {}


def vat_errors(company: Company, field: str) -> dict[str, Text]:
    if company.vat_id and company.address.country in EU_COUNTRIES:
        prefix = "EL" if company.address.country == "GR" else company.address.country
        if not company.vat_id.startswith(prefix):
            return {f"{field}.vat_id": _("The VAT ID does not match the country {c}.").format(
                c=company.address.country)}
    return {}
