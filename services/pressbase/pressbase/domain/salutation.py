"""Salutations for journalists as recipients (DOMAIN.md "Salutations and names"), German and English."""

from __future__ import annotations


def correspondence_language(languages: list[str] | None) -> str:
    langs = languages or []
    if not langs or "de" in langs:
        return "de"
    return "en"


def salutation(gender: str | None, lang: str) -> str:
    if lang == "en":
        return {"f": "Ms", "m": "Mr"}.get(gender or "", "")
    return {"f": "Frau", "m": "Herr"}.get(gender or "", "")


def letter_salutation(gender: str | None, title: str | None, first_name: str | None, last_name: str | None,
                      lang: str) -> str:
    """``Sehr geehrte Frau Dr. Müller,`` / ``Dear Dr Müller,``; unknown or diverse gender: the full name."""
    last = (last_name or "").strip()
    first = (first_name or "").strip()
    title = (title or "").strip()
    if lang == "en":
        if not last:
            return "Dear Sir or Madam,"
        if "prof" in title.lower():
            return f"Dear Professor {last},"
        if title.lower().startswith("dr") or " dr" in title.lower():
            return f"Dear Dr {last},"
        if gender in ("f", "m"):
            return f"Dear {'Ms' if gender == 'f' else 'Mr'} {last},"
        return f"Dear {' '.join(p for p in (first, last) if p)},"
    if not last:
        return "Sehr geehrte Damen und Herren,"
    if gender == "f":
        return f"Sehr geehrte Frau {' '.join(p for p in (title, last) if p)},"
    if gender == "m":
        return f"Sehr geehrter Herr {' '.join(p for p in (title, last) if p)},"
    return f"Guten Tag {' '.join(p for p in (first, last) if p)},"


def organisation_salutation(lang: str) -> str:
    return "Dear Sir or Madam," if lang == "en" else "Sehr geehrte Damen und Herren,"
