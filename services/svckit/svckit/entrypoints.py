"""What every service's entrypoints share: the caller's principal, request id, and the rpc decorator.

``Auth`` is the dependency that gives a worker its caller (``self.auth.principal``) and lets a service act as
itself for background work (``with self.auth.acting_as(Principal.system(...))``): outgoing RPC calls and events
made meanwhile carry that principal instead.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from contextlib import contextmanager
from typing import Iterator

from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    DEFAULT_TRANSPORT_OPTIONS,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.extensions import DependencyProvider
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from . import deadline, tracing
from . import principal as principal_mod
from .errors import WIRE_ERRORS
from .logs import request_id_var
from .principal import Principal
from .settings import ConfigurationError, check_principal_secret, check_required_secrets

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "request_id"

class _ReplyPublisher(Publisher):
    """RPC replies go to the caller's exclusive, auto-deleted reply queue: persisting them to disk and waiting for a
    broker confirm buys nothing (a caller that is gone cannot read them anyway) and cost a broker round trip each."""

    use_confirms = False
    delivery_mode = 1  # transient
    # nameko writes confirm_publish into this dict on every publish: our own copy, never the shared default
    transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": False}


class _Responder(Responder):
    publisher_cls = _ReplyPublisher


class _RpcConsumer(RpcConsumer):
    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class _Rpc(Rpc):
    """nameko's Rpc entrypoint with the caller's deadline (svckit.deadline): a call that arrives after it is answered
    ``Unavailable(reason="deadline")`` without running; a statement PostgreSQL cancelled at the deadline ends the
    worker with the same answer, logged at warning."""

    rpc_consumer = _RpcConsumer()

    def handle_message(self, body, message):
        left = deadline.remaining(deadline.of(self.unpack_message_headers(message)))
        if left is not None and left <= 0:
            log.warning("%s.%s arrived %.3f s after its caller's deadline: not run", self.container.service_name,
                        self.method_name, -left)
            exc = deadline.expired(self.container.service_name)
            self.rpc_consumer.handle_result(message, None, (type(exc), exc, None))
            return
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None and deadline.is_query_cancelled(exc_info[1]):
            log.warning("%s.%s: a statement was cancelled at the caller's deadline", self.container.service_name,
                        self.method_name)
            exc = deadline.expired(self.container.service_name)
            exc_info = (type(exc), exc, exc_info[2])
        return super().handle_result(message, worker_ctx, result, exc_info)


def rpc(*args, **kwargs):
    """The rpc decorator of every service, bare (``@rpc``) or with options (``@rpc(sensitive_arguments=...)``):
    wire errors are expected outcomes (logged as such, not as crashes); replies are published transient and
    without confirms (see _ReplyPublisher). (nameko's own decorator drops every keyword when used bare, so a
    ``partial`` with ``expected_exceptions`` lost it on ``@rpc``.)"""
    kwargs.setdefault("expected_exceptions", WIRE_ERRORS)
    if len(args) == 1 and callable(args[0]):
        return _Rpc.decorator(**kwargs)(args[0])
    return _Rpc.decorator(*args, **kwargs)


class AuthContext:
    def __init__(self, worker_ctx, secret: str | principal_mod.KeyRing, service_name: str):
        self._worker_ctx = worker_ctx
        self._secret = secret
        self._service_name = service_name
        self._principal: Principal | None = None

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            self._principal = principal_mod.decode(self._worker_ctx.data.get(principal_mod.CONTEXT_KEY), self._secret)
        return self._principal

    @property
    def request_id(self) -> str | None:
        return self._worker_ctx.data.get(REQUEST_ID_KEY)

    def system(self, account_id: str | None = None) -> Principal:
        return Principal.system(self._service_name, account_id=account_id, lang=self.principal.lang)

    @contextmanager
    def acting_as(self, who: Principal) -> Iterator[Principal]:
        """Calls and events inside the block carry ``who``; the caller's principal is restored afterwards."""
        data = self._worker_ctx.data
        saved = data.get(principal_mod.CONTEXT_KEY)
        saved_obj = self._principal
        data[principal_mod.CONTEXT_KEY] = principal_mod.encode(who, self._secret)
        self._principal = who
        try:
            yield who
        finally:
            if saved is None:
                data.pop(principal_mod.CONTEXT_KEY, None)
            else:
                data[principal_mod.CONTEXT_KEY] = saved
            self._principal = saved_obj


class Auth(DependencyProvider):
    """Injects an :class:`AuthContext` for the worker's caller; also tags the worker's logs with the request id and
    opens the worker's span in the caller's trace (svckit.tracing)."""

    def setup(self) -> None:
        secret = self.container.config.get("PRINCIPAL_SECRET")
        if not secret:
            raise RuntimeError("PRINCIPAL_SECRET is not configured")
        try:  # production: no missing, development or malformed secret (svckit.settings)
            check_principal_secret(secret)
            check_required_secrets(self.container.config)
        except ConfigurationError as exc:
            log.critical("%s", exc)
            raise
        self.secret = principal_mod.KeyRing.coerce(secret)  # one secret or a key ring (svckit.principal)
        self.contexts: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        tracing.configure(self.container.service_name)

    def get_dependency(self, worker_ctx) -> AuthContext:
        ctx = AuthContext(worker_ctx, self.secret, self.container.service_name)
        self.contexts[worker_ctx] = ctx
        return ctx

    def worker_setup(self, worker_ctx) -> None:
        rid = worker_ctx.data.get(REQUEST_ID_KEY)
        if not rid:
            rid = uuid.uuid4().hex
            worker_ctx.data[REQUEST_ID_KEY] = rid
        request_id_var.set(rid)
        tracing.worker_started(worker_ctx, self.container.service_name)

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        if exc_info is not None and not isinstance(exc_info[1], WIRE_ERRORS):
            log.error("unexpected error in %s", worker_ctx.entrypoint.method_name, exc_info=exc_info,
                      extra={"request_id": worker_ctx.data.get(REQUEST_ID_KEY)})
        tracing.worker_finished(worker_ctx, exc_info, WIRE_ERRORS)
