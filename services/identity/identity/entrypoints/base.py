from __future__ import annotations

from typing import Any

from svckit.validation import check_no_nul


class WorkEntrypoints:
    """The base of every mixin: ``self.work(client=client)`` (identity.work.IdentityUnitOfWork, declared on
    IdentityService with the other dependencies) opens the unit of work a use case runs in."""


def search_text(query: Any, field: str) -> str | None:
    """A search term from a query string: at most 200 characters; NUL is refused naming the field (PostgreSQL
    cannot hold it in a pattern)."""
    if not query:
        return None
    text = str(query)[:200]
    check_no_nul(text, field)
    return text
