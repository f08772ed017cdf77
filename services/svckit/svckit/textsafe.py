"""Text that crosses into places where a character can change meaning: mail headers, LIKE patterns, spreadsheets.

Three small, shared rules (docs/security.md, "Input"):

- **Line breaks and NUL.** CR, LF, NUL and the Unicode line separators (U+2028, U+2029, U+0085 NEL, and the other
  C0/C1 controls except TAB) would let a name start a new mail header or break a log line. Single-line fields
  (names, subjects, file names, addresses) refuse them on input (:data:`svckit.validation.Line`, :func:`check_line`);
  composition removes them again (:func:`one_line`) in case old data or another path carries them. NUL is refused in
  every string, multi-line or not (PostgreSQL cannot even store it in text).
- **LIKE wildcards.** A user's ``%`` or ``_`` is a character to find, not a wildcard: :func:`like_contains` escapes
  them (with ``\\`` as the escape character, PostgreSQL's default).
- **Spreadsheet formulas.** A cell that starts with ``=``, ``+``, ``-``, ``@``, TAB or CR is a formula to Excel and
  LibreOffice (OWASP "CSV injection"): :func:`safe_cell` prefixes such text with an apostrophe so it is shown as
  text, in xlsx and CSV alike.
"""

from __future__ import annotations

import re
from typing import Any

#: characters that end a line somewhere: CR, LF, VT, FF, NEL, LS, PS (and FS/GS/RS, which str.splitlines honours)
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: C0 and C1 control characters except TAB, plus the Unicode line and paragraph separators
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NUL = "\x00"


def has_control(value: str) -> bool:
    """True if ``value`` holds a line break, NUL or another control character (TAB is allowed)."""
    return bool(_CONTROL.search(value))


def has_nul(value: str) -> bool:
    return _NUL in value


def one_line(value: Any) -> str:
    """The value as one line: every control character and line separator becomes a space, runs of spaces collapse.
    For composition (headers, file names): defensive, after input validation already refused such values."""
    if value is None:
        return ""
    text = _CONTROL.sub(" ", str(value))
    return re.sub(r" {2,}", " ", text).strip()


def without_nul(value: str) -> str:
    return value.replace(_NUL, "")


def like_escape(value: str) -> str:
    """Escape LIKE/ILIKE wildcards (``%``, ``_``) and the escape character itself."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_contains(value: str) -> str:
    """A LIKE pattern that finds ``value`` literally anywhere in the text."""
    return f"%{like_escape(value)}%"


def like_prefix(value: str) -> str:
    return f"{like_escape(value)}%"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet cell (xlsx or CSV) that can never run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, TAB, CR or LF gets a leading apostrophe (OWASP's advice; Excel and
    LibreOffice then show it as text). Numbers, dates and booleans pass unchanged: they are typed cells, not text.
    """
    if isinstance(value, str) and value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


#: characters an xlsx cell cannot hold (the same set as openpyxl's ILLEGAL_CHARACTERS_RE)
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: a phone number as typed: a "+" and digits, spaces and ()./- only; no function or link can hide in it
PHONE_NUMBER = re.compile(r"\+\d[\d ()./-]*")


def export_cell(value: Any) -> Any:
    """A value for an export cell: characters a workbook cannot hold are dropped, then :func:`safe_cell`, except
    phone numbers, which stay as typed (an apostrophe would show in every mail-merge letter)."""
    if not isinstance(value, str):
        return value
    value = _XLSX_ILLEGAL.sub("", value)
    return value if PHONE_NUMBER.fullmatch(value) else safe_cell(value)
