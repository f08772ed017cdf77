"""Service-to-service RPC with a deadline.

nameko's ``RpcProxy`` waits for a reply forever: a call to a service that is down would hang the calling worker
until that service comes back. ``ServiceRpc("crm", timeout=10)`` gives the same proxy with a deadline: the
request carries an AMQP expiration (the broker drops it if nobody took it in time, so it is not executed late for
a caller that gave up), and a reply that does not come in time raises ``Unavailable``. Requests are transient
(see gateway.rpc for why). The caller's principal travels in the context data as always.
"""

from __future__ import annotations

import eventlet
from nameko.rpc import RpcProxy

from .errors import Unavailable
from .i18n import Text

UNAVAILABLE = Text("Der Dienst {service} antwortet nicht.", "The {service} service does not answer.")


class _TimedMethod:
    def __init__(self, method_proxy, service: str, timeout: float):
        self._method = method_proxy
        self._service = service
        self._timeout = timeout

    def __call__(self, *args, **kwargs):
        return self.call_async(*args, **kwargs).result()

    def call_async(self, *args, **kwargs):
        return _TimedReply(self._method.call_async(*args, **kwargs), self._service, self._timeout)


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
    def __init__(self, proxy, service: str, timeout: float):
        self._proxy, self._service, self._timeout = proxy, service, timeout

    def __getattr__(self, name: str) -> _TimedMethod:
        return _TimedMethod(getattr(self._proxy, name), self._service, self._timeout)


class ServiceRpc(RpcProxy):
    """``crm_rpc = ServiceRpc("crm")``; ``self.crm_rpc.resolve_recipients(...)`` raises Unavailable on timeout."""

    def __init__(self, target_service: str, timeout: float = 15.0, **options):
        options.setdefault("delivery_mode", 1)
        options.setdefault("expiration", int(timeout * 1000))
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx) -> TimedServiceProxy:
        return TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)
