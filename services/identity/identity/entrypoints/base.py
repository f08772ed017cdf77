from __future__ import annotations

from svckit.validation import parse

from ..schemas import ClientInfo
from ..work import Work


class WorkEntrypoints:
    """Gives every mixin ``self.work(client)``; the dependencies are declared on IdentityService."""

    def work(self, client=None) -> Work:
        info = parse(ClientInfo, client or {}, "client").model_dump() if client else {}
        return Work(self.db, self.clock(), self.auth.principal, self.outbox, self.mailer, self.cache, info,
                    self.config)
