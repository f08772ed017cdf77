from __future__ import annotations

from typing import Any

from svckit.validation import check_no_nul, parse

from ..contracts import ClientInfo
from ..work import Work


class WorkEntrypoints:
    """Gives every mixin ``self.work(client)``; the dependencies are declared on IdentityService."""

    def work(self, client=None) -> Work:
        info = parse(ClientInfo, client or {}, "client").model_dump() if client else {}
        return Work(self.db, self.clock.now(), self.auth.principal, self.outbox, self.mailer, self.cache, info,
                    self.config)


def search_text(query: Any, field: str) -> str | None:
    """A search term from a query string: at most 200 characters; NUL is refused naming the field (PostgreSQL
    cannot hold it in a pattern)."""
    if not query:
        return None
    text = str(query)[:200]
    check_no_nul(text, field)
    return text
