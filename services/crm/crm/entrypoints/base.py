"""What every entrypoint mixin shares: the dependencies it expects and committing with events."""

from __future__ import annotations

from typing import Iterable


class Entrypoints:
    """Mixins rely on the service declaring ``db``, ``auth``, ``outbox`` (and ``storage``, ``jobs``)."""

    def commit(self, events: Iterable[tuple[str, dict]] = ()) -> None:
        for event_type, payload in events:
            self.outbox.add(self.db, event_type, payload)
        self.db.commit()
