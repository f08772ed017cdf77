"""The OpenAPI 3.1 document, assembled from the route modules' fragments, and the offline API explorer."""

from __future__ import annotations

import copy
import os
from typing import Any

import falcon

from . import __version__

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details, in the caller's language (Accept-Language or the user's setting).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "stable machine-readable error code"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
        "extra": {"type": "object"},
    },
}


def _problem_response(description: str, retry_after: bool = False) -> dict:
    response: dict[str, Any] = {"description": description, "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}
    if retry_after:
        response["headers"] = {"Retry-After": {"description": "seconds to wait before trying again",
                                               "schema": {"type": "string"}}}
    return response


#: answers the gateway itself may give on any operation (status -> components/responses name): a query parameter
#: of the wrong type (400), a field or parameter the service refuses (422), an object that is not there or not
#: visible (404), a service that does not answer (503); a cookie-authenticated change without X-Requested-With
#: (403, on public operations too)
COMMON_RESPONSES = {"400": "BadRequest", "403": "Forbidden", "404": "NotFound", "422": "Invalid",
                    "503": "Unavailable"}
#: operations that need a login: no or an ended session (401)
PROTECTED_RESPONSES = {"401": "Unauthenticated"}
#: operations with a request body: too large (413), not the documented media type (415)
BODY_RESPONSES = {"413": "TooLarge", "415": "UnsupportedMediaType"}


def document_common_responses(spec: dict[str, Any]) -> None:
    """Every operation documents the problem+json answers the gateway gives everywhere (a route module documents
    only what is particular to it, and keeps its own description where it has one)."""
    default_security = spec.get("security") or []
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                continue
            responses = operation.setdefault("responses", {})
            common = dict(COMMON_RESPONSES)
            if operation.get("security", default_security):
                common.update(PROTECTED_RESPONSES)
            if "requestBody" in operation:
                common.update(BODY_RESPONSES)
            for status, name in common.items():
                responses.setdefault(status, {"$ref": f"#/components/responses/{name}"})


def build_spec(modules) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Pressroom API",
            "version": __version__,
            "description": "The JSON API of Pressroom, the PR and communications suite. Errors are "
                           "`application/problem+json` (RFC 9457) in German or English "
                           "(`Accept-Language`, `?lang=`, or the user's own setting). Every operation may answer "
                           "400 (malformed request), 403, 404, 422 (invalid input, `errors` names the fields) and "
                           "503 (a service does not answer; `Retry-After`); those that need a login 401, those "
                           "with a body 413 and 415.",
        },
        "servers": [{"url": "/"}],
        "tags": [],
        "paths": {},
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "responses": {
                "Invalid": _problem_response("invalid input; `errors` names each field and the reason"),
                "Unauthenticated": _problem_response("not logged in, or the session ended"),
                "Forbidden": _problem_response("logged in, but not allowed (role or read-only client)"),
                "NotFound": _problem_response("does not exist or is not visible to the caller"),
                "Conflict": _problem_response("conflicts with the current state"),
                "BadRequest": _problem_response("malformed request, e.g. a query parameter of the wrong type"),
                "TooLarge": _problem_response("the request body is larger than the operation accepts"),
                "UnsupportedMediaType": _problem_response("the request body is not of the documented media type"),
                "TooManyRequests": _problem_response("throttled: wait `Retry-After` seconds", retry_after=True),
                "Unavailable": _problem_response("a service does not answer at the moment; try again later",
                                                 retry_after=True),
            },
            "securitySchemes": {
                "session": {"type": "http", "scheme": "bearer",
                            "description": "the session token from POST /api/v1/auth/login"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "pressroom_session"},
            },
        },
        "security": [{"session": []}, {"cookie": []}],
    }
    for module in modules:
        fragment = copy.deepcopy(getattr(module, "OPENAPI", {}) or {})
        spec["tags"].extend(fragment.get("tags", []))
        for path, item in fragment.get("paths", {}).items():
            spec["paths"].setdefault(path, {}).update(item)
        for kind, entries in fragment.get("components", {}).items():
            known = spec["components"].setdefault(kind, {})
            for name, entry in entries.items():
                if name in known and known[name] != entry:
                    raise ValueError(f"components/{kind}/{name} is defined twice, differently "
                                     f"(in {getattr(module, '__name__', module)})")
                known[name] = entry
    document_common_responses(spec)
    return spec


class OpenApiResource:
    auth_required = False

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec

    def on_get(self, req, resp):
        resp.media = self.spec


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pressroom API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/v1/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/v1/docs/static/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/static/swagger-ui-standalone-preset.js"></script>
<script src="/api/v1/docs/start.js"></script></body></html>
"""
# a file, not an inline script: the page's Content-Security-Policy allows scripts of this origin only
DOCS_SCRIPT = """window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout",
  validatorUrl: null, withCredentials: true});
"""


class DocsPage:
    """The interactive API page: Swagger UI 5 from the swagger-ui-py wheel, no internet needed."""

    auth_required = False

    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = DOCS_PAGE


class DocsScript:
    auth_required = False

    def on_get(self, req, resp):
        resp.content_type = "text/javascript; charset=utf-8"
        resp.text = DOCS_SCRIPT


def swagger_static_dir() -> str:
    import swagger_ui

    return os.path.join(os.path.dirname(swagger_ui.__file__), "static")
