"""Events that must never be lost: written in the business transaction, published after commit.

``self.outbox.add(session, "recipient_bounced", payload)`` inserts a row into the service's ``outbox`` table in the
same transaction as the change it reports. A relay greenthread publishes pending rows as ordinary nameko events
(same exchange, routing key and headers as ``EventDispatcher``: the writing worker's context data, with its request
id and ``traceparent``, see svckit.tracing), so handlers need not know about the outbox. It
runs right after each worker and every ``interval`` seconds; a crash between publish and marking means the event
is published again: handlers are idempotent (events are delivered at least once anyway).
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

import eventlet
from eventlet.event import Event
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider
from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, MetaData, Table, Text, func, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from . import deps, tracing
from .clock import utcnow

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    """Declare the outbox table in a service's metadata (its migration creates it)."""
    return Table(
        "outbox", metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_type", Text, nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("headers", JSONB, nullable=False, server_default="{}"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("ix_outbox_pending", "id", postgresql_where=Column("published_at").is_(None)),
    )


class OutboxWriter:
    def __init__(self, table: Table, worker_ctx, relay: "Outbox"):
        self.table = table
        self.worker_ctx = worker_ctx
        self.relay = relay
        self.used = False

    def add(self, session: Session, event_type: str, payload: dict[str, Any]) -> None:
        headers = {}
        if self.worker_ctx is not None:
            headers = {k: v for k, v in self.worker_ctx.context_data.items() if v is not None}
        # the trace (a producer span under the current one) and request id travel with the event (svckit.tracing)
        for key, value in tracing.event_context(event_type).items():
            if key == tracing.TRACEPARENT_KEY or key not in headers:
                headers[key] = value
        session.execute(self.table.insert().values(event_type=event_type, payload=payload, headers=headers))
        self.used = True  # the relay is woken after the worker, i.e. after the entrypoint committed


class Outbox(DependencyProvider):
    def __init__(self, table: Table, interval: float = 1.0, batch: int = 200):
        self.table = table
        self.interval = interval
        self.batch = batch
        self._wake: Any = None  # eventlet Event while the relay runs
        self._gt = None
        self._running = False

    def setup(self) -> None:
        self.exchange = get_event_exchange(self.container.service_name, self.container.config)
        self.publisher = Publisher(self.container.config[AMQP_URI_CONFIG_KEY], declare=[self.exchange])
        self.writers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def _engine(self):
        from .db import Database

        return deps.find(self.container, Database).engine

    def start(self) -> None:
        self._running = True
        self._wake = Event()
        self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self) -> None:
        self._running = False
        self.poke()
        if self._gt is not None:
            try:
                self._gt.wait()
            except Exception:
                pass

    def kill(self) -> None:
        self._running = False
        if self._gt is not None:
            self._gt.kill()

    def poke(self) -> None:
        if self._wake is not None and not self._wake.ready():
            self._wake.send(True)

    def get_dependency(self, worker_ctx) -> OutboxWriter:
        writer = OutboxWriter(self.table, worker_ctx, self)
        self.writers[worker_ctx] = writer
        return writer

    def worker_teardown(self, worker_ctx) -> None:
        writer = self.writers.pop(worker_ctx, None)
        if writer is not None and writer.used:
            self.poke()

    def _run(self) -> None:
        while self._running:
            try:
                while self.publish_pending() == self.batch:
                    pass
            except Exception:
                log.exception("outbox relay failed; retrying")
            with eventlet.Timeout(self.interval, False):
                self._wake.wait()
            self._wake = Event()

    def publish_pending(self) -> int:
        """Publish one batch of pending events; returns how many were published."""
        t = self.table
        with Session(self._engine()) as session:
            rows = session.execute(
                select(t.c.id, t.c.event_type, t.c.payload, t.c.headers)
                .where(t.c.published_at.is_(None)).order_by(t.c.id)
                .limit(self.batch).with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                headers = {f"nameko.{k}": v for k, v in (row.headers or {}).items()}
                self.publisher.publish(row.payload, exchange=self.exchange, routing_key=row.event_type,
                                       extra_headers=headers)
            if rows:
                session.execute(update(t).where(t.c.id.in_([r.id for r in rows]))
                                .values(published_at=utcnow()))
            session.commit()
            return len(rows)
