"""Database access for nameko services: SQLAlchemy 2 sessions on psycopg 3, cooperative under eventlet.

psycopg 3 picks a C wait function that blocks the whole eventlet hub while a query runs: ten workers each waiting
0.3 s on PostgreSQL then take three seconds in series. :func:`make_psycopg_cooperative` swaps in psycopg's
select-based wait function (``select`` is green once eventlet has patched it), so a worker waiting on the database
yields to the others. The test ``test_db_calls_do_not_block_the_hub`` proves it.
"""

from __future__ import annotations

import os
import selectors
import time
import weakref
from contextlib import contextmanager
from typing import Iterator

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import psycopg.waiting  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from sqlalchemy import create_engine, event, exc, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from . import deadline  # noqa: E402
from .settings import database_url  # noqa: E402


def make_psycopg_cooperative() -> None:
    psycopg.waiting.wait = psycopg.waiting.wait_select
    # wait_conn (used while connecting) looks up a selector class bound at import time; use the current (green) one
    psycopg.waiting.DefaultSelector = selectors.DefaultSelector  # type: ignore[misc]  # rebinding on purpose


make_psycopg_cooperative()


#: A pooled connection that sat idle longer than this is pinged before it is handed out (see ``ping_when_idle``).
PING_IDLE_SECONDS = float(os.environ.get("DB_PING_IDLE_SECONDS") or 5)


def make_engine(url: str, pool_size: int = 10, **kwargs) -> Engine:
    """One engine per service process; the pool holds a connection for every concurrent worker."""
    options = dict(
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=30,
        pool_recycle=1800,
        connect_args={"application_name": kwargs.pop("application_name", "pressroom")},
    )
    options.update(kwargs)
    engine = create_engine(url, **options)
    if not options.get("pool_pre_ping"):
        ping_when_idle(engine, PING_IDLE_SECONDS)
    return engine


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Pessimistic disconnect handling without a round trip per checkout.

    SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` every time a connection leaves the pool: one extra round trip
    per unit of work (on identity's login, a fifth of the work besides argon2). Here only a connection that sat in
    the pool longer than ``idle_seconds`` is pinged; a dead one is replaced before anybody sees it
    (``DisconnectionError`` makes the pool reconnect). A connection used moments ago that died since (a database
    restart within those seconds) fails its statement once; SQLAlchemy then invalidates the whole pool, so the
    next unit of work gets fresh connections.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as e:
            raise exc.DisconnectionError(f"connection idle for {time.monotonic() - since:.0f} s is gone") from e


def autocommit(session: Session) -> None:
    """Run this session's current unit of work outside a transaction: no BEGIN and no COMMIT round trips.

    Only for work whose every statement is atomic on its own (one read, or one statement that writes): each
    statement commits as it runs. Call it before the session's first statement; ``session.commit()`` then ends
    the unit (a no-op on the server) and returns the connection, and the session's next statement starts an
    ordinary transaction again.
    """
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


class Database(DependencyProvider):
    """Injects a fresh SQLAlchemy ``Session`` into each worker and closes it when the worker ends.

    Commits are explicit and belong inside the entrypoint: nameko sends the RPC reply before worker teardown, so a
    commit in teardown could fail after the caller was told "done". Teardown only closes (rolling back anything
    left uncommitted, e.g. after an exception).
    """

    def __init__(self, service_name: str | None = None):
        self.service_name = service_name
        self.engine: Engine | None = None
        self.sessionmaker: sessionmaker[Session] | None = None
        self.sessions: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def setup(self) -> None:
        name = self.service_name or self.container.service_name
        config = self.container.config
        url = (config.get("DB_URIS") or {}).get(name) or database_url(name)
        max_workers = int(config.get("max_workers", 10))
        self.engine = make_engine(url, pool_size=max_workers + 4, application_name=name)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        from .migrate import refuse_unknown_revision  # a newer release's schema: refuse to start

        refuse_unknown_revision(name, self.engine)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> Session:
        assert self.sessionmaker is not None, "Database.setup() runs before any worker"
        session = self.sessionmaker()
        self.sessions[worker_ctx] = session
        limit_by_deadline(session, deadline.worker_deadline(worker_ctx))
        return session

    def worker_teardown(self, worker_ctx) -> None:
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()


def limit_by_deadline(session: Session, until: float | None, cap_seconds: float | None = None) -> None:
    """Every transaction this session begins runs with ``SET LOCAL statement_timeout`` from the time left until the
    deadline ``until`` (svckit.deadline; at most ``cap_seconds``); beginning one after the deadline raises
    ``Unavailable(reason="deadline")``. Nothing without a deadline or a cap (event handlers, timers, jobs)."""
    if until is None and cap_seconds is None:
        return

    @event.listens_for(session, "after_begin")
    def _limit(session, transaction, connection) -> None:
        ms = deadline.statement_timeout_ms(until, cap_seconds)
        # SET LOCAL means nothing outside a transaction block (svckit.db.autocommit: single statements)
        if ms is not None and connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(ms)}")


@contextmanager
def session_scope(bind: Engine) -> Iterator[Session]:
    """A session for work outside an entrypoint (timers' helpers, background jobs); rolled back unless committed."""
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def ping(session: Session) -> float:
    """Round trip to the database in milliseconds (used by health)."""
    import time

    start = time.perf_counter()
    session.execute(text("SELECT 1"))
    return (time.perf_counter() - start) * 1000
