"""Texts in the two languages of the product.

Every message a user may read is a :class:`Text`: German and English side by side. Services build them at the place
where they know what went wrong; the gateway (or a mail renderer) picks the reader's language at the very end. That
way an error raised deep in a service-to-service call still reaches the user in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

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
        lang, _, params = part.strip().partition(";")
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
