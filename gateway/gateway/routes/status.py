"""The public status page's data and the operators' incident notes.

``GET /api/v1/status`` needs no login and shows no internals: per component only whether it works (no versions,
hosts, database or broker details, error types), plus the incident notes operators post (identity keeps them).
The answer is computed at most every ``CACHE_SECONDS`` per gateway process, so a busy status page costs the
services nothing more during an outage. If identity itself is down, the notes are missing (``incidents_available``
false) and the components still show.

The answer stays within the gateway's 2 s budget while services are down: a service whose circuit is open
(gateway.resilience) is reported down at once, without a call; the others are asked all at once with a
``STATUS_TIMEOUT`` of 1 s for all of them together, and a queue without consumer fails at once (gateway.rpc). These
calls bypass the circuit breakers (``breaker=False``): a slow health answer never opens a healthy service's circuit.
While one request computes a fresh answer, the others get the previous one instead of waiting.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from identity import contracts as identity
from svckit.errors import Unavailable

from .. import resilience, routing
from ..resource import Resource
from ..routing import Body, Id, Query, QueryDict, Route

P = "/api/v1"
CACHE_SECONDS = 10.0
STATUS_TIMEOUT = 1.0
# what customers see -> the service behind it (the web app is this gateway itself, which is answering)
COMPONENTS = (("login", "identity"), ("contacts", "crm"), ("mailings", "dispatch"), ("pressbase", "pressbase"),
              ("billing", "billing"))


TAGS = [{"name": "status", "description": "Public status page: component health and incident notes"}]


class ComponentState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Literal["web", "login", "contacts", "mailings", "pressbase", "billing"]
    ok: bool


class PublicStatusAnswer(BaseModel):
    """The gateway's own answer (it asks every service's health and identity's incident notes)."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["operational", "degraded"]
    components: list[ComponentState]
    incidents: list[identity.Incident]
    incidents_available: bool = Field(description="false when identity did not answer (the notes are missing)")
    checked_at: datetime


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.at = 0.0
        self.value: dict | None = None


class PublicStatus(Resource):
    def __init__(self, rpc, settings=None):
        super().__init__(rpc, settings)
        self.cache = _Cache()

    def _compute(self, req) -> dict:
        calls = [(service, "health", (), {}) for _, service in COMPONENTS] + [("identity", "public_status", (), {})]
        guards = getattr(self.rpc, "guards", None)
        # a service whose circuit is open is down: no call, no wait
        down = {i for i, (service, *_) in enumerate(calls)
                if guards is not None and guards.breaker(service).state != resilience.CLOSED}
        asked = [i for i in range(len(calls)) if i not in down]
        results: list = [Unavailable(service=calls[i][0], reason="circuit_open") for i in range(len(calls))]
        try:
            answers = self.rpc.call_many([calls[i] for i in asked], request_id=req.context.request_id,
                                         timeout=min(STATUS_TIMEOUT, getattr(self.settings, "ready_timeout", 3.0)),
                                         return_exceptions=True, breaker=False) if asked else []
        except Unavailable as exc:  # the broker itself is down: every component behind it is
            answers = [exc] * len(asked)
        for i, answer in zip(asked, answers, strict=True):
            results[i] = answer
        components = [{"id": "web", "ok": True}]
        for (component, _), result in zip(COMPONENTS, results, strict=False):
            components.append({"id": component, "ok": bool(not isinstance(result, Exception) and result.get("ok"))})
        notes = results[-1]
        available = not isinstance(notes, Exception)
        ok = all(c["ok"] for c in components)
        return {"status": "operational" if ok else "degraded", "components": components,
                "incidents": notes.get("incidents", []) if available else [], "incidents_available": available,
                "checked_at": datetime.now(UTC).isoformat()}

    def on_get(self, req, resp):
        value = self.cache.value
        if value is None or time.monotonic() - self.cache.at > CACHE_SECONDS:
            # one request computes; the others keep the previous answer (or, the very first time, wait for it)
            if self.cache.lock.acquire(blocking=value is None):
                try:
                    if self.cache.value is None or time.monotonic() - self.cache.at > CACHE_SECONDS:
                        self.cache.value = self._compute(req)
                        self.cache.at = time.monotonic()
                finally:
                    self.cache.lock.release()
            value = self.cache.value
        resp.set_header("Cache-Control", f"public, max-age={int(CACHE_SECONDS)}")
        resp.media = value


ROUTES = [
    # every service's health and identity's notes at once, cached: a custom resource
    Route("get", P + "/status", "", resource=PublicStatus, auth="public", tag="status", operation_id="publicStatus",
          summary="Public status: each component works or not, and incident notes",
          description="No login. No internals (no versions, hosts or error types). Cached for 10 seconds.",
          response=PublicStatusAnswer),
    Route("get", P + "/backoffice/incidents", "identity.list_incidents",
          args=(QueryDict(Query("state", schema={"enum": ["open", "resolved", "all"]}),
                          Query("limit", int, schema={"type": "integer", "minimum": 1, "maximum": 200})),),
          tag="status", operation_id="listIncidents", summary="Incident notes, newest first (operators)",
          response=identity.Incidents),
    Route("post", P + "/backoffice/incidents", "identity.post_incident", args=(Body(),), status=201, tag="status",
          operation_id="postIncident", summary="Post an incident note (operators; audited)",
          body=identity.NewIncident, response=identity.Incident),
    Route("post", P + "/backoffice/incidents/{incident_id}/resolve", "identity.resolve_incident",
          args=(Id("incident_id"), Body(required=False)), tag="status", operation_id="resolveIncident",
          errors=("409",), summary="Mark an incident resolved, with an optional closing note (operators)",
          body=identity.IncidentResolution, response=identity.Incident),
]


def register(app, deps) -> None:
    routing.register(app, deps, ROUTES)


OPENAPI: dict = routing.openapi(ROUTES, TAGS)
