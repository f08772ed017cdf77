"""The services' connection pool: a connection whose server process died while it sat idle is replaced before a
worker sees it (without a ping round trip on every checkout), and ``autocommit`` runs a unit of work without
BEGIN/COMMIT while the session's next unit is an ordinary transaction again."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from svckit.db import PING_IDLE_SECONDS, autocommit, make_engine


@pytest.fixture
def engine(databases):
    engine = make_engine(databases.ensure("identity"), pool_size=1)
    yield engine
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(databases, pid: int) -> None:
    with databases.engine("identity").connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    for _ in range(50):  # the backend is gone once it no longer shows in pg_stat_activity
        with databases.engine("identity").connect() as conn:
            if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                {"pid": pid}).scalar_one():
                return
        time.sleep(0.05)


def test_a_connection_killed_while_idle_is_replaced_unseen(engine, databases):
    first = _backend_pid(engine)
    _kill(databases, first)
    # age the pooled connection past the idle threshold instead of sleeping
    pool_record = engine.pool._pool.queue[0]
    pool_record.info["idle_since"] -= PING_IDLE_SECONDS + 1
    second = _backend_pid(engine)  # no error: the ping found the dead connection and the pool reconnected
    assert second != first


def test_a_connection_used_moments_ago_is_not_pinged(engine, databases):
    """No ping within the idle window: a killed fresh connection fails once, then the pool recovers."""
    first = _backend_pid(engine)
    _kill(databases, first)
    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != first


def test_autocommit_unit_then_an_ordinary_transaction(engine):
    with Session(bind=engine) as session:
        autocommit(session)
        session.execute(text("CREATE TEMP TABLE IF NOT EXISTS t_pool (v int)"))
        session.execute(text("INSERT INTO t_pool VALUES (1)"))
        session.rollback()  # nothing to roll back: the insert committed as it ran
        session.commit()
        assert session.execute(text("SELECT count(*) FROM t_pool")).scalar_one() == 1
        # the next unit is a transaction again: a rollback undoes it
        session.execute(text("INSERT INTO t_pool VALUES (2)"))
        session.rollback()
        assert session.execute(text("SELECT count(*) FROM t_pool")).scalar_one() == 1
