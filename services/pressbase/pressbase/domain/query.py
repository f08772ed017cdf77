"""Search queries as users type them, turned into PostgreSQL text search queries; filters, sorting and cursors.

Syntax: words are ANDed; ``"two words"`` is a phrase; ``-word`` excludes; ``word*`` matches as a prefix, and the
last word is a prefix too while the user is typing (``prefix=True``). Each word is folded the way the documents are
(see the migration's ``pressbase_fold``) and stemmed in German and in English; either stem may match.

Relevance: a record whose *name* contains all words comes first (tier 0), then one where all words are in the
name, position, desks, topics or outlets (tier 1), then any other match (tier 2); within a tier the bigger reach
wins. Each tier is an indexed query on its own vector (GIN on ``name_tsv`` / ``main_tsv`` / ``tsv``, B-tree on
reach), so the first page of a common word costs milliseconds, not a ranking of every match.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from svckit.errors import InvalidInput

from ..i18n import _

MAX_TERMS = 12
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([\w][\w\'’.@]*)(\*?)', re.UNICODE)
_WORD = re.compile(r"[\w]+", re.UNICODE)

TIERS = ("name_tsv", "main_tsv", "tsv")   # the vector each relevance tier searches (see db/indexer.py)

SORTS = ("relevance", "name", "reach")

# facet groups: API name -> token prefix in the search tables' ``facets`` arrays
FACETS_JOURNALISTS = {"media_type": "ty", "country": "co", "state": "st", "topic": "tp", "desk": "dk",
                      "language": "la", "frequency": "fr", "outlet": "ou", "dataset": "ds", "freelance": "fl"}
FACETS_OUTLETS = {"media_type": "ty", "country": "co", "state": "st", "topic": "tp", "desk": "dk",
                  "language": "la", "frequency": "fr", "dataset": "ds"}

BAD_CURSOR = _("Invalid cursor (please restart the search).")


@dataclass
class Term:
    words: list[str]          # one word, or the words of a phrase
    negated: bool = False
    prefix: bool = False      # the last word matches as a prefix


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)

    @property
    def positive(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def empty(self) -> bool:
        return not self.positive


def parse_text(text: str | None, prefix_last: bool = True) -> ParsedQuery:
    query = ParsedQuery()
    if not text:
        return query
    for m in _TOKEN.finditer(text):
        if m.group(2) is not None:
            words = _WORD.findall(m.group(2))
            if words:
                query.terms.append(Term(words[:8], negated=bool(m.group(1))))
        else:
            raw = m.group(4)
            words = _WORD.findall(raw)
            negated = bool(m.group(3))
            # "baden-württemberg", "e.mail": the parts are ANDed like separate words
            for i, word in enumerate(words):
                query.terms.append(Term([word], negated=negated, prefix=bool(m.group(5)) and i == len(words) - 1))
        if len(query.terms) >= MAX_TERMS:
            break
    query.terms = query.terms[:MAX_TERMS]
    if prefix_last and text and not text.rstrip().endswith(('"', "*")) and not text.endswith(" "):
        last = query.terms[-1] if query.terms else None
        if last is not None and not last.negated and len(last.words) == 1 and len(last.words[0]) >= 2:
            last.prefix = True
    return query


def words_of(query: ParsedQuery) -> list[str]:
    seen: list[str] = []
    for term in query.terms:
        for w in term.words:
            if w not in seen:
                seen.append(w)
    return seen


@dataclass
class WordForms:
    """What the database made of one word: its stems (German, English) and its folded prefix form."""

    lexemes: list[str]
    plain: str
    corrected: list[str] | None = None   # lexemes used instead because the word is nowhere in the data


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _word_query(forms: WordForms, prefix: bool, weights: str | None) -> str | None:
    w = weights or ""
    alternatives = [f"{_quote(x)}:{w}" if w else _quote(x) for x in (forms.corrected or forms.lexemes)]
    if prefix and forms.plain and not forms.corrected:
        alternatives.append(f"{_quote(forms.plain)}:*{w}")
    if not alternatives:
        return None
    return "(" + " | ".join(alternatives) + ")"


def to_tsquery(query: ParsedQuery, forms: dict[str, WordForms], weights: str | None) -> str | None:
    """The tsquery text for one relevance tier; negated terms are never weight-restricted."""
    parts: list[str] = []
    for term in query.terms:
        pieces = []
        for i, word in enumerate(term.words):
            q = _word_query(forms[word], term.prefix and i == len(term.words) - 1,
                            None if term.negated else weights)
            if q is not None:
                pieces.append(q)
        if not pieces:
            continue  # a stop word ("der", "the") matches everything
        body = " <-> ".join(pieces) if len(pieces) > 1 else pieces[0]
        parts.append(f"!({body})" if term.negated else body)
    if not any(not p.startswith("!") for p in parts):
        return None
    return " & ".join(parts)


# --- cursors --------------------------------------------------------------------------------------------------------

def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, sort: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict) or data.get("s") != sort or not isinstance(data.get("id"), int):
            raise ValueError
        if sort == "name" and not isinstance(data.get("k"), str):
            raise ValueError
        if sort in ("reach", "relevance") and not isinstance(data.get("k"), int):
            raise ValueError
        if sort == "relevance" and data.get("t") not in (0, 1, 2):
            raise ValueError
        return data
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput(fields={"cursor": BAD_CURSOR}) from None
