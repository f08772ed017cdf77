"""Service-to-service RPC with a deadline.

nameko's ``RpcProxy`` waits for a reply forever: a call to a service that is down would hang the calling worker
until that service comes back. ``ServiceRpc("crm", timeout=10)`` gives the same proxy with a deadline: the
request carries an AMQP expiration (the broker drops it if nobody took it in time, so it is not executed late for
a caller that gave up), and a reply that does not come in time raises ``Unavailable``. Requests are transient
(see gateway.rpc for why). The caller's principal travels in the context data as always, with the request id
and, per call, the ``traceparent`` of a client span (svckit.tracing) and the call's deadline (svckit.deadline): the
calling RPC worker's own, or ``timeout`` from now if that comes first; a call whose deadline already passed is not
sent (``Unavailable(reason="deadline")``).

Principal tokens expire (svckit.principal). A worker that runs longer than a token lives (a pressbase transfer
job calling crm batch after batch) keeps acting for its principal: before each call, a token with less than half
of its lifetime left is minted afresh with the same content, provided a key of the ring signed it and it had not
expired when the worker started (an expired token a worker received stays expired: downstream it is anonymous).
"""

from __future__ import annotations

import time

import eventlet
from nameko.rpc import RpcProxy

from . import deadline, tracing
from . import principal as principal_mod
from .errors import WIRE_ERRORS, Unavailable
from .i18n import _

UNAVAILABLE = _("The {service} service does not answer.")


def refresh_principal(data: dict, ring, started: float, now: float | None = None) -> bool:
    """Re-mint the principal token in a worker's context ``data`` when less than half of its lifetime is left and it
    was valid when the worker started (see the module doc). True if it was replaced."""
    token = data.get(principal_mod.CONTEXT_KEY)
    if not token or ring is None:
        return False
    checked = principal_mod.verify(token, ring)
    if checked is None:
        return False
    principal, exp = checked
    now = time.time() if now is None else now
    ttl = ring.service_ttl if principal.kind == "service" else ring.ttl
    if exp - now >= ttl / 2 or exp <= started:
        return False
    data[principal_mod.CONTEXT_KEY] = principal_mod.encode(principal, ring, now=now)
    return True


class _TimedMethod:
    def __init__(self, method_proxy, service: str, timeout: float, owner: "TimedServiceProxy | None" = None):
        self._method = method_proxy
        self._service = service
        self._timeout = timeout
        self._owner = owner

    def __call__(self, *args, **kwargs):
        return self.call_async(*args, **kwargs).result()

    def call_async(self, *args, **kwargs):
        worker_ctx = None
        if self._owner is not None:
            self._owner.refresh()
            worker_ctx = self._owner._worker_ctx
        # the call's deadline: the caller's own (an RPC worker's), never later than this proxy's timeout from now
        until = deadline.deadline_in(self._timeout)
        own = deadline.worker_deadline(worker_ctx)
        if own is not None:
            until = min(until, own)
        left = deadline.remaining(until) or 0.0
        if left <= 0:
            raise deadline.expired(self._service)
        data = getattr(worker_ctx, "data", None)
        saved = data.get(deadline.DEADLINE_KEY) if data is not None else None
        if data is not None:
            data[deadline.DEADLINE_KEY] = until
        try:
            # a client span whose traceparent the call carries in the context data (svckit.tracing)
            reply = tracing.call_async(data, self._service, getattr(self._method, "method_name", "?"),
                                       lambda: self._method.call_async(*args, **kwargs), WIRE_ERRORS)
        finally:
            if data is not None:
                if saved is None:
                    data.pop(deadline.DEADLINE_KEY, None)
                else:
                    data[deadline.DEADLINE_KEY] = saved
        return _TimedReply(reply, self._service, left)


class _TimedReply:
    def __init__(self, reply, service: str, timeout: float):
        self._reply, self._service, self._timeout = reply, service, timeout

    def result(self):
        try:
            with eventlet.Timeout(self._timeout):
                return self._reply.result()
        except eventlet.Timeout:
            raise Unavailable(UNAVAILABLE.format(service=self._service), service=self._service,
                              reason="timeout") from None


class TimedServiceProxy:
    def __init__(self, proxy, service: str, timeout: float, worker_ctx=None, ring=None):
        self._proxy, self._service, self._timeout = proxy, service, timeout
        self._worker_ctx, self._ring, self._started = worker_ctx, ring, time.time()

    def refresh(self) -> None:
        if self._worker_ctx is not None:
            refresh_principal(self._worker_ctx.data, self._ring, self._started)

    def __getattr__(self, name: str) -> _TimedMethod:
        return _TimedMethod(getattr(self._proxy, name), self._service, self._timeout, self)


class ServiceRpc(RpcProxy):
    """``crm_rpc = ServiceRpc("crm")``; ``self.crm_rpc.resolve_recipients(...)`` raises Unavailable on timeout."""

    def __init__(self, target_service: str, timeout: float = 15.0, **options):
        options.setdefault("delivery_mode", 1)
        options.setdefault("expiration", int(timeout * 1000))
        super().__init__(target_service, **options)
        self.timeout = timeout

    def setup(self) -> None:
        super().setup()
        secret = self.container.config.get("PRINCIPAL_SECRET")
        self.ring = principal_mod.KeyRing.coerce(secret) if secret else None

    def get_dependency(self, worker_ctx) -> TimedServiceProxy:
        return TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout,
                                 worker_ctx, getattr(self, "ring", None))
