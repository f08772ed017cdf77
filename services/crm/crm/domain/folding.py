"""Folding text for search, sorting and duplicate detection.

German names are written three ways: "Müller", "Mueller" (no umlaut keys) and "Muller" (umlaut dropped).
``fold`` maps all three to one form ("muller"): umlauts and their two-letter spellings both go to the base
vowel, ß to ss, other accents are stripped, everything is lower case. Stored search text and the user's query go
through the same function, so "Mueller" finds "Müller" and the other way round. The price is that some words fold
together that are different (Michael and Michal); for a search box that only widens the result a little.
"""

from __future__ import annotations

import re
import unicodedata

_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_SPECIAL = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss", "æ": "ae", "ø": "o", "œ": "oe",
                          "đ": "d", "ł": "l", "ı": "i"})
_NON_WORD = re.compile(r"[^0-9a-z@._+\-]+")
_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    if not value:
        return ""
    text = value.lower().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for digraph, vowel in _DIGRAPHS:
        text = text.replace(digraph, vowel)
    return _SPACES.sub(" ", text).strip()


def tokens(value: str | None) -> list[str]:
    """The folded words of a query or a name (punctuation other than e-mail characters splits words)."""
    return [t for t in (_NON_WORD.sub(" ", fold(value))).split() if t]


def query_tokens(query: str | None) -> list[str]:
    """The tokens a search looks for: the query's words; a query of punctuation only (``%``, ``_``) is looked for
    as it is, never dropped (an empty token list would match every contact)."""
    words = tokens(query)
    if words or not (query or "").strip():
        return words
    return [t for t in fold(query).split() if t]


def name_key(kind: str, first_name: str = "", last_name: str = "", org_name: str = "") -> str:
    """Sort and duplicate key: "muller anna" for a person, the folded name for an organisation."""
    if kind == "organisation":
        return " ".join(tokens(org_name))[:300]
    return " ".join(tokens(f"{last_name} {first_name}"))[:300]


def org_key(name: str | None) -> str:
    """Folded organisation name without legal-form noise ("Beispiel GmbH" == "beispiel")."""
    words = [w for w in tokens(name) if w not in _LEGAL_FORMS]
    return " ".join(words)[:300]


_LEGAL_FORMS = {"gmbh", "ag", "kg", "ohg", "gbr", "ev", "e.v", "e.v.", "mbh", "co", "co.", "&", "ltd", "inc", "sa",
                "se", "kgaa", "ug", "gesmbh", "plc", "llc"}


def search_text(*, first_name: str = "", last_name: str = "", title: str = "", org_name: str = "",
                organisation: str = "", position: str = "", department: str = "", city: str = "",
                emails: list[str] | tuple[str, ...] = (), tags: list[str] | tuple[str, ...] = ()) -> str:
    """What full-text search looks at: names, organisation, position, city, e-mails and tags, folded."""
    parts = [first_name, last_name, title, org_name, organisation, position, department, city,
             " ".join(emails), " ".join(tags)]
    return fold(" ".join(p for p in parts if p))


def like_pattern(token: str) -> str:
    """A folded query token as a LIKE substring pattern (wildcards in the token itself are escaped)."""
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
