"""The rules of the import wizard: recognising header rows and columns, and turning one spreadsheet row into a
contact draft with the reasons it cannot be imported. Pure functions; the reader and the job live in crm.importer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from svckit.i18n import Text
from svckit.textsafe import has_control

from ..i18n import _
from . import folding

#: import fields and the header words (German and English, folded) that mean them
SYNONYMS: dict[str, tuple[str, ...]] = {
    "gender": ("anrede", "salutation", "geschlecht", "gender", "herr/frau", "frau/herr", "mr/ms", "prefix"),
    "title": ("titel", "title", "akad. titel", "akademischer titel", "akad titel", "grad", "academic title"),
    "first_name": ("vorname", "first name", "firstname", "given name", "forename", "vorname(n)"),
    "last_name": ("nachname", "name", "familienname", "last name", "lastname", "surname", "family name", "zuname"),
    "organisation": ("firma", "unternehmen", "organisation", "organization", "company", "medium", "redaktion",
                     "verlag", "institution", "outlet", "publication", "arbeitgeber", "firmenname", "company name"),
    "position": ("position", "funktion", "job title", "jobtitel", "rolle", "berufsbezeichnung", "role"),
    "department": ("abteilung", "ressort", "department", "desk", "bereich", "beat"),
    "email": ("e-mail", "email", "mail", "e-mail-adresse", "emailadresse", "e-mail adresse", "email address",
              "e-mail address", "mailadresse", "e-mail 1", "email 1"),
    "email2": ("e-mail 2", "email 2", "e-mail2", "weitere e-mail", "zweite e-mail", "secondary email",
               "private e-mail", "e-mail privat"),
    "phone": ("telefon", "tel", "tel.", "phone", "telephone", "telefonnummer", "phone number", "festnetz",
              "telefon geschaftlich", "durchwahl"),
    "mobile": ("mobil", "handy", "mobile", "mobiltelefon", "mobilnummer", "cell", "mobile phone"),
    "street": ("strasse", "str.", "str", "street", "adresse", "anschrift", "address", "strasse und hausnummer",
               "strasse/nr.", "street address"),
    "address_extra": ("adresszusatz", "zusatz", "postfach", "c/o", "address 2", "address line 2"),
    "postal_code": ("plz", "postleitzahl", "zip", "zip code", "postal code", "postcode", "post code"),
    "city": ("ort", "stadt", "city", "town", "wohnort", "place"),
    "country": ("land", "country", "staat", "landercode", "country code"),
    "language": ("sprache", "language", "korrespondenzsprache"),
    "tags": ("tags", "schlagworte", "schlagwort", "stichworte", "kategorie", "kategorien", "category",
             "categories", "themen", "topics", "gruppen"),
    "notes": ("notiz", "notizen", "bemerkung", "bemerkungen", "kommentar", "notes", "note", "comment", "comments",
              "info"),
    "letter_salutation": ("briefanrede", "letter salutation", "anredezeile", "salutation line"),
}
FIELDS = tuple(SYNONYMS)

_HEADER_INDEX: dict[str, str] = {}
for _field, _words in SYNONYMS.items():
    for _w in _words:
        _HEADER_INDEX.setdefault(re.sub(r"[^a-z0-9]", "", folding.fold(_w)), _field)

COUNTRIES = {
    "de": "DE", "d": "DE", "deu": "DE", "deutschland": "DE", "germany": "DE", "brd": "DE",
    "at": "AT", "a": "AT", "aut": "AT", "osterreich": "AT", "austria": "AT",
    "ch": "CH", "che": "CH", "schweiz": "CH", "switzerland": "CH", "suisse": "CH", "svizzera": "CH",
    "li": "LI", "liechtenstein": "LI", "lu": "LU", "luxemburg": "LU", "luxembourg": "LU",
    "fr": "FR", "frankreich": "FR", "france": "FR", "it": "IT", "italien": "IT", "italy": "IT",
    "nl": "NL", "niederlande": "NL", "netherlands": "NL", "holland": "NL", "be": "BE", "belgien": "BE",
    "belgium": "BE", "gb": "GB", "uk": "GB", "grossbritannien": "GB", "united kingdom": "GB", "england": "GB",
    "vereinigtes konigreich": "GB", "us": "US", "usa": "US", "vereinigte staaten": "US", "united states": "US",
    "es": "ES", "spanien": "ES", "spain": "ES", "pl": "PL", "polen": "PL", "poland": "PL", "cz": "CZ",
    "tschechien": "CZ", "czechia": "CZ", "dk": "DK", "danemark": "DK", "denmark": "DK", "se": "SE",
    "schweden": "SE", "sweden": "SE",
}
POSTAL_DIGITS = {"DE": 5, "AT": 4, "CH": 4, "LI": 4, "LU": 4, "BE": 4, "DK": 4, "FR": 5, "IT": 5, "ES": 5}
GERMAN_SPEAKING = {"DE", "AT", "CH", "LI", "LU"}

R_NAME = _("Name missing.")
R_EMAIL = _("Invalid e-mail address: {v}")
R_DUP_FILE = _("Duplicate in the file (same as row {row}).")
R_EXISTS = _("Already a contact with this e-mail address.")
R_COUNTRY = _("Unknown country: {v} (Germany assumed).")
R_POSTAL = _("Unusual postal code: {v}")
R_CUSTOM = _("Custom field {k}: {reason}")
R_TOO_LONG = _("Too long, shortened: {k}")
R_CONTROL = _("Line break or control character in the field {k} (column {col}): the row is not imported.")
R_NUL = _("Null character (NUL) in the field {k} (column {col}): the row is not imported.")
#: fields that may hold several lines (kept as they are: notes)
MULTI_LINE_FIELDS = frozenset({"notes"})
#: fields whose cells may list several values one per line (e-mail addresses, tags): CR and LF separate values
LINE_SEPARATED_FIELDS = frozenset({"email", "email2", "tags"})


def header_key(value: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", folding.fold(str(value or "")))


def field_for_header(value: Any, custom_labels: dict[str, str] | None = None) -> str:
    """The import field a header cell means ("" = not recognised); custom fields match their labels or key."""
    key = header_key(value)
    if not key:
        return ""
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    for label_key, custom_key in (custom_labels or {}).items():
        if key == label_key:
            return f"custom:{custom_key}"
    return ""


def detect_header(rows: list[list[Any]], custom_labels: dict[str, str] | None = None) -> int:
    """Index (0-based) of the row that looks most like a header: most cells that name known fields.
    Title rows ("Presseverteiler 2026"), blank rows and notes above the table are skipped."""
    best, best_score = 0, 0
    first_nonblank = None
    for i, row in enumerate(rows):
        cells = [c for c in row if c not in (None, "")]
        if not cells:
            continue
        if first_nonblank is None:
            first_nonblank = i
        score = len({field_for_header(c, custom_labels) for c in cells} - {""})
        if score > best_score:
            best, best_score = i, score
    if best_score >= 2:
        return best
    return first_nonblank or 0


def suggest_mapping(header: list[Any], custom_labels: dict[str, str] | None = None) -> dict[str, str]:
    """column number (1-based, text) -> field; each field at most once (the first column wins, a second e-mail
    column becomes email2)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for i, cell in enumerate(header, start=1):
        f = field_for_header(cell, custom_labels)
        if f == "email" and "email" in used:
            f = "email2"
        if f == "last_name" and "last_name" in used:
            f = ""
        if f and f not in used:
            mapping[str(i)] = f
            used.add(f)
        else:
            mapping[str(i)] = ""
    return mapping


# --- one row ---------------------------------------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", dates as DD.MM.YYYY, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if (value.hour, value.minute, value.second) == (0, 0, 0) \
            else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def parse_gender(value: str) -> str:
    v = folding.fold(value).replace(".", "").strip()
    first = v.split(" ")[0] if v else ""
    if first in ("frau", "fr", "ms", "mrs", "miss", "w", "weiblich", "female", "f", "madame", "mme", "sig.ra"):
        return "female"
    if first in ("herr", "herrn", "hr", "mr", "m", "mannlich", "male", "monsieur", "sig"):
        return "male"
    if first in ("divers", "diverse", "d", "x", "mx"):
        return "diverse"
    return "unknown"


_TITLE_IN_SALUTATION = re.compile(r"^\s*(?:frau|herrn?|fr\.|hr\.|mrs?\.?|ms\.?)\s+(.+)$", re.I)


def title_from_salutation(value: str) -> str:
    """"Frau Dr." in one Anrede cell: the title part."""
    m = _TITLE_IN_SALUTATION.match(value or "")
    return m.group(1).strip() if m else ""


def parse_country(value: str) -> str | None:
    if not value:
        return None
    return COUNTRIES.get(folding.fold(value).replace(".", "").strip())


def restore_postal_code(raw: Any, country: str) -> str:
    """Spreadsheets turn 01067 into 1067: give German (5) and Austrian/Swiss (4) codes their leading zeros back."""
    text = cell_text(raw)
    digits = POSTAL_DIGITS.get(country)
    if digits and text.isdigit() and len(text) < digits:
        return text.zfill(digits)
    return text


def parse_language(value: str, country: str) -> str:
    v = folding.fold(value)
    if v.startswith(("en", "engl")):
        return "en"
    if v.startswith(("de", "deutsch", "ger")):
        return "de"
    return "de" if country in GERMAN_SPEAKING else "en"


def split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,|\n]", value or "") if p.strip()]


def normalise_email(value: str) -> str:
    """Check syntax (no DNS lookups: imports are offline) and normalise the domain."""
    result = validate_email(value.strip().strip("<>").replace("mailto:", ""), check_deliverability=False)
    return result.normalized


@dataclass
class Draft:
    """A contact as a spreadsheet row describes it, and what is wrong with the row."""

    row_no: int
    values: dict[str, Any] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    errors: list[Text] = field(default_factory=list)      # the row cannot be imported
    warnings: list[Text] = field(default_factory=list)    # imported, but look at it

    @property
    def ok(self) -> bool:
        return not self.errors


_LIMITS = {"title": 60, "first_name": 100, "last_name": 100, "organisation": 200, "position": 150,
           "department": 150, "street": 200, "address_extra": 200, "postal_code": 20, "city": 100,
           "notes": 20000, "letter_salutation": 200}


def control_reason(field_name: str, col: Any, value: Any) -> Text | None:
    """Why a cell cannot go into a contact: NUL anywhere; in a single-line field (names, organisation, address,
    phone, custom fields ...) also line breaks (CR, LF, U+2028, U+2029, U+0085) and other control characters,
    which could start a new mail header or break a line where the contact's data is composed. Notes may have
    several lines; e-mail and tag cells may list one value per line."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return R_NUL.format(k=field_name, col=col)
    if field_name in MULTI_LINE_FIELDS:
        return None
    if field_name in LINE_SEPARATED_FIELDS:
        value = value.replace("\r", " ").replace("\n", " ")
    if has_control(value):   # C0/C1 controls (CR, LF, NEL U+0085 ...) and U+2028/U+2029
        return R_CONTROL.format(k=field_name, col=col)
    return None


def draft_from_row(row_no: int, row: list[Any], mapping: dict[str, str],
                   custom_defs: dict[str, tuple[str, list[Any]]] | None = None) -> Draft:
    """One spreadsheet row -> Draft. ``mapping``: column number (1-based, text) -> field.
    ``custom_defs``: custom key -> (type, choices). A cell with a line break or a control character in a
    single-line field makes the row an error (it is not imported), naming the field and column."""
    from .customfields import CustomValueError, coerce

    d = Draft(row_no=row_no)
    raw: dict[str, Any] = {}
    for col, f in mapping.items():
        if not f:
            continue
        idx = int(col) - 1
        if 0 <= idx < len(row):
            raw[f] = row[idx]
            reason = control_reason(f, col, row[idx])
            if reason is not None:
                d.errors.append(reason)
    text = {k: cell_text(v).replace("\x00", "") for k, v in raw.items()}  # NUL: a row error above, never stored

    country_raw = text.get("country", "")
    country = parse_country(country_raw) if country_raw else "DE"
    if country is None:
        d.warnings.append(R_COUNTRY.format(v=country_raw))
        country = "DE"
    v = d.values
    v["country"] = country
    salutation_cell = text.get("gender", "")
    v["gender"] = parse_gender(salutation_cell)
    v["title"] = text.get("title") or title_from_salutation(salutation_cell)
    for k in ("first_name", "last_name", "organisation", "position", "department", "street", "address_extra",
              "city", "notes", "letter_salutation"):
        if text.get(k):
            v[k] = text[k]
    if "postal_code" in raw:
        v["postal_code"] = restore_postal_code(raw["postal_code"], country)
        pc = v["postal_code"]
        digits = POSTAL_DIGITS.get(country)
        if pc and digits and not (pc.isdigit() and len(pc) == digits):
            d.warnings.append(R_POSTAL.format(v=pc))
    v["language"] = parse_language(text.get("language", ""), country)
    for k, limit in _LIMITS.items():
        if k in v and len(v[k]) > limit:
            v[k] = v[k][:limit]
            d.warnings.append(R_TOO_LONG.format(k=k))

    if not v.get("first_name") and not v.get("last_name"):
        if v.get("organisation"):
            v["kind"] = "organisation"
        else:
            d.errors.append(R_NAME)
    else:
        v["kind"] = "person"

    for k in ("email", "email2"):
        for address in split_list(text.get(k, "")):
            try:
                normalised = normalise_email(address)
            except EmailNotValidError:
                d.errors.append(R_EMAIL.format(v=address))
                continue
            if normalised.lower() not in (e.lower() for e in d.emails):
                d.emails.append(normalised)
    if text.get("phone"):
        d.phones.append({"number": text["phone"], "label": "work"})
    if text.get("mobile"):
        d.phones.append({"number": text["mobile"], "label": "mobile"})
    d.tags = list(dict.fromkeys(t[:60] for t in split_list(text.get("tags", ""))))[:50]
    for f, value in raw.items():
        if f.startswith("custom:"):
            key = f[7:]
            ftype, choices = (custom_defs or {}).get(key, ("text", []))
            try:
                coerced = coerce(ftype, value, choices)
            except CustomValueError as exc:
                d.warnings.append(R_CUSTOM.format(k=key, reason=exc.text))
                continue
            if coerced is not None:
                d.custom[key] = coerced
    return d
