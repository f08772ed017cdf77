"""Alembic, the way every service runs it: one database per service, under a PostgreSQL advisory lock.

Each service keeps its migrations inside its package (``identity/migrations``) so they ship with the image.
Its ``env.py`` is two lines: ``from svckit.migrate import run_env; run_env(Base.metadata)``.

Migrations run once per deployment (a Job in Kubernetes, the ``migrate`` service in docker-compose, a step of
``make run``), never at every container start; the advisory lock makes concurrent runs wait for each other and the
lock timeout keeps a migration from queueing behind a long transaction while it holds up all traffic.

``python -m svckit.migrate wait <service> [--timeout S]`` waits until the service's database is at the revision
this code (image) expects: each Kubernetes Deployment runs it as an init container, so a new pod starts only after
the migration Job has migrated its database (docs/operations.md, "Upgrades"). Exit 0: at the code's head; 1: the
timeout passed; 2: the database carries a revision this code does not know (a newer release migrated it).
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
import time
import zlib

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session

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


@functools.cache
def script_directory(service: str):
    """The service's migration scripts (alembic ScriptDirectory), read once per process."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(service, url="postgresql://unused"))


def code_heads(service: str) -> frozenset[str]:
    """The head revision(s) of the service's migration scripts: the schema this code is written for."""
    return frozenset(script_directory(service).get_heads())


@functools.cache
def known_revisions(service: str) -> frozenset[str]:
    """Every revision id among the service's own migration scripts (exact ids: no prefix matching)."""
    return frozenset(script.revision for script in script_directory(service).walk_revisions())


def known_revision(service: str, revision: str) -> bool:
    """Is ``revision`` one of the service's own migration scripts?"""
    return revision in known_revisions(service)


class UnknownRevision(RuntimeError):
    """The database carries a revision this code has no migration script for: a newer release migrated it."""


def database_revision(bind: Engine | Session) -> str | None:
    """The revision in ``alembic_version`` (None: not migrated at all)."""
    if isinstance(bind, Session):
        return bind.execute(text("SELECT version_num FROM alembic_version")).scalar()
    with bind.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None


def refuse_unknown_revision(service: str, engine: Engine) -> None:
    """Raise :class:`UnknownRevision` (after a critical log line) when the database is at a revision the code does
    not know. A database that cannot be reached is not refused: the service starts and reports unready."""
    if service not in SERVICES:
        return
    try:
        found = database_revision(engine)
    except Exception as exc:  # PostgreSQL still starting: /health says so, the start is not refused
        log.warning("%s: cannot read the database revision at start (%s); starting unready",
                    service, type(exc).__name__)
        return
    if found is not None and not known_revision(service, found):
        message = (f"{service}: the database is at revision {found!r}, which this code does not know (its newest "
                   f"is {', '.join(sorted(code_heads(service)))}): a newer release migrated it; refusing to start. "
                   f"Deploy that release (or restore a backup taken at this code's revision).")
        log.critical("%s", message)
        raise UnknownRevision(message)


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


def wait_for_head(service: str, url: str | None = None, timeout: float = 600, interval: float = 2,
                  say=log.info) -> int:
    """Poll the service's database until its revision is the code's head; the exit code of ``wait``."""
    heads = code_heads(service)
    deadline = time.monotonic() + timeout
    engine = create_engine(url or database_url(service), pool_size=1, max_overflow=0,
                           connect_args={"connect_timeout": 5, "application_name": f"{service}-wait"})
    last = object()
    try:
        while True:
            try:
                found: str | None | Exception = database_revision(engine)
            except Exception as exc:  # PostgreSQL not reachable yet: keep waiting
                found = exc
            if isinstance(found, str) and found in heads:
                say(f"{service}: database at revision {found}, the code's head: ready")
                return 0
            if isinstance(found, str) and not known_revision(service, found):
                say(f"{service}: database at revision {found}, unknown to this code (head "
                    f"{', '.join(sorted(heads))}): a newer release migrated it; this image must not start")
                return 2
            state = f"{type(found).__name__}" if isinstance(found, Exception) else f"revision {found}"
            if state != last:
                say(f"{service}: database at {state}, waiting for {', '.join(sorted(heads))} (the migration Job)")
                last = state
            if time.monotonic() >= deadline:
                say(f"{service}: the database did not reach revision {', '.join(sorted(heads))} within "
                    f"{timeout:g} s (found {state}): has the migration Job run?")
                return 1
            time.sleep(interval)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m svckit.migrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    wait = sub.add_parser("wait", help="wait until the service's database is at this code's head revision")
    wait.add_argument("service", choices=SERVICES)
    wait.add_argument("--timeout", type=float, default=600, help="seconds (default 600)")
    wait.add_argument("--interval", type=float, default=2, help="seconds between checks (default 2)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return wait_for_head(args.service, timeout=args.timeout, interval=args.interval)


if __name__ == "__main__":
    sys.exit(main())
