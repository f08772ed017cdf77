"""The data an invoice document is rendered from: a plain snapshot, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.pricing import Line, Totals
from ..domain.tax import Treatment


@dataclass(frozen=True)
class InvoiceData:
    number: str
    doc_type: str                 # invoice | credit_note
    issue_date: date
    due_date: date
    language: str
    currency: str
    seller: dict[str, str]
    customer: dict[str, Any]      # name, street, postcode, city, country, vat_id, email, buyer_reference, account_no
    lines: list[Line]
    totals: Totals
    treatment: Treatment
    period_from: date | None = None
    period_to: date | None = None
    notes: list[dict[str, str]] = field(default_factory=list)  # Texts as {"de", "en"}
    corrects_number: str | None = None
    corrects_date: date | None = None
    payment_terms_days: int = 14
