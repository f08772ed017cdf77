"""Alembic, the way every service runs it: one database per service, under a PostgreSQL advisory lock.

Each service keeps its migrations inside its package (``identity/migrations``) so they ship with the image.
Its ``env.py`` is two lines: ``from svckit.migrate import run_env; run_env(Base.metadata)``.

Migrations run once per deployment (a Job in Kubernetes, the ``migrate`` service in docker-compose, a step of
``make run``), never at every container start; the advisory lock makes concurrent runs wait for each other and the
lock timeout keeps a migration from queueing behind a long transaction while it holds up all traffic.
"""

from __future__ import annotations

import logging
import zlib

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from .settings import SERVICES, database_url

log = logging.getLogger(__name__)

LOCK_TIMEOUT = "5s"


def _lock_key(name: str | None) -> int:
    return zlib.crc32(f"pressroom-migrate:{name}".encode()) & 0x7FFFFFFF


def alembic_config(service: str, url: str | None = None, connection: Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", f"{service}:migrations")
    cfg.set_main_option("sqlalchemy.url", (url or database_url(service)).replace("%", "%%"))
    cfg.attributes["service"] = service
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def run_env(target_metadata) -> None:
    """Body of every service's migrations/env.py."""
    from alembic import context

    cfg = context.config
    if context.is_offline_mode():
        context.configure(url=cfg.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                          literal_binds=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    connection = cfg.attributes.get("connection")
    engine = None
    if connection is None:
        url = cfg.get_main_option("sqlalchemy.url")
        assert url is not None, "alembic config without sqlalchemy.url"
        engine = create_engine(url)
        connection = engine.connect()
    try:
        database = connection.engine.url.database
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _lock_key(database)})
        connection.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
        connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _lock_key(database)})
            connection.commit()
    finally:
        if engine is not None:
            connection.close()
            engine.dispose()


def ensure_database(url: str) -> bool:
    """Create the database named in ``url`` if it does not exist. Returns True when it was created."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": target.database}).scalar()
            if exists:
                return False
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
            return True
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def upgrade(service: str, url: str | None = None, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(service, url), revision)


def migrate(services=SERVICES, create: bool = True) -> None:
    for service in services:
        url = database_url(service)
        if create and ensure_database(url):
            log.info("created database %s", make_url(url).database)
        upgrade(service, url)
        log.info("migrated %s", service)
