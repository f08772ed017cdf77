"""RPC from gunicorn threads to the nameko services.

nameko's standalone proxy is not thread-safe and costs two AMQP connections to set up, so the gateway keeps one
per thread, created lazily on the thread's first call (after gunicorn has forked) and reused for every request
that thread serves. Per call it swaps in the request's context data (signed principal, request id) and timeout.

Requests carry an AMQP expiration equal to their timeout: a request nobody picked up in time is dropped by the
broker instead of being executed minutes later for a caller that has long given up. For the same reason they are
transient: a request that waits out a broker restart has outlived its caller, and persisting it means the broker's
confirm waits for a disk write (about 2 ms per call here). Confirms stay on: they are how an unknown service is
detected at once (mandatory publish) instead of by timeout.

A service whose process died without closing its connection cleanly (SIGKILL, OOM) leaves its durable queue
``rpc-<service>`` behind, so the mandatory publish still routes. The client therefore knows each service's consumer
count (a passive ``queue_declare``, trusted for ``CONSUMERS_MAX_AGE`` seconds, so the happy path costs one extra
round trip per service and second, not per call) and refreshes it every ``WATCH_EVERY`` seconds while a call waits
for its reply: a queue without consumer answers ``Unavailable`` (reason ``no_consumer``, which opens the circuit) at
once instead of after the whole timeout.

Every call carries its absolute deadline (now + its timeout) in the context data: the service refuses it once the
deadline passed and bounds its SQL by the time left (svckit.deadline). Before a call goes out, the service's
circuit breaker and bulkhead (gateway.resilience) may refuse it at once with ``Unavailable`` (503 + Retry-After):
a service that timed out, has no consumer or keeps failing costs milliseconds, not a thread for the whole timeout,
and a slow one holds at most its share of the worker's threads.
"""

from __future__ import annotations

import collections
import logging
import socket
import threading
import time
from typing import Any, Callable, Iterable

import kombu
from amqp.exceptions import AMQPError, ChannelError
from amqp.exceptions import ConnectionError as AmqpConnectionError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.rpc import MethodProxy
from nameko.standalone.rpc import PollingQueueConsumer, SingleThreadedReplyListener, StandaloneProxyBase

import svckit  # noqa: F401  (kombu import fix, see svckit/__init__.py)
from svckit import deadline, tracing
from svckit import principal as principal_mod
from svckit.entrypoints import REQUEST_ID_KEY
from svckit.errors import WIRE_ERRORS, Unavailable
from svckit.principal import Principal

from . import resilience
from .i18n import _
from .metrics import observe_rpc
from .resilience import Bulkhead, Guards

log = logging.getLogger(__name__)

TRANSIENT = 1

UNAVAILABLE = _("The {service} service does not answer.")

#: a call its service's circuit breaker or bulkhead refused (never sent)
REFUSED = "refused"
#: seconds a service's known consumer count is trusted before a call to it asks the broker again
CONSUMERS_MAX_AGE = 1.0
#: seconds between consumer checks while a call waits for its reply
WATCH_EVERY = 0.5
_SEVERITY = {resilience.OK: 0, resilience.ERROR: 1, resilience.NO_CONSUMER: 2, resilience.TIMEOUT: 3}


class _NoConsumer(Exception):
    """Raised from a reply's wait: nobody consumes the service's queue any more."""


class _ReplyConsumer(PollingQueueConsumer):
    #: the monotonic moment the current calls give up (RpcClient sets it per request)
    deadline: float | None = None
    #: asked every WATCH_EVERY seconds while a reply is awaited; False stops the wait with _NoConsumer
    watch: Callable[[], bool] | None = None

    def get_message(self, correlation_id):
        deadline = self.deadline if self.deadline is not None else time.monotonic() + (self.timeout or 0)
        try:
            while correlation_id not in self.replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout()
                try:
                    self.consumer.connection.drain_events(timeout=min(left, WATCH_EVERY))
                except socket.timeout:   # py-amqp keeps a partly read frame: the connection stays usable
                    if time.monotonic() >= deadline:
                        raise
                    if self.watch is not None and not self.watch():
                        self.provider._reply_events.pop(correlation_id).send_exception(_NoConsumer())
                        return
            body, message = self.replies.pop(correlation_id)
            self.provider.handle_message(body, message)
        except socket.timeout:
            self.provider._reply_events.pop(correlation_id).send_exception(RpcTimeout(self.timeout))
            self._setup_consumer()
        except (OSError, ConnectionError):   # as nameko's: reconnect once and wait again (or let it bubble)
            self._setup_consumer()
            self.get_message(correlation_id)

    def on_message(self, body, message):
        # a reply whose caller timed out earlier is dropped instead of piling up in self.replies
        if message.properties.get("correlation_id") in self.provider._reply_events:
            super().on_message(body, message)
        else:
            message.ack()


class _ReplyListener(SingleThreadedReplyListener):
    def __init__(self, timeout=None):
        super().__init__(timeout=timeout)
        self.queue_consumer = _ReplyConsumer(timeout=timeout)


class _ThreadProxy(StandaloneProxyBase):
    def __init__(self, config: dict):
        super().__init__(config, context_data={}, timeout=None, reply_listener_cls=_ReplyListener)
        self.start()
        self._probe: Any = None   # a channel for passive queue_declare (consumer_count)

    def consumer_count(self, queue: str) -> int | None:
        """How many consumers ``queue`` has; None when it does not exist (the mandatory publish detects that)."""
        try:
            if self._probe is None:
                self._probe = self._reply_listener.queue_consumer.connection.channel()
            return self._probe.queue_declare(queue, passive=True).consumer_count
        except ChannelError:   # NOT_FOUND: the broker closed the channel
            self._probe = None
            return None
        except BaseException:
            self._probe = None
            raise

    def method(self, service: str, method: str, timeout: float) -> tracing.TracedMethod:
        # each call in a client span of the request's trace, its traceparent in the context data (svckit.tracing)
        return tracing.TracedMethod(MethodProxy(self._worker_ctx, service, method, self._reply_listener,
                                                expiration=max(1, int(timeout * 1000)), delivery_mode=TRANSIENT),
                                    self._worker_ctx.data, service, method, WIRE_ERRORS)

    def set_context(self, data: dict, timeout: float) -> None:
        self._worker_ctx.data.clear()
        self._worker_ctx.data.update(data)
        consumer = self._reply_listener.queue_consumer
        consumer.timeout = timeout
        consumer.deadline = time.monotonic() + timeout
        consumer.watch = None


class RpcClient:
    """``rpc.call("crm", "get_contact", contact_id, principal=p, request_id=rid)``."""

    def __init__(self, amqp_uri: str, principal_secret, timeout: float = 15.0, guards: Guards | None = None):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        # per service: circuit breaker and bulkhead (gateway.resilience), shared by the worker's threads
        self.guards = guards or Guards()
        #: calls published per service (tests count them: a call refused by an open circuit never reaches the broker)
        self.published: collections.Counter[str] = collections.Counter()
        # one secret or a key ring (svckit.principal): every call carries a principal token minted for it, signed
        # with the ring's first key and valid for PRINCIPAL_TOKEN_TTL seconds
        self.secret = principal_mod.KeyRing.coerce(principal_secret)
        self.timeout = timeout
        self._local = threading.local()
        self._all: list[_ThreadProxy] = []
        # per service: (monotonic moment checked, consumer count or None for "no such queue"), shared by the threads
        self._consumers: dict[str, tuple[float, int | None]] = {}
        self._lock = threading.Lock()

    def _proxy(self) -> _ThreadProxy:
        proxy = getattr(self._local, "proxy", None)
        if proxy is None:
            proxy = _ThreadProxy(self.config)
            self._local.proxy = proxy
            with self._lock:
                self._all.append(proxy)
        return proxy

    def _discard(self) -> None:
        proxy = getattr(self._local, "proxy", None)
        self._local.proxy = None
        if proxy is not None:
            with self._lock:
                if proxy in self._all:
                    self._all.remove(proxy)
            try:
                proxy.stop()
            except Exception:
                pass

    def broker_error(self, timeout: float = 3.0) -> str | None:
        """None when a connection to the broker opens within ``timeout`` seconds, else the error's type (the
        gateway's readiness, routes/health.py). A fresh connection each time: the threads' own may be idle."""
        try:
            with kombu.Connection(self.config["AMQP_URI"], connect_timeout=timeout) as connection:
                connection.connect()
        except Exception as exc:  # whatever the transport raises: not ready, named
            log.warning("readiness: cannot connect to the broker: %s", exc)
            return type(exc).__name__
        return None

    def _has_consumer(self, proxy: _ThreadProxy, service: str, max_age: float) -> bool:
        """False when the service's RPC queue exists and nobody consumes it (known for at most ``max_age`` s)."""
        known = self._consumers.get(service)
        if known is None or time.monotonic() - known[0] >= max_age:
            try:
                count = proxy.consumer_count(f"rpc-{service}")
            except (OSError, AMQPError):   # a broken connection: the publish or the wait meets it and says so
                return True
            known = self._consumers[service] = (time.monotonic(), count)
        return known[1] != 0

    def context(self, principal: Principal | None, request_id: str | None) -> dict:
        data: dict[str, Any] = {}
        if principal is not None:
            data[principal_mod.CONTEXT_KEY] = principal_mod.encode(principal, self.secret)
        if request_id:
            data[REQUEST_ID_KEY] = request_id
        return data

    def call(self, service: str, method: str, *args, principal: Principal | None = None,
             request_id: str | None = None, timeout: float | None = None, **kwargs) -> Any:
        return self.call_many([(service, method, args, kwargs)], principal=principal, request_id=request_id,
                              timeout=timeout)[0]

    def call_many(self, calls: Iterable[tuple[str, str, tuple, dict]], principal: Principal | None = None,
                  request_id: str | None = None, timeout: float | None = None,
                  return_exceptions: bool = False, breaker: bool = True) -> list[Any]:
        """Send all calls at once, then collect the replies (used by /readyz and fan-out reads); all of them within
        ``timeout``. ``breaker=False`` (the status page's health calls): the circuit breakers neither refuse the
        calls nor learn from their outcomes, so a slow health answer cannot open a healthy service's circuit."""
        timeout = timeout or self.timeout
        calls = list(calls)
        try:
            proxy = self._proxy()
        except (OSError, AmqpConnectionError) as exc:
            log.warning("cannot connect to the broker: %s", exc)
            raise Unavailable(UNAVAILABLE.format(service="broker")) from None
        context = self.context(principal, request_id)
        context[deadline.DEADLINE_KEY] = deadline.deadline_in(timeout)  # services stop work past it (svckit.deadline)
        proxy.set_context(context, timeout)
        refused, entered = self._enter([service for service, *_ in calls], breaker)
        try:
            return self._send_and_collect(proxy, calls, timeout, refused, return_exceptions, breaker)
        finally:
            for bulkhead in entered:
                bulkhead.leave()
                # a probe that ended without an outcome (an unexpected exception) must not block the next one
                if breaker:
                    self.guards.breaker(bulkhead.service).release_probe()

    def _enter(self, services: list[str], use_breaker: bool = True) -> tuple[dict[str, Unavailable], list[Bulkhead]]:
        """Ask each service's circuit breaker, then take a slot of its bulkhead (gateway.resilience); a service that
        may not be called now gets its ``Unavailable`` (with ``Retry-After``) instead, at once."""
        refused: dict[str, Unavailable] = {}
        entered: list[Bulkhead] = []
        for service in dict.fromkeys(services):
            breaker = self.guards.breaker(service)
            if use_breaker and not breaker.allow():
                refused[service] = Unavailable(UNAVAILABLE.format(service=service), service=service,
                                               reason="circuit_open", retry_after=breaker.retry_after())
                continue
            bulkhead = self.guards.bulkhead(service)
            if not bulkhead.try_enter():
                if use_breaker:
                    breaker.release_probe()
                log.warning("%s: %d calls under way, the bulkhead's limit: refused", service, bulkhead.limit)
                refused[service] = Unavailable(UNAVAILABLE.format(service=service), service=service, reason="busy",
                                               retry_after=1)
                continue
            entered.append(bulkhead)
        return refused, entered

    def _send_and_collect(self, proxy: _ThreadProxy, calls: list[tuple[str, str, tuple, dict]], timeout: float,
                          refused: dict[str, Unavailable], return_exceptions: bool,
                          use_breaker: bool = True) -> list[Any]:
        started = time.perf_counter()
        pending: list[Any] = []
        outcomes: list[str] = []   # per call, for gateway.metrics: ok, timeout, no_consumer, error
        for service, method, args, kwargs in calls:
            if service in refused:
                pending.append(refused[service])
                outcomes.append(REFUSED)
                continue
            if not self._has_consumer(proxy, service, CONSUMERS_MAX_AGE):
                log.warning("%s: its queue has no consumer: unavailable", service)
                pending.append(Unavailable(UNAVAILABLE.format(service=service), service=service,
                                           reason=resilience.NO_CONSUMER))
                outcomes.append(resilience.NO_CONSUMER)
                continue
            try:
                with self._lock:
                    self.published[service] += 1
                pending.append(proxy.method(service, method, timeout).call_async(*args, **kwargs))
                outcomes.append("ok")
            except UnknownService:
                pending.append(Unavailable(UNAVAILABLE.format(service=service)))
                outcomes.append("no_consumer")
            except (OSError, AmqpConnectionError):
                self._discard()
                pending.append(Unavailable(UNAVAILABLE.format(service=service)))
                outcomes.append("error")
        results: list[Any] = []
        consumer = proxy._reply_listener.queue_consumer
        for i, ((service, _method, _a, _k), reply) in enumerate(zip(calls, pending, strict=False)):
            try:
                if isinstance(reply, Exception):
                    raise reply
                consumer.watch = lambda s=service: self._has_consumer(proxy, s, WATCH_EVERY)
                try:
                    results.append(reply.result())
                finally:
                    consumer.watch = None
            except _NoConsumer:
                log.warning("%s: its queue lost its consumer while a call waited: unavailable", service)
                results.append(Unavailable(UNAVAILABLE.format(service=service), service=service,
                                           reason=resilience.NO_CONSUMER))
                outcomes[i] = resilience.NO_CONSUMER
            except RpcTimeout:
                results.append(Unavailable(UNAVAILABLE.format(service=service), service=service, reason="timeout"))
                outcomes[i] = "timeout"
            except (OSError, socket.timeout, AmqpConnectionError, RuntimeError):
                self._discard()
                results.append(Unavailable(UNAVAILABLE.format(service=service), service=service))
                outcomes[i] = "error"
            except Exception as exc:  # a wire error (or RemoteError) raised by the service
                results.append(exc)
                if outcomes[i] == "ok" and not isinstance(exc, WIRE_ERRORS):
                    outcomes[i] = "error"
            if outcomes[i] != REFUSED:
                observe_rpc(service, outcomes[i], time.perf_counter() - started)
        # one outcome per service for its breaker: its worst call's
        worst: dict[str, str] = {}
        for (service, *_rest), outcome in zip(calls, outcomes, strict=False):
            if outcome != REFUSED and _SEVERITY[outcome] >= _SEVERITY[worst.get(service, resilience.OK)]:
                worst[service] = outcome
        for service, outcome in worst.items():
            if use_breaker:
                self.guards.breaker(service).record(outcome)
        if not return_exceptions:
            for r in results:
                if isinstance(r, Exception):
                    raise r
        return results

    def close(self) -> None:
        with self._lock:
            proxies, self._all = self._all, []
        for proxy in proxies:
            try:
                proxy.stop()
            except Exception:
                pass
