"""Typed custom fields: coercing what users (and spreadsheets) type into the field's type."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from svckit.i18n import Text

from ..i18n import _

_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_TRUE = {"true", "ja", "yes", "1", "x", "wahr", "j", "y"}
_FALSE = {"false", "nein", "no", "0", "", "falsch", "n"}


class CustomValueError(ValueError):
    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


def parse_date(value: Any) -> date | None:
    """German (01.10.2026, 1.10.26) and ISO dates, and Excel's datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    m = _GERMAN_DATE.match(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000 if year < 70 else 1900
        return date(year, month, day)
    m = _ISO_DATE.match(text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(text)


def parse_number(value: Any) -> float | int:
    """1234 / 1.234,56 (German) / 1,234.56 (English) / 12,5."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1:  # 1.234.567: German thousands separators
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    return int(number) if number == number.to_integral_value() else float(number)


def coerce(field_type: str, value: Any, choices: list[str] | None = None) -> Any:
    """The stored JSON value of a custom field, or CustomValueError with a reason in both languages."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field_type == "text":
        text = str(value).strip()
        if len(text) > 1000:
            raise CustomValueError(_("Too long (at most 1000 characters)."))
        return text
    if field_type == "number":
        try:
            return parse_number(value)
        except ValueError:
            raise CustomValueError(_("Number expected.")) from None
    if field_type == "date":
        try:
            parsed = parse_date(value)
        except ValueError:
            raise CustomValueError(_("Invalid date (DD.MM.YYYY or YYYY-MM-DD).")) from None
        return parsed.isoformat() if parsed else None
    if field_type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CustomValueError(_("True/false value expected."))
    if field_type == "choice":
        text = str(value).strip()
        for choice in choices or []:
            if choice.lower() == text.lower():
                return choice
        raise CustomValueError(_("Allowed values: {c}.").format(c=", ".join(choices or [])))
    raise CustomValueError(_("Unknown field type."))
