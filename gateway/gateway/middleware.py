"""Cross-cutting work on every request: request id, language, access log, body size."""

from __future__ import annotations

import logging
import re
import time
import uuid

import falcon

from svckit.i18n import negotiate, normalise_language
from svckit.logs import request_id_var
from svckit.principal import Principal

access_log = logging.getLogger("gateway.access")

_RID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContext:
    """Request id (taken from X-Request-Id when well-formed, else new), language, anonymous principal."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.started = time.perf_counter()
        rid = req.get_header("X-Request-Id")
        req.context.request_id = rid if rid and _RID.match(rid) else uuid.uuid4().hex
        request_id_var.set(req.context.request_id)
        lang = req.get_param("lang")
        req.context.lang = normalise_language(lang) if lang else negotiate(req.get_header("Accept-Language"))
        req.context.principal = Principal.anonymous(req.context.lang)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        resp.set_header("X-Request-Id", req.context.get("request_id", ""))
        resp.set_header("Content-Language", req.context.get("lang", "de"))
        resp.set_header("X-Content-Type-Options", "nosniff")


class AccessLog:
    def process_response(self, req, resp, resource, req_succeeded) -> None:
        started = req.context.get("started")
        elapsed = (time.perf_counter() - started) * 1000 if started else None
        status = int(str(resp.status).split()[0]) if resp.status else 0
        if req.path in ("/healthz",) and status == 200:
            return
        principal = req.context.get("principal")
        access_log.info(
            "%s %s %s", req.method, req.path, status,
            extra={"method": req.method, "path": req.path, "status": status,
                   "duration_ms": round(elapsed, 2) if elapsed is not None else None,
                   "request_id": req.context.get("request_id"),
                   "account_id": getattr(principal, "account_id", None),
                   "user_id": getattr(principal, "user_id", None)},
        )


class BodyLimit:
    """JSON bodies above the limit are refused before they are read (uploads have their own routes and limits)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def process_resource(self, req: falcon.Request, resp, resource, params) -> None:
        limit = getattr(resource, "max_body_bytes", self.max_bytes)
        length = req.content_length
        if length is not None and length > limit:
            raise falcon.HTTPPayloadTooLarge()
