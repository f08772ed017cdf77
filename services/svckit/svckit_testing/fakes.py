"""Fakes for the fast unit layer (``services/<svc>/tests/usecases``): what stands in for everything outside the
service's own database when a use case or an entrypoint runs without a broker.

- :class:`FakeRpc`: a peer service at the RPC boundary. It records every call (arguments as they would travel:
  through the JSON serializer nameko uses), returns the answers the test configured (also through the serializer)
  and raises configured :class:`svckit.errors.WireError` s as the caller would get them off the wire. A call the
  test did not configure fails the test (never a silent ``MagicMock``).
- :class:`FakeMailer` (transactional mail), :class:`FakeInvalidator` (identity's principal cache),
  :class:`EventCollector` (the outbox: ``add(session, name, payload)``),
  :class:`FakeDispatcher` (nameko's ``EventDispatcher``), :class:`FakeAuth` (the caller and ``acting_as``).
- :class:`Tenant`: an account with a full, a read-only and a hidden client, its principals, and a second account.

The database is never faked: the ``unit`` fixture (:mod:`svckit_testing.unit`) gives a real session on the run's
migrated database.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.utils import json as wire_json
from nameko.exceptions import deserialize, serialize

from svckit.errors import WireError
from svckit.principal import Principal


def over_the_wire(value: Any) -> Any:
    """``value`` as the other side of an RPC call sees it (nameko's JSON serializer: tuples become lists, ...)."""
    return wire_json.loads(wire_json.dumps(value))


class UnexpectedCall(AssertionError):
    """A fake was used in a way the test did not set up."""


class FakeMethod:
    def __init__(self, peer: FakeRpc, name: str):
        self.peer, self.name = peer, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.peer._call(self.name, args, kwargs)

    def call_async(self, *args: Any, **kwargs: Any) -> _Reply:
        """Like ``ServiceRpc``'s ``call_async(...).result()``: the call happens (and is recorded) now."""
        try:
            return _Reply(self(*args, **kwargs), None)
        except Exception as exc:  # raised again by .result(), as a real reply would
            return _Reply(None, exc)


class _Reply:
    def __init__(self, value: Any, error: Exception | None):
        self.value, self.error = value, error

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class FakeRpc:
    """``identity = FakeRpc("identity").answer("create_account", {...})``; then ``identity.calls`` holds
    ``(method, args, kwargs)`` of every call, in order.

    An answer is a value (returned every time), a callable ``(*args, **kwargs) -> value`` or a
    :class:`~svckit.errors.WireError` instance (raised, as it comes off the wire). Set several answers for one method
    with ``answers(method, first, second, ...)`` (one per call, the last repeats).
    """

    def __init__(self, service: str = "peer"):
        self.service = service
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self._answers: dict[str, list[Any]] = {}

    def answer(self, method: str, value: Any) -> FakeRpc:
        self._answers[method] = [value]
        return self

    def answers(self, method: str, *values: Any) -> FakeRpc:
        self._answers[method] = list(values)
        return self

    def fail(self, method: str, error: WireError) -> FakeRpc:
        return self.answer(method, error)

    def called(self, method: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """The ``(args, kwargs)`` of every call of ``method``."""
        return [(args, kwargs) for name, args, kwargs in self.calls if name == method]

    def __getattr__(self, name: str) -> FakeMethod:
        if name.startswith("_"):
            raise AttributeError(name)
        return FakeMethod(self, name)

    def _call(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        sent_args, sent_kwargs = over_the_wire(list(args)), over_the_wire(kwargs)
        self.calls.append((method, tuple(sent_args), sent_kwargs))
        if method not in self._answers:
            raise UnexpectedCall(f"{self.service}.{method} was called but the test gave no answer for it "
                                 f"(args {sent_args!r}, kwargs {sent_kwargs!r})")
        queue = self._answers[method]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, BaseException):
            raise deserialize(serialize(answer))  # the exception type and payload as the caller gets them
        if callable(answer):
            answer = answer(*sent_args, **sent_kwargs)
        return over_the_wire(answer)


class FakeMailer:
    """Transactional mail: ``send(mail)`` records the :class:`svckit.mail.TransactionalMail` in ``sent``."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, mail: Any) -> str:
        self.sent.append(mail)
        return f"<fake-{len(self.sent)}@pressroom.test>"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.sent if getattr(m, "to", None) == address]


class FakeInvalidator:
    """The principal-cache invalidator (:class:`svckit.authcache.Invalidator`): records the session hashes bumped."""

    def __init__(self) -> None:
        self.bumped: list[bytes] = []

    def bump(self, token_hashes: Any) -> None:
        self.bumped.extend(token_hashes)


class EventCollector:
    """Stands in for the outbox writer (``add(session, event_type, payload)``) and for a ``Work``'s event sink:
    records ``(event_type, payload)`` as the payload would travel (JSON)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.used = False

    def add(self, session: Any, event_type: str, payload: dict[str, Any]) -> None:
        self.events.append((event_type, over_the_wire(payload)))
        self.used = True

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def of(self, event_type: str) -> list[dict[str, Any]]:
        return [payload for name, payload in self.events if name == event_type]


class FakeDispatcher(EventCollector):
    """nameko's ``EventDispatcher`` as injected (``self.dispatch(event_type, payload)``)."""

    def __call__(self, event_type: str, payload: dict[str, Any], **kwargs: Any) -> None:
        self.add(None, event_type, payload)


class FakeAuth:
    """The ``Auth`` dependency: ``principal``, ``system()``, ``acting_as(who)`` (recorded in ``acted_as``)."""

    def __init__(self, principal: Principal, service_name: str):
        self._principal = principal
        self.service_name = service_name
        self.request_id = "unit-test"
        self.acted_as: list[Principal] = []

    @property
    def principal(self) -> Principal:
        return self._principal

    def system(self, account_id: str | None = None) -> Principal:
        return Principal.system(self.service_name, account_id=account_id, lang=self._principal.lang)

    @contextmanager
    def acting_as(self, who: Principal) -> Iterator[Principal]:
        saved = self._principal
        self._principal = who
        self.acted_as.append(who)
        try:
            yield who
        finally:
            self._principal = saved


class Missing:
    """A dependency the unit test did not provide: any use fails the test with its name (no silent mock)."""

    def __init__(self, name: str, service: str):
        self._what = f"{service}.{name}"

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise UnexpectedCall(f"the unit test gave the service no {self._what} (used: .{attr}); pass "
                             f"{self._what.split('.')[1]}=... to unit.worker()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise UnexpectedCall(f"the unit test gave the service no {self._what} (called)")


class Tenant:
    """An account with three clients seen from its user: ``client`` (full), ``read_client`` (read) and
    ``hidden_client`` (no right), an administrator (full on all three), and a stranger in ``other_account``.

    ``user``/``admin``/``stranger`` are principals as the gateway would sign them."""

    def __init__(self, lang: str = "de", roles: tuple[str, ...] = ("user",)):
        self.account_id = str(uuid.uuid4())
        self.client, self.read_client, self.hidden_client = (str(uuid.uuid4()) for _ in range(3))
        self.user_id, self.admin_id = str(uuid.uuid4()), str(uuid.uuid4())
        rights = {self.client: "full", self.read_client: "read"}
        self.user = Principal(kind="user", account_id=self.account_id, user_id=self.user_id, roles=roles,
                              clients=rights, lang=lang)
        self.admin = Principal(kind="user", account_id=self.account_id, user_id=self.admin_id,
                               roles=("administrator", "user"),
                               clients={c: "full" for c in (self.client, self.read_client, self.hidden_client)},
                               lang=lang)
        self.other_account = str(uuid.uuid4())
        self.other_client = str(uuid.uuid4())
        self.stranger = Principal(kind="user", account_id=self.other_account, user_id=str(uuid.uuid4()),
                                  roles=("administrator", "user"), clients={self.other_client: "full"}, lang=lang)

    def as_(self, principal: Principal, **changes: Any) -> Principal:
        """A copy of ``principal`` with ``changes`` (e.g. other ``clients``)."""
        return dataclasses.replace(principal, **changes)
