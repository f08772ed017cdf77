"""The public status page's data and the operators' incident notes.

``GET /api/v1/status`` needs no login and shows no internals: per component only whether it works (no versions,
hosts, database or broker details, error types), plus the incident notes operators post (identity keeps them).
The answer is computed at most every ``CACHE_SECONDS`` per gateway process, so a busy status page costs the
services nothing more during an outage. If identity itself is down, the notes are missing (``incidents_available``
false) and the components still show.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import falcon

from svckit.errors import Unavailable

from ..resource import Resource

P = "/api/v1"
CACHE_SECONDS = 10.0
STATUS_TIMEOUT = 3.0
# what customers see -> the service behind it (the web app is this gateway itself, which is answering)
COMPONENTS = (("login", "identity"), ("contacts", "crm"), ("mailings", "dispatch"), ("pressbase", "pressbase"),
              ("billing", "billing"))


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.at = 0.0
        self.value: dict | None = None


class PublicStatus(Resource):
    auth_required = False

    def __init__(self, rpc, settings=None):
        super().__init__(rpc, settings)
        self.cache = _Cache()

    def _compute(self, req) -> dict:
        calls = [(service, "health", (), {}) for _, service in COMPONENTS] + [("identity", "public_status", (), {})]
        try:
            results = self.rpc.call_many(calls, request_id=req.context.request_id,
                                         timeout=min(STATUS_TIMEOUT, getattr(self.settings, "ready_timeout", 3.0)),
                                         return_exceptions=True)
        except Unavailable as exc:  # the broker itself is down: every component behind it is
            results = [exc] * len(calls)
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
        with self.cache.lock:
            if self.cache.value is None or time.monotonic() - self.cache.at > CACHE_SECONDS:
                self.cache.value = self._compute(req)
                self.cache.at = time.monotonic()
            value = self.cache.value
        resp.set_header("Cache-Control", f"public, max-age={int(CACHE_SECONDS)}")
        resp.media = value


class Incidents(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "list_incidents",
                               {k: req.get_param(k) for k in ("state", "limit") if req.get_param(k)})

    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "identity", "post_incident", self.body(req))


class IncidentResolve(Resource):
    def on_post(self, req, resp, incident_id):
        resp.media = self.call(req, "identity", "resolve_incident", incident_id, self.body(req, required=False))


def register(app, deps) -> None:
    app.add_route(P + "/status", PublicStatus(deps.rpc, deps.settings))
    app.add_route(P + "/backoffice/incidents", Incidents(deps.rpc, deps.settings))
    app.add_route(P + "/backoffice/incidents/{incident_id}/resolve", IncidentResolve(deps.rpc, deps.settings))


# --- OpenAPI ---------------------------------------------------------------------------------------------------------

S = {"type": "string"}
_text = {"type": "object", "required": ["de"], "properties": {"de": S, "en": S},
         "description": "German, and English (shown in German when absent)"}
_incident = {"type": "object", "properties": {
    "id": {"type": "string", "format": "uuid"}, "severity": {"enum": ["info", "minor", "major"]},
    "components": {"type": "array", "items": {"enum": ["web", "login", "contacts", "mailings", "pressbase",
                                                        "billing"]}},
    "title": _text, "body": _text, "created_at": S, "updated_at": S, "resolved_at": {"type": ["string", "null"]},
    "resolution": {"oneOf": [_text, {"type": "null"}]}}}
_errors = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
    ("401", "Unauthenticated"), ("403", "Forbidden"), ("404", "NotFound"), ("422", "Invalid"))}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


OPENAPI = {
    "tags": [{"name": "status", "description": "Public status page: component health and incident notes"}],
    "paths": {
        P + "/status": {"get": {
            "tags": ["status"], "summary": "Public status: each component works or not, and incident notes",
            "description": "No login. No internals (no versions, hosts or error types). Cached for 10 seconds.",
            "operationId": "publicStatus", "security": [],
            "responses": {"200": {"description": "OK", **_json({"type": "object", "properties": {
                "status": {"enum": ["operational", "degraded"]},
                "components": {"type": "array", "items": {"type": "object", "properties": {
                    "id": S, "ok": {"type": "boolean"}}}},
                "incidents": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}},
                "incidents_available": {"type": "boolean"}, "checked_at": S}})}}}},
        P + "/backoffice/incidents": {
            "get": {"tags": ["status"], "summary": "Incident notes, newest first (operators)",
                    "operationId": "listIncidents",
                    "parameters": [{"name": "state", "in": "query", "required": False,
                                    "schema": {"enum": ["open", "resolved", "all"]}},
                                   {"name": "limit", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                    "responses": {"200": {"description": "OK", **_json({"type": "object", "properties": {
                        "incidents": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}}}})},
                        **{c: _errors[c] for c in ("401", "403", "422")}}},
            "post": {"tags": ["status"], "summary": "Post an incident note (operators; audited)",
                     "operationId": "postIncident",
                     "requestBody": {"required": True, **_json({"type": "object", "required": ["title", "body"],
                                                                "properties": {
                         "severity": {"enum": ["info", "minor", "major"], "default": "minor"},
                         "components": _incident["properties"]["components"], "title": _text, "body": _text}})},
                     "responses": {"201": {"description": "posted", **_json({"$ref": "#/components/schemas/Incident"})},
                                   **{c: _errors[c] for c in ("401", "403", "422")}}}},
        P + "/backoffice/incidents/{incident_id}/resolve": {"post": {
            "tags": ["status"], "summary": "Mark an incident resolved, with an optional closing note (operators)",
            "operationId": "resolveIncident",
            "parameters": [{"name": "incident_id", "in": "path", "required": True,
                            "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": False, **_json({"type": "object", "properties": {"resolution": _text}})},
            "responses": {"200": {"description": "resolved", **_json({"$ref": "#/components/schemas/Incident"})},
                          **_errors}}},
    },
    "components": {"schemas": {"Incident": _incident}},
}
