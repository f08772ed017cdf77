"""What every entrypoint mixin shares: the dependencies it expects."""

from __future__ import annotations


class Entrypoints:
    """Mixins rely on the service declaring ``work`` (svckit.work.UnitOfWork: ``with self.work() as work:`` opens
    the unit of work a use case runs in and commits it), ``auth``, ``config`` (and ``storage``, ``jobs``)."""
