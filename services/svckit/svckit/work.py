"""The unit of work every use case of every service runs in, and the dependency that opens it per worker.

The calling convention of all five services::

    def create_contact(work: Work, data: ContactCreate) -> dict:   # usecases/: validated input, never raw RPC args
        ...
        work.emit(events.CONTACT_CREATED, events.contact_payload(contact))
        return contact_dict

    @rpc
    def create_contact(self, data: dict) -> dict:                   # entrypoints/: parse, call one use case
        with self.work() as work:                                   # commits when the block ends without an error
            return contacts.create_contact(work, parse(ContactCreate, data))

A :class:`Work` carries the SQLAlchemy ``session``, ``now`` (read once from the service's
:class:`svckit.clock.Clock`) and ``today`` (the clock's day, which a test may pin), the caller's ``principal``,
the caller's ``client`` info (a dict, e.g. identity's ip and user agent), the service ``config``, and two collectors
of side effects: events (``work.emit(name, payload)``) are written to the service's outbox table in the same
transaction when ``work.commit()`` runs, so they are published only if the change is committed; after-commit hooks
(``work.after_commit(fn)``: mails, cache invalidations) run once the commit succeeded. Use cases and repositories
never call ``session.commit()`` themselves; a use case that must commit in steps calls ``work.commit()``.

The service declares ``work = UnitOfWork()`` next to its ``Database``, ``Clock``, ``Auth`` and ``Outbox``; the
provider finds them by type (not by attribute name). Outside a worker (seeds, CLIs, job runners, tests) build a
``Work`` directly: ``Work(session, utcnow(), Principal.system("crm"), outbox=OutboxWriter(outbox_table, None, None))``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from . import deps, tracing
from .clock import Clock
from .db import Database
from .entrypoints import Auth
from .errors import WIRE_ERRORS
from .outbox import Outbox
from .principal import Principal

log = logging.getLogger(__name__)


class EventSink(Protocol):
    """Where committed events go: ``svckit.outbox.OutboxWriter`` (or a test's collector)."""

    def add(self, session: Session, event_type: str, payload: dict[str, Any]) -> None: ...


class Work:
    """One unit of work: a session, the time, the caller, and the side effects that wait for the commit."""

    def __init__(self, session: Session, now: datetime, principal: Principal, *, outbox: EventSink | None = None,
                 client: Mapping[str, Any] | None = None, config: dict[str, Any] | None = None,
                 today: date | None = None):
        self.session = session
        self.now = now
        self.principal = principal
        self.outbox = outbox
        self.client: dict[str, Any] = dict(client or {})
        self.config: dict[str, Any] = config if config is not None else {}
        self._today = today
        #: events emitted and not yet written to the outbox (``commit`` writes them, in order)
        self.pending: list[tuple[str, dict[str, Any]]] = []
        #: every event this unit of work wrote to the outbox (for tests and logs)
        self.emitted: list[tuple[str, dict[str, Any]]] = []
        self._hooks: list[Callable[[], None]] = []
        self._span: tracing.Started | None = None

    @property
    def today(self) -> date:
        """The clock's day (pinned in tests and demos), else the UTC date of ``now``."""
        return self._today or self.now.date()

    # --- side effects -------------------------------------------------------------------------------------------
    def emit(self, event_name: str, payload: dict[str, Any]) -> None:
        """Publish ``event_name`` if and only if this unit of work commits (written to the outbox at commit)."""
        self.pending.append((event_name, payload))

    def emit_all(self, events: Iterable[tuple[str, dict[str, Any]]]) -> None:
        for name, payload in events:
            self.emit(name, payload)

    def after_commit(self, hook: Callable[[], None], first: bool = False) -> None:
        """Run ``hook`` once the next commit succeeded (never when the work is rolled back); hooks run in the order
        they were added, a ``first`` one before the others."""
        if first:
            self._hooks.insert(0, hook)
        else:
            self._hooks.append(hook)

    def write_events(self) -> None:
        """Write the pending events into the outbox table, in the session's transaction (``commit`` does this)."""
        pending, self.pending = self.pending, []
        if self.outbox is None:
            if pending:
                log.warning("no outbox: %d event(s) dropped (%s)", len(pending), ", ".join(n for n, _ in pending))
            return
        for name, payload in pending:
            self.outbox.add(self.session, name, payload)
        self.emitted.extend(pending)

    def commit(self) -> None:
        """Write the pending events, commit the session, then run the after-commit hooks."""
        self.write_events()
        self.session.commit()
        hooks, self._hooks = self._hooks, []
        for hook in hooks:
            hook()

    # --- ``with self.work() as work:`` commits when the block ends without an exception --------------------------
    # (the block is a span of the trace, svckit.tracing: its database transaction)
    def __enter__(self) -> Work:
        self._span = tracing.Started("unit of work", attributes={"db.system": "postgresql"})
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        span, self._span = self._span, None
        try:
            if exc_type is None:
                self.commit()
            else:  # nothing of a failed unit of work leaves: the session is rolled back when the worker ends
                self.pending = []
                self._hooks = []
        except BaseException as failed:
            if span is not None:
                span.end(failed, WIRE_ERRORS)
            raise
        if span is not None:
            span.end(exc, WIRE_ERRORS)


W = TypeVar("W", bound=Work)


class WorkOpener(Generic[W]):
    """What an entrypoint sees as ``self.work``: ``self.work()`` opens a unit of work for this worker."""

    def __init__(self, provider: UnitOfWork[W], worker_ctx: Any):
        self.provider = provider
        self.worker_ctx = worker_ctx

    def __call__(self, principal: Principal | None = None, client: Mapping[str, Any] | None = None) -> W:
        """A :class:`Work` as the caller (or as ``principal``, e.g. ``Principal.system(...)`` in an event handler)."""
        return self.provider.open(self.worker_ctx, principal, client)


class UnitOfWork(DependencyProvider, Generic[W]):
    """Declared on every service as ``work = UnitOfWork()``; a subclass may set ``work_class`` and override
    :meth:`extras` for service-specific collaborators (identity's mailer and principal-cache invalidator)."""

    work_class: type[Work] = Work

    def setup(self) -> None:
        self.database = deps.find(self.container, Database)
        self.clock = deps.find(self.container, Clock)
        self.auth = deps.find(self.container, Auth)
        self.outbox = deps.find_optional(self.container, Outbox)

    def get_dependency(self, worker_ctx: Any) -> WorkOpener[W]:
        return WorkOpener(self, worker_ctx)

    def extras(self, worker_ctx: Any) -> dict[str, Any]:
        """Keyword arguments for ``work_class`` besides the common ones."""
        return {}

    def open(self, worker_ctx: Any, principal: Principal | None = None,
             client: Mapping[str, Any] | None = None) -> W:
        session = self.database.sessions[worker_ctx]
        if principal is None:
            principal = self.auth.contexts[worker_ctx].principal
        writer = self.outbox.writers.get(worker_ctx) if self.outbox is not None else None
        work = self.work_class(session, self.clock.now(), principal, outbox=writer, client=client,
                               config=self.container.config, today=self.clock.fixed, **self.extras(worker_ctx))
        return work  # type: ignore[return-value]  # work_class is W for a typed subclass
