"""Liveness and readiness (the gateway's own answers, no service contract: their models live here).

- ``/healthz``: the process answers. Never touches the broker or any service.
- ``/readyz`` (the readiness probe): what the gateway itself needs to serve: its settings (checked when the app was
  built: an invalid setting stops the start) and a connection to the broker. Never a service's health: one service
  down must not take every gateway pod out of the load balancer (the web app, the status page, tracking and
  unsubscribe links would vanish with it); that service's areas answer 503 instead. Each service's state is on
  the public ``/api/v1/status`` (routes/status.py) and in the metrics.
- ``/readyz/services``: every service's health RPC with its details, for tools that wait until the whole suite is
  up (``make run``'s announcer, the end-to-end and browser tests); no probe uses it.
"""

from __future__ import annotations

import time
from typing import Any, Literal

import falcon
from pydantic import BaseModel, ConfigDict, Field

from .. import routing
from ..resource import Resource
from ..routing import Route

TAGS = [{"name": "health", "description": "Liveness and readiness probes"}]


class Liveness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]


class ServiceHealth(BaseModel):
    """One service's answer to its health RPC (its own details: version, database, broker ...), or ``ok: false``
    with the error's type when it did not answer. Open: each service reports what it checks."""

    model_config = ConfigDict(extra="allow")

    ok: bool
    service: str | None = None
    version: str | None = None
    database: dict[str, Any] | None = None
    broker: dict[str, Any] | None = None
    error: str | None = Field(default=None, description="why it did not answer (the error's type)")


class BrokerCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ok: bool
    error: str | None = Field(default=None, description="why the broker could not be reached (the error's type)")


class Readiness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready", "not ready"]
    settings: Literal["ok"] = Field(description="the gateway's settings were valid at its start (else it would not "
                                    "run)")
    broker: BrokerCheck
    elapsed_ms: float


class SuiteReadiness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready", "not ready"]
    services: dict[str, ServiceHealth]
    elapsed_ms: float


class Healthz(Resource):
    """Alive: the process answers. Never touches the broker (a broker outage must not restart every gateway)."""

    def on_get(self, req, resp):
        resp.media = {"status": "ok"}


class Readyz(Resource):
    """Ready: the gateway's settings and its broker connection (see the module doc); no RPC."""

    def on_get(self, req, resp):
        started = time.perf_counter()
        error = self.rpc.broker_error(timeout=self.settings.ready_timeout)
        resp.status = falcon.HTTP_200 if error is None else falcon.HTTP_503
        resp.media = {"status": "ready" if error is None else "not ready", "settings": "ok",
                      "broker": {"ok": error is None, **({"error": error} if error else {})},
                      "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}


class SuiteReadyz(Resource):
    """The whole suite is ready: every service answers its health RPC within the timeout and reports its database
    and broker ok (for tools, not a probe)."""

    def on_get(self, req, resp):
        started = time.perf_counter()
        services = self.settings.services
        results = self.rpc.call_many([(s, "health", (), {}) for s in services], request_id=req.context.request_id,
                                     timeout=self.settings.ready_timeout, return_exceptions=True)
        report = {}
        for service, result in zip(services, results, strict=False):
            if isinstance(result, Exception):
                report[service] = {"ok": False, "error": type(result).__name__}
            else:
                report[service] = result
        ok = all(r.get("ok") for r in report.values())
        resp.status = falcon.HTTP_200 if ok else falcon.HTTP_503
        resp.media = {"status": "ready" if ok else "not ready", "services": report,
                      "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}


ROUTES = [
    Route("get", "/healthz", "", resource=Healthz, auth="public", tag="health", operation_id="healthz",
          summary="Liveness: the gateway process answers", response=Liveness),
    # the gateway's own readiness (the probe): a custom resource
    Route("get", "/readyz", "", resource=Readyz, auth="public", tag="health", operation_id="readyz",
          summary="Readiness of the gateway: its settings and its broker connection (no service's health)",
          response=Readiness,
          responses={"503": {"description": "the broker cannot be reached", "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}}),
    # every service's health RPC at once: a custom resource
    Route("get", "/readyz/services", "", resource=SuiteReadyz, auth="public", tag="health",
          operation_id="suiteReadyz", summary="Every service answers its health RPC (for tools; not a probe)",
          response=SuiteReadiness,
          responses={"503": {"description": "at least one service is not ready", "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/SuiteReadiness"}}}}}),
]


def register(app, deps) -> None:
    routing.register(app, deps, ROUTES)


OPENAPI: dict = routing.openapi(ROUTES, TAGS)
