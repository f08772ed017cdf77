"""Liveness and readiness (the gateway's own answers, no service contract: their models live here)."""

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


class Readiness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready", "not ready"]
    services: dict[str, ServiceHealth]
    elapsed_ms: float


class Healthz(Resource):
    """Alive: the process answers. Never touches the broker (a broker outage must not restart every gateway)."""

    def on_get(self, req, resp):
        resp.media = {"status": "ok"}


class Readyz(Resource):
    """Ready: every service answers its health RPC within the timeout and reports its database and broker ok."""

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
    # every service's health RPC at once: a custom resource
    Route("get", "/readyz", "", resource=Readyz, auth="public", tag="health", operation_id="readyz",
          summary="Readiness: every service answers its health RPC", response=Readiness,
          responses={"503": {"description": "at least one service is not ready", "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}}),
]


def register(app, deps) -> None:
    routing.register(app, deps, ROUTES)


OPENAPI: dict = routing.openapi(ROUTES, TAGS)
