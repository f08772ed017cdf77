"""pytest plugin: every test run gets its own databases and its own RabbitMQ virtual host.

- ``PRESSROOM_DB_PREFIX`` is set to ``pressroom_t<run>_`` at start, so every database URL the code (and any
  subprocess it starts) derives points at this run's databases; ``databases.ensure("crm")`` creates and migrates
  one once per run; all are dropped at the end.
- ``amqp_uri`` creates a throw-away vhost on first use and points ``AMQP_URI`` at it.
- ``run_services(ServiceA, ServiceB)`` starts real nameko containers on that broker and database; after the test
  the databases they used are truncated, so tests do not see each other's rows.
- ``db_session("crm")`` gives a session inside a transaction that is rolled back after the test.
- ``rpc_as(principal)`` gives a standalone RPC proxy that calls as that principal.
- ``unit("crm")`` (``svckit_testing.unit``): the fast unit layer's kit, a rolled-back session with every peer faked
  and no broker; tests under ``services/<svc>/tests/unit`` and ``tests/usecases`` are marked ``unit``.

Register with ``pytest_plugins = ["svckit_testing.plugin"]`` in the root conftest, after ``eventlet.monkey_patch()``.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.orm import Session

from svckit import principal as principal_mod
from svckit.migrate import drop_database, ensure_database, upgrade
from svckit.settings import SERVICES, database_url, principal_secret
from svckit.settings import amqp_uri as configured_amqp_uri

from .rabbit import create_vhost, delete_vhost, uri_with_vhost
from .unit import pytest_collection_modifyitems, unit  # noqa: F401  (registered with this plugin)

RUN_ID = uuid.uuid4().hex[:8]


def _fast_consumer_stop() -> None:
    """nameko's queue consumer notices a stop request only after a 1 s drain timeout (2 s per container stop).
    In tests, poll every 50 ms instead, so starting and stopping real services per test stays cheap."""
    from kombu.mixins import ConsumerMixin
    from nameko.messaging import QueueConsumer

    def consume(self, *args, **kwargs):
        kwargs["safety_interval"] = 0.05
        return ConsumerMixin.consume(self, *args, **kwargs)

    QueueConsumer.consume = consume


def pytest_configure(config):
    config.addinivalue_line("markers", "unit: the fast unit layer (services/*/tests/unit and tests/usecases): "
                                       "no broker; `make unit` runs them all")
    _fast_consumer_stop()
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    run = f"{RUN_ID}{worker.replace('gw', 'w')}"
    config._pressroom_run = run
    os.environ["PRESSROOM_DB_PREFIX"] = f"pressroom_t{run}_"
    for service in SERVICES:  # explicit URLs would bypass the per-run databases
        os.environ.pop(f"{service.upper()}_DATABASE_URL", None)
    os.environ.setdefault("PRINCIPAL_SECRET", principal_secret())


class Databases:
    """The run's service databases, created and migrated on first use, dropped at the end."""

    def __init__(self) -> None:
        self.ready: set[str] = set()
        self.engines: dict[str, Engine] = {}

    def ensure(self, service: str) -> str:
        url = database_url(service)
        if service not in self.ready:
            ensure_database(url)
            upgrade(service, url)
            self.ready.add(service)
        return url

    def engine(self, service: str):
        if service not in self.engines:
            self.engines[service] = create_engine(self.ensure(service), pool_size=2, max_overflow=2)
        return self.engines[service]

    def truncate(self, service: str) -> None:
        engine = self.engine(service)
        with engine.begin() as conn:
            tables = conn.execute(text(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'")).scalars().all()
            if tables:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))

    def drop_all(self) -> None:
        for engine in self.engines.values():
            engine.dispose()
        for service in self.ready:
            try:
                drop_database(database_url(service))
            except Exception:  # pragma: no cover - best effort cleanup
                pass


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    dbs = Databases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def amqp_uri(request) -> Iterator[str]:
    vhost = f"pressroom-test-{request.config._pressroom_run}"
    create_vhost(vhost)
    uri = uri_with_vhost(configured_amqp_uri(), vhost)
    previous = os.environ.get("AMQP_URI")
    os.environ["AMQP_URI"] = uri
    yield uri
    if previous is None:
        os.environ.pop("AMQP_URI", None)
    else:
        os.environ["AMQP_URI"] = previous
    delete_vhost(vhost)


@pytest.fixture
def service_config(amqp_uri, databases):
    """``service_config("identity", "crm")``: a nameko config for these services on the run's broker and DBs."""

    def make(*services: str, **overrides) -> dict:
        config = {
            "AMQP_URI": amqp_uri,
            "DB_URIS": {s: databases.ensure(s) for s in services if s in SERVICES},
            "PRINCIPAL_SECRET": principal_secret(),
            "max_workers": 10,
            "serializer": "json",
            "WEB_SERVER_ADDRESS": "127.0.0.1:0",  # each container's /health on a free port
        }
        config.update(overrides)
        return config

    return make


@pytest.fixture
def run_services(service_config: Callable[..., dict[str, Any]],
                 databases: Databases) -> Iterator[Callable[..., Any]]:
    """Start real nameko services; their databases are truncated after the test."""
    from nameko.runners import ServiceRunner

    runners: list[ServiceRunner] = []
    used: set[str] = set()

    def start(*service_classes, config: dict | None = None, db_services: tuple[str, ...] = ()) -> ServiceRunner:
        names = {cls.name for cls in service_classes if cls.name in SERVICES} | set(db_services)
        used.update(names)
        cfg = service_config(*names)
        if config:
            cfg.update(config)
        runner = ServiceRunner(cfg)
        for cls in service_classes:
            runner.add_service(cls)
        runner.start()
        runners.append(runner)
        return runner

    yield start
    for runner in reversed(runners):
        try:
            runner.stop()
        except Exception:  # pragma: no cover
            runner.kill()
    for service in used:
        databases.truncate(service)


@pytest.fixture
def rpc_as(amqp_uri):
    """``with rpc_as(principal) as rpc: rpc.identity.health()`` (principal None = anonymous)."""
    from contextlib import contextmanager

    from nameko.standalone.rpc import ClusterRpcProxy

    @contextmanager
    def make(principal: principal_mod.Principal | None = None, timeout: float = 15, **context):
        data = dict(context)
        if principal is not None:
            data[principal_mod.CONTEXT_KEY] = principal_mod.encode(principal, principal_secret())
        with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, context_data=data,
                             timeout=timeout) as proxy:
            yield proxy

    return make


@pytest.fixture
def db_session(databases: Databases) -> Iterator[Callable[[str], Session]]:
    """``db_session("crm")``: a session in a transaction rolled back after the test (savepoints for commits)."""
    opened: list[tuple[Connection, RootTransaction, Session]] = []

    def make(service: str) -> Session:
        conn = databases.engine(service).connect()
        trans = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        opened.append((conn, trans, session))
        return session

    yield make
    for conn, trans, session in opened:
        session.close()
        trans.rollback()
        conn.close()


