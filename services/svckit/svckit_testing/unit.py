"""The fast unit layer: use cases and entrypoints on a real database session, every peer faked, no broker.

``services/<svc>/tests/usecases/`` holds these tests (``services/<svc>/tests/unit/`` the pure domain tests); both
are marked ``unit`` at collection, so ``pytest -m unit services`` (``make unit``) runs all of them. The ``unit``
fixture::

    def test_activation_creates_the_account(unit):
        kit = unit("billing")                                   # a session on the run's migrated billing database
        identity = kit.peer("identity").answer("create_account", {"account_id": ..., "client_ids": [...]})
        result = orders.activate(kit.session, cat, order_id, identity, actor, today, None, kit.clock.now())
        assert identity.called("create_account")[0][0][0]["idempotency_key"] == str(order_id)

    def test_through_the_entrypoint(unit):
        kit = unit("crm")
        service = kit.worker(CrmService, tenant.user)           # nameko's worker_factory, dependencies by type
        with pytest.raises(NotFound):
            service.get_contact(contact_id)

The session is inside a transaction that is rolled back after the test; a ``commit()`` in the code under test
releases a savepoint. ``kit.worker(ServiceClass, principal)`` builds the service instance with nameko's
``worker_factory`` and injects each dependency by its provider type: ``Database`` -> the session, ``Auth`` ->
:class:`~svckit_testing.fakes.FakeAuth`, ``Clock`` -> ``kit.clock`` (a real :class:`svckit.clock.Clock`: ``advance``,
``fixed``), ``Outbox`` -> ``kit.events``, ``UnitOfWork`` -> a ``Work`` on the session, ``ServiceRpc`` ->
``kit.peer(target)``, ``JobRunner`` -> :class:`UnitJobs` (enqueues real rows, runs nothing),
``TransactionalMailer`` -> ``kit.mailer``, ``EventDispatcher`` -> ``kit.dispatched``,
``Config`` -> ``kit.config``; anything else must be passed by name (``kit.worker(Svc, p, storage=...)``) or it is a
:class:`~svckit_testing.fakes.Missing` that fails the test when used.

No broker: while a ``unit`` kit is in use, opening an AMQP connection fails the test (``BrokerUsed``).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.extensions import DependencyProvider
from nameko.testing.services import worker_factory
from sqlalchemy.orm import Session

from svckit.clock import Clock
from svckit.db import Database
from svckit.entrypoints import Auth
from svckit.jobs import JobRunner
from svckit.jobs import cancel as cancel_job
from svckit.jobs import enqueue as enqueue_job
from svckit.mail import TransactionalMailer
from svckit.outbox import Outbox
from svckit.principal import Principal
from svckit.rpc import ServiceRpc

from .fakes import EventCollector, FakeAuth, FakeDispatcher, FakeMailer, FakeRpc, Missing

UNIT_DIRS = ("tests/unit/", "tests/usecases/")


class BrokerUsed(AssertionError):
    """A unit test tried to reach RabbitMQ."""


class Unit:
    """One service's unit-test kit: ``session``, ``clock``, ``events``, ``mailer``, ``dispatched``, ``peer(name)``,
    ``work(principal)``, ``worker(ServiceClass, principal)``."""

    def __init__(self, service: str, session: Session, config: dict[str, Any] | None = None):
        self.service = service
        self.session = session
        self.config: dict[str, Any] = {"PRINCIPAL_SECRET": "unit-test", **(config or {})}
        self.clock = Clock()
        self.events = EventCollector()
        self.mailer = FakeMailer()
        self.dispatched = FakeDispatcher()
        self.peers: dict[str, FakeRpc] = {}
        #: keyword arguments for a service's own ``Work`` subclass (what its ``UnitOfWork.extras`` would give)
        self.work_extras: dict[str, Any] = {}

    def peer(self, service: str) -> FakeRpc:
        """The fake of peer ``service`` (one per kit: configure it, then read its ``calls``)."""
        if service not in self.peers:
            self.peers[service] = FakeRpc(service)
        return self.peers[service]

    def work(self, principal: Principal, *, client: dict[str, Any] | None = None, work_class: Any = None,
             **extra: Any) -> Any:
        """A unit of work (``svckit.work.Work`` or ``work_class``) on the session as ``principal``; its events go to
        ``kit.events`` when it commits."""
        cls = work_class or importlib.import_module("svckit.work").Work
        extras = {**self.work_extras, **extra} if work_class is not None else extra
        return cls(self.session, self.clock.now(), principal, outbox=self.events, client=client,
                   config=self.config, today=self.clock.fixed, **extras)

    def worker(self, service_cls: type, principal: Principal, **given: Any) -> Any:
        """The service instance nameko would build for one worker, its dependencies injected by type (see module)."""
        auth = FakeAuth(principal, getattr(service_cls, "name", self.service))
        deps: dict[str, Any] = {}
        for name, provider in inspect.getmembers(service_cls, lambda a: isinstance(a, DependencyProvider)):
            deps[name] = given.pop(name) if name in given else self._dependency(name, provider, auth, service_cls)
        if given:
            raise TypeError(f"{service_cls.__name__} has no dependencies named {sorted(given)}")
        return worker_factory(service_cls, **deps)

    def _dependency(self, name: str, provider: DependencyProvider, auth: FakeAuth, service_cls: type) -> Any:
        unit_of_work = _unit_of_work_class()
        if isinstance(provider, Database):
            return self.session
        if isinstance(provider, Auth):
            return auth
        if isinstance(provider, Clock):
            return self.clock
        if isinstance(provider, Outbox):
            return self.events
        if unit_of_work is not None and isinstance(provider, unit_of_work):
            work_class = provider.work_class
            return lambda principal=None, client=None: self.work(principal or auth.principal, client=client,
                                                                 work_class=work_class)
        if isinstance(provider, JobRunner):
            return UnitJobs(provider, self.clock)
        if isinstance(provider, TransactionalMailer):  # before ServiceRpc: it is one
            return self.mailer
        if isinstance(provider, ServiceRpc):
            return self.peer(provider.target_service)
        if isinstance(provider, EventDispatcher):
            return self.dispatched
        if isinstance(provider, Config):
            return self.config
        return Missing(name, getattr(service_cls, "name", self.service))


class UnitJobs:
    """``self.jobs`` (svckit.jobs.JobQueue) in a unit test: jobs are really enqueued in the session (rows to assert
    on) and listed in ``enqueued``; nothing runs them (call the handler or the use case directly)."""

    def __init__(self, runner: JobRunner, clock: Clock):
        self.runner, self.clock = runner, clock
        self.enqueued: list[Any] = []
        self.used = False

    def enqueue(self, session: Session, kind: str, principal: Principal, params: dict | None = None,
                client_id: Any = None, key: str | None = None, total: int | None = None) -> Any:
        job = enqueue_job(session, self.runner.model, kind, principal, params, client_id=client_id, key=key,
                          total=total, run_after=self.clock.now())
        self.enqueued.append(job)
        self.used = True
        return job

    def cancel(self, session: Session, job: Any) -> Any:
        return cancel_job(session, self.runner.model, job, self.clock.now())


def _unit_of_work_class() -> Any:
    """``svckit.work.UnitOfWork`` (looked up when used, so the kit also works while a service has none)."""
    try:
        return importlib.import_module("svckit.work").UnitOfWork
    except (ImportError, AttributeError):  # pragma: no cover
        return None


def _refuse_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    import amqp  # type: ignore[import-untyped]  # py-amqp ships no type information
    import kombu

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise BrokerUsed("a unit test opened an AMQP connection: unit tests run without RabbitMQ "
                         "(use run_services/rpc_as in tests/integration instead)")

    monkeypatch.setattr(amqp.Connection, "connect", refuse)
    monkeypatch.setattr(kombu.Connection, "connect", refuse)
    monkeypatch.setattr(kombu.Connection, "ensure_connection", refuse)


@pytest.fixture
def unit(db_session: Callable[[str], Session], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Unit]]:
    """``unit("billing")``: a :class:`Unit` on the run's migrated billing database, rolled back after the test."""
    _refuse_broker(monkeypatch)

    def make(service: str, config: dict[str, Any] | None = None) -> Unit:
        return Unit(service, db_session(service), config)

    yield make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under ``services/<svc>/tests/unit`` or ``tests/usecases`` is marked ``unit``."""
    for item in items:
        path = str(item.path).replace("\\", "/")
        if "/services/" in path and any(part in path for part in UNIT_DIRS):
            item.add_marker(pytest.mark.unit)
