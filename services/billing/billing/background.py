"""Work that outlives the RPC that started it (a back-office job run): a managed thread of the service container,
killed with the container; its progress lives in the database, so any replica can answer the poll."""

from __future__ import annotations

from nameko.extensions import DependencyProvider


class Background(DependencyProvider):
    def get_dependency(self, worker_ctx) -> Background:
        return self

    def spawn(self, fn, *args) -> None:
        self.container.spawn_managed_thread(lambda: fn(*args))

    def outbox_writer(self, attr: str = "outbox"):
        """An outbox writer for work outside a worker (published by the relay on its next tick)."""
        from svckit.outbox import OutboxWriter

        relay = next(d for d in self.container.dependencies if d.attr_name == attr)
        return OutboxWriter(relay.table, None, relay)
