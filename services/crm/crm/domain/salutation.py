"""Letter salutations and address blocks, German and English (see /work/shared/DOMAIN.md).

- German: "Sehr geehrte Frau Dr. Müller," / "Sehr geehrter Herr Prof. Dr. Weber," / "Guten Tag Anna Müller,"
  (unknown or diverse gender); informal "Liebe Frau Müller," / "Lieber Herr Weber," / "Hallo Anna,".
  Name particles stay lower case inside the name ("Sehr geehrte Frau von Arx,"). Austria keeps its professional
  titles (Mag., DI, Dipl.-Ing., Ing.); Germany and Switzerland keep only Prof. and Dr.; Switzerland writes ss for ß.
- English: "Dear Dr Müller," (British), "Dear Dr. Müller," (American, contacts in the US), "Dear Ms Müller,",
  "Dear Mr Weber,", "Dear Professor Weber,", "Dear Anna Müller," (unknown or diverse gender).
- Organisations and contacts without a name: "Sehr geehrte Damen und Herren," / "Dear Sir or Madam,".
A per-contact override wins over all of this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FEMALE, MALE, DIVERSE, UNKNOWN = "female", "male", "diverse", "unknown"
GENDERS = (FEMALE, MALE, DIVERSE, UNKNOWN)
AMERICAN_COUNTRIES = {"US"}

# particles written lower case inside a name (German, Dutch, French usage in German letters)
_PARTICLES = ("von und zu", "von der", "von dem", "van der", "van den", "van de", "de la", "von", "vom", "zu", "zum",
              "zur", "van", "de", "ten", "ter")

_TITLE_TOKEN = re.compile(r"[A-Za-zÄÖÜäöü]+\.?(?:-[A-Za-zÄÖÜäöü]+\.?)*")
# tokens of an academic title kept in a German salutation, by country; anything else (rer. nat., med., h.c.) is not
_KEEP_DE = {"prof.": "Prof.", "dr.": "Dr."}
_KEEP_AT = {**_KEEP_DE, "mag.": "Mag.", "mag.a": "Mag.a", "mmag.": "MMag.", "di": "DI", "dipl.-ing.": "Dipl.-Ing.",
            "ing.": "Ing.", "dkfm.": "Dkfm.", "hofrat": "Hofrat"}

GERMAN_COUNTRIES = {"DE": "DEUTSCHLAND", "AT": "ÖSTERREICH", "CH": "SCHWEIZ", "LI": "LIECHTENSTEIN",
                    "LU": "LUXEMBURG", "FR": "FRANKREICH", "IT": "ITALIEN", "NL": "NIEDERLANDE", "BE": "BELGIEN",
                    "GB": "VEREINIGTES KÖNIGREICH", "US": "VEREINIGTE STAATEN", "ES": "SPANIEN", "PL": "POLEN",
                    "CZ": "TSCHECHIEN", "DK": "DÄNEMARK", "SE": "SCHWEDEN", "NO": "NORWEGEN", "FI": "FINNLAND",
                    "IE": "IRLAND", "PT": "PORTUGAL", "HU": "UNGARN", "SK": "SLOWAKEI", "SI": "SLOWENIEN",
                    "HR": "KROATIEN", "GR": "GRIECHENLAND"}
ENGLISH_COUNTRIES = {"DE": "GERMANY", "AT": "AUSTRIA", "CH": "SWITZERLAND", "LI": "LIECHTENSTEIN",
                     "LU": "LUXEMBOURG", "FR": "FRANCE", "IT": "ITALY", "NL": "NETHERLANDS", "BE": "BELGIUM",
                     "GB": "UNITED KINGDOM", "US": "UNITED STATES", "ES": "SPAIN", "PL": "POLAND",
                     "CZ": "CZECHIA", "DK": "DENMARK", "SE": "SWEDEN", "NO": "NORWAY", "FI": "FINLAND",
                     "IE": "IRELAND", "PT": "PORTUGAL", "HU": "HUNGARY", "SK": "SLOVAKIA", "SI": "SLOVENIA",
                     "HR": "CROATIA", "GR": "GREECE"}


@dataclass(frozen=True)
class Person:
    """What salutation rules look at; built from a contact row or an import row."""

    gender: str = UNKNOWN
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    language: str = "de"
    country: str = "DE"
    informal: bool = False
    kind: str = "person"
    override: str | None = None


def particles_lower(last_name: str) -> str:
    """"Von Arx" -> "von Arx", "Van der Berg" -> "van der Berg"; other names untouched."""
    name = " ".join(last_name.split())
    lowered = name.lower()
    for particle in _PARTICLES:
        if lowered.startswith(particle + " ") and len(name) > len(particle) + 1:
            return particle + name[len(particle):]
    return name


def salutation_titles(title: str, country: str = "DE") -> str:
    """The part of an academic title that belongs in a German letter salutation
    ("Prof. Dr. rer. nat." -> "Prof. Dr.")."""
    keep = _KEEP_AT if (country or "").upper() == "AT" else _KEEP_DE
    kept: list[str] = []
    for token in _TITLE_TOKEN.findall(title or ""):
        norm = token.lower()
        if norm in keep and keep[norm] not in kept:
            kept.append(keep[norm])
        elif norm + "." in keep and keep[norm + "."] not in kept:  # "Dr" without the dot
            kept.append(keep[norm + "."])
    # Prof. before Dr. before the rest, as the titles are spoken
    order = {"Prof.": 0, "Dr.": 1}
    kept.sort(key=lambda t: order.get(t, 2))
    return " ".join(kept)


def _swiss(text: str, country: str) -> str:
    return text.replace("ß", "ss") if (country or "").upper() == "CH" else text


def letter_salutation(p: Person) -> str:
    if p.override and p.override.strip():
        return p.override.strip()
    if (p.language or "de") == "en":
        return _english(p)
    return _swiss(_german(p), p.country)


def _german(p: Person) -> str:
    last = particles_lower(p.last_name.strip())
    first = p.first_name.strip()
    if p.kind == "organisation" or (not last and not first):
        return "Sehr geehrte Damen und Herren,"
    titles = salutation_titles(p.title, p.country)
    named = " ".join(x for x in (titles, last) if x)
    if p.gender in (FEMALE, MALE) and last:
        if p.informal:
            return f"Liebe Frau {named}," if p.gender == FEMALE else f"Lieber Herr {named},"
        return f"Sehr geehrte Frau {named}," if p.gender == FEMALE else f"Sehr geehrter Herr {named},"
    if p.informal and first:
        return f"Hallo {first},"
    return f"Guten Tag {' '.join(x for x in (first, last) if x)},"


def _english(p: Person) -> str:
    american = (p.country or "").upper() in AMERICAN_COUNTRIES
    dot = "." if american else ""
    last = particles_lower(p.last_name.strip())
    first = p.first_name.strip()
    if p.kind == "organisation" or (not last and not first):
        return "Dear Sir or Madam,"
    if p.informal and first:
        return f"Dear {first},"
    titles = salutation_titles(p.title, "DE")  # only Prof. and Dr. have English equivalents
    if last:
        if "Prof." in titles:
            return f"Dear Professor {last},"
        if "Dr." in titles:
            return f"Dear Dr{dot} {last},"
        if p.gender == FEMALE:
            return f"Dear Ms{dot} {last},"
        if p.gender == MALE:
            return f"Dear Mr{dot} {last},"
    return f"Dear {' '.join(x for x in (first, last) if x)},"


def salutation_word(gender: str, language: str = "de") -> str:
    """The short Anrede of a mail merge column: Frau / Herr (Ms / Mr); empty when unknown."""
    if language == "en":
        return {FEMALE: "Ms", MALE: "Mr"}.get(gender, "")
    return {FEMALE: "Frau", MALE: "Herr"}.get(gender, "")


def address_block(*, gender: str = UNKNOWN, title: str = "", first_name: str = "", last_name: str = "",
                  organisation: str = "", department: str = "", street: str = "", address_extra: str = "",
                  postal_code: str = "", city: str = "", country: str = "DE", home_country: str = "DE",
                  language: str = "de", kind: str = "person") -> list[str]:
    """DIN 5008 address lines: organisation, person, street, postal code and city, country in capitals if abroad."""
    lines: list[str] = []
    if organisation:
        lines.append(organisation)
    if department and kind == "person":
        lines.append(department)
    if kind == "person" and (first_name or last_name):
        if language == "en":
            word = {FEMALE: "Ms", MALE: "Mr"}.get(gender, "")
        else:
            word = {FEMALE: "Frau", MALE: "Herrn"}.get(gender, "")
        name = " ".join(x for x in (word, title.strip(), first_name.strip(), last_name.strip()) if x)
        lines.append(name)
    if address_extra:
        lines.append(address_extra)
    if street:
        lines.append(street)
    town = " ".join(x for x in (postal_code, city) if x)
    if town:
        lines.append(town)
    country = (country or home_country or "DE").upper()
    if country != (home_country or "DE").upper():
        names = ENGLISH_COUNTRIES if language == "en" else GERMAN_COUNTRIES
        lines.append(names.get(country, country))
    return lines
