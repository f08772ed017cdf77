"""Texts in the two languages of the product.

Every message a user may read is a :class:`Text`: German and English side by side. Services build them at the place
where they know what went wrong; the gateway (or a mail renderer) picks the reader's language at the very end. That
way an error raised deep in a service-to-service call still reaches the user in their language.

Texts and translations
----------------------
Product texts are written in English in the code and translated in gettext catalogues, one per package:
``<package>/locale/de/LC_MESSAGES/<package>.po`` (svckit's own, each service's, the gateway's). A translator edits
the ``.po`` file only; the code never changes for a translation. Each package has a small ``i18n`` module that
binds the functions below to its catalogue::

    from ..i18n import _, ngettext, pgettext

    NOT_FOUND = _("Contact not found.")                               # -> Text(de=<catalogue>, en=msgid)
    ngettext("{n} day", "{n} days", n).format(n=n)                     # plural forms by the catalogue's rule
    pgettext("salutation", "Dear Sir or Madam")                      # one English text, two German translations

Each returns a :class:`Text`, so ``.format``, ``.pick`` and ``.to_wire`` work as before. Counts in a text always go
through ``ngettext`` (German ``Plural-Forms`` from the catalogue, English ``n != 1``), so "in 1 Tagen" cannot happen.
``tests/i18n`` fails when a msgid in the code lacks a German translation, an entry is fuzzy, empty or obsolete, a
plural form is missing, or placeholders differ. ``scripts/i18n_extract.py`` adds new msgids to the catalogues.

``Text(de, en)`` built directly is for data only: values that come from somewhere with both languages already
(a JSON table, another service's wire text, a formatted date or amount), never for a product text written in the
code. ``tests/i18n/direct_texts.txt`` lists the places that may do it; a new one fails the test.

The catalogues are read with Babel's ``read_po`` at first use (no compile step) and kept for the process.
"""

from __future__ import annotations

import gettext as _gettext
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Callable, Mapping

from babel.messages.pofile import read_po

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"


@dataclass(frozen=True, slots=True)
class Text:
    de: str
    en: str

    def format(self, **params: Any) -> "Text":
        """Fill ``{placeholders}`` in both languages; params that are Texts are picked per language."""
        de_params = {k: (v.de if isinstance(v, Text) else v) for k, v in params.items()}
        en_params = {k: (v.en if isinstance(v, Text) else v) for k, v in params.items()}
        return Text(self.de.format(**de_params), self.en.format(**en_params))

    def pick(self, lang: str | None) -> str:
        return self.en if lang == "en" else self.de

    def to_wire(self) -> dict[str, str]:
        return {"de": self.de, "en": self.en}

    @classmethod
    def from_wire(cls, data: Any) -> "Text":
        if isinstance(data, Text):
            return data
        if isinstance(data, Mapping):
            de = str(data.get("de") or data.get("en") or "")
            en = str(data.get("en") or data.get("de") or "")
            return cls(de, en)
        return cls(str(data), str(data))


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


class Catalogue:
    """One package's German translations, read from its ``.po`` file; hands out :class:`Text` values."""

    def __init__(self, domain: str, po_text: str | None) -> None:
        self.domain = domain
        self._messages: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
        self._plural: Callable[[int], int] = _english_plural
        if po_text is None:
            return
        catalog = read_po(po_text.splitlines(keepends=True), locale="de", domain=domain)
        self._plural = _gettext.c2py(catalog.plural_expr)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
            if isinstance(message.string, (list, tuple)):
                forms = tuple(str(s or "") for s in message.string)
                if all(forms):
                    self._messages[(message.context, key)] = forms
            elif message.string:
                self._messages[(message.context, key)] = str(message.string)

    def _one(self, context: str | None, message: str) -> Text:
        german = self._messages.get((context, message))
        if isinstance(german, tuple):
            german = german[0]
        return Text(german or message, message)

    def _many(self, context: str | None, singular: str, plural: str, n: int) -> Text:
        english = singular if _english_plural(n) == 0 else plural
        forms = self._messages.get((context, singular))
        if not isinstance(forms, tuple):
            return Text(english, english)
        index = self._plural(n)
        return Text(forms[index] if index < len(forms) else forms[-1], english)

    def gettext(self, message: str) -> Text:
        return self._one(None, message)

    def pgettext(self, context: str, message: str) -> Text:
        return self._one(context, message)

    def ngettext(self, singular: str, plural: str, n: int) -> Text:
        return self._many(None, singular, plural, n)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> Text:
        return self._many(context, singular, plural, n)


def po_path(package: str, language: str = "de") -> Any:
    """Where a package's catalogue lives (an importlib.resources Traversable)."""
    return resources.files(package) / "locale" / language / "LC_MESSAGES" / f"{package}.po"


@cache
def catalogue(package: str) -> Catalogue:
    """The catalogue of a top-level package (``"crm"``, ``"gateway"``, ``"svckit"``), read once per process."""
    path = po_path(package)
    return Catalogue(package, path.read_text(encoding="utf-8") if path.is_file() else None)


_svckit = catalogue("svckit")
_ = _svckit.gettext
ngettext = _svckit.ngettext
pgettext = _svckit.pgettext
npgettext = _svckit.npgettext


def normalise_language(value: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Reduce 'de-AT', 'en_GB', 'EN' ... to one of the product languages."""
    if not value:
        return default
    head = value.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGUAGES else default


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Pick de or en from an HTTP Accept-Language header, honouring q-values."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(","):
        lang, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = lang.strip().lower().split("-")[0]
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best
