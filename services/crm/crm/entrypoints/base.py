"""What every entrypoint mixin shares: the dependencies it expects and committing with events."""

from __future__ import annotations

from typing import Iterable


class Entrypoints:
    """Mixins rely on the service declaring ``work`` (svckit.work.UnitOfWork: ``with self.work() as work:`` opens
    the unit of work a use case runs in and commits it), ``db``, ``auth``, ``outbox`` (and ``storage``, ``jobs``).
    ``commit`` is left for the job and mailbox entrypoints that do not go through a use case yet."""

    def commit(self, events: Iterable[tuple[str, dict]] = ()) -> None:
        for event_type, payload in events:
            self.outbox.add(self.db, event_type, payload)
        self.db.commit()
