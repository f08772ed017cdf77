"""Database access for nameko services: SQLAlchemy 2 sessions on psycopg 3, cooperative under eventlet.

psycopg 3 picks a C wait function that blocks the whole eventlet hub while a query runs: ten workers each waiting
0.3 s on PostgreSQL then take three seconds in series. :func:`make_psycopg_cooperative` swaps in psycopg's
select-based wait function (``select`` is green once eventlet has patched it), so a worker waiting on the database
yields to the others. The test ``test_db_calls_do_not_block_the_hub`` proves it.
"""

from __future__ import annotations

import os
import selectors
import weakref
from contextlib import contextmanager
from typing import Iterator

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import psycopg.waiting  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from .settings import database_url  # noqa: E402


def make_psycopg_cooperative() -> None:
    psycopg.waiting.wait = psycopg.waiting.wait_select
    # wait_conn (used while connecting) looks up a selector class bound at import time; use the current (green) one
    psycopg.waiting.DefaultSelector = selectors.DefaultSelector


make_psycopg_cooperative()


def make_engine(url: str, pool_size: int = 10, **kwargs) -> Engine:
    """One engine per service process; the pool holds a connection for every concurrent worker."""
    options = dict(
        pool_size=pool_size,
        max_overflow=0,
        pool_pre_ping=True,
        pool_timeout=30,
        pool_recycle=1800,
        connect_args={"application_name": kwargs.pop("application_name", "pressroom")},
    )
    options.update(kwargs)
    return create_engine(url, **options)


class Database(DependencyProvider):
    """Injects a fresh SQLAlchemy ``Session`` into each worker and closes it when the worker ends.

    Commits are explicit and belong inside the entrypoint: nameko sends the RPC reply before worker teardown, so a
    commit in teardown could fail after the caller was told "done". Teardown only closes (rolling back anything
    left uncommitted, e.g. after an exception).
    """

    def __init__(self, service_name: str | None = None):
        self.service_name = service_name
        self.engine: Engine | None = None
        self.sessionmaker: sessionmaker | None = None
        self.sessions: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def setup(self) -> None:
        name = self.service_name or self.container.service_name
        config = self.container.config
        url = (config.get("DB_URIS") or {}).get(name) or database_url(name)
        max_workers = int(config.get("max_workers", 10))
        self.engine = make_engine(url, pool_size=max_workers + 4, application_name=name)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> Session:
        session = self.sessionmaker()
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx) -> None:
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()


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
