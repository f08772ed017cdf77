"""Liveness and readiness."""

from __future__ import annotations

import time

import falcon

from ..resource import Resource


class Healthz:
    """Alive: the process answers. Never touches the broker (a broker outage must not restart every gateway)."""

    auth_required = False

    def on_get(self, req, resp):
        resp.media = {"status": "ok"}


class Readyz(Resource):
    """Ready: every service answers its health RPC within the timeout and reports its database and broker ok."""

    auth_required = False

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


def register(app, deps) -> None:
    app.add_route("/healthz", Healthz())
    app.add_route("/readyz", Readyz(deps.rpc, deps.settings))


_service_report = {
    "type": "object",
    "properties": {
        "service": {"type": "string"}, "version": {"type": "string"}, "ok": {"type": "boolean"},
        "database": {"type": "object"}, "broker": {"type": "object"},
    },
}

OPENAPI = {
    "tags": [{"name": "health", "description": "Liveness and readiness probes"}],
    "paths": {
        "/healthz": {"get": {
            "tags": ["health"], "summary": "Liveness: the gateway process answers", "security": [],
            "operationId": "healthz",
            "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"status": {"const": "ok"}}}}}}},
        }},
        "/readyz": {"get": {
            "tags": ["health"], "summary": "Readiness: every service answers its health RPC", "security": [],
            "operationId": "readyz",
            "responses": {
                "200": {"description": "every service is ready", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Readiness"}}}},
                "503": {"description": "at least one service is not ready", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Readiness"}}}},
            },
        }},
    },
    "components": {"schemas": {"Readiness": {
        "type": "object", "required": ["status", "services"],
        "properties": {"status": {"enum": ["ready", "not ready"]},
                       "services": {"type": "object", "additionalProperties": _service_report},
                       "elapsed_ms": {"type": "number"}},
    }}},
}
