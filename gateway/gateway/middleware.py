"""Cross-cutting work on every request: request id and trace (W3C ``traceparent``, svckit.tracing), language,
client address, access log, body size, the query's characters and the security headers of every answer."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Sequence

import falcon
from opentelemetry.trace import SpanKind

from svckit import tracing
from svckit.errors import InvalidInput
from svckit.i18n import Text, negotiate, normalise_language
from svckit.logs import request_id_var
from svckit.principal import Principal

from .errors import RETRY_AFTER_DEFAULT

access_log = logging.getLogger("gateway.access")

_RID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """One hop of X-Forwarded-For or a ``for=`` of Forwarded: ``192.0.2.1``, ``192.0.2.1:4711``, ``2001:db8::1``,
    ``"[2001:db8::1]:4711"``; anything else (``unknown``, ``_hidden``, garbage) is None."""
    text = text.strip().strip('"').strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _forwarded_for(value: str) -> list[str]:
    """The ``for=`` values of an RFC 7239 Forwarded header, in order (one per element)."""
    hops = []
    for element in value.split(","):
        for pair in element.split(";"):
            name, _, found = pair.partition("=")
            if name.strip().lower() == "for":
                hops.append(found)
    return hops


def client_address(peer: str | None, forwarded_for: str | None, forwarded: str | None,
                   trusted: Sequence) -> str:
    """The client's address. The chain of X-Forwarded-For (or, without it, Forwarded) is believed only from a
    trusted proxy, and only as far as it was written by trusted proxies: walking from the right (the hop nearest to
    us), the first address outside the trusted networks is the client. Whatever a client writes into the header
    itself lies left of that and is never used. A hop that is not an address stops the walk at the proxy that
    reported it."""
    peer_ip = _ip(peer or "")
    if peer_ip is None:
        return peer or ""

    def is_trusted(ip) -> bool:
        return any(ip.version == net.version and ip in net for net in trusted)

    if not trusted or not is_trusted(peer_ip):
        return str(peer_ip)
    hops = [h for h in (forwarded_for or "").split(",") if h.strip()] if forwarded_for else \
        _forwarded_for(forwarded or "")
    client = peer_ip
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            break
        client = ip
        if not is_trusted(ip):
            break
    return str(client)


class RequestContext:
    """Request id (taken from X-Request-Id when well-formed, else new), the request's span (in the trace of a
    well-formed ``traceparent`` header, else a new trace; svckit.tracing), language, anonymous principal, and the
    client's address (``req.context.client_ip``, see :func:`client_address`), computed once per request. The answer
    carries ``X-Request-Id`` and the ``traceparent`` of the request's span."""

    def __init__(self, trusted_proxies: Sequence = ()):
        self.trusted_proxies = tuple(trusted_proxies)

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.client_ip = client_address(req.remote_addr, req.get_header("X-Forwarded-For"),
                                               req.get_header("Forwarded"), self.trusted_proxies)
        req.context.started = time.perf_counter()
        rid = req.get_header("X-Request-Id")
        req.context.request_id = rid if rid and _RID.match(rid) else uuid.uuid4().hex
        req.context.request_id_token = request_id_var.set(req.context.request_id)
        # the span is current (for RPC calls and log lines) until process_response ends it
        req.context.trace = tracing.Started(f"{req.method} {req.path}", SpanKind.SERVER,
                                            parent=req.get_header("traceparent"),
                                            attributes={"http.request.method": req.method, "url.path": req.path,
                                                        "pressroom.component": "gateway"})
        lang = req.get_param("lang")
        req.context.lang = normalise_language(lang) if lang else negotiate(req.get_header("Accept-Language"))
        req.context.principal = Principal.anonymous(req.context.lang)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        resp.set_header("X-Request-Id", req.context.get("request_id", ""))
        started = req.context.get("trace")
        if started is not None:
            resp.set_header("traceparent", started.traceparent)
            status = int(str(resp.status).split()[0]) if resp.status else 0
            started.span.set_attribute("http.response.status_code", status)
            if req.uri_template and started.span.is_recording():
                started.span.set_attribute("http.route", req.uri_template)
                started.span.update_name(f"{req.method} {req.uri_template}")
            tracing.set_outcome(started.span, str(status), failed=status >= 500)
            started.end()
        token = req.context.get("request_id_token")
        if token is not None:
            request_id_var.reset(token)
        resp.set_header("Content-Language", req.context.get("lang", "de"))
        resp.set_header("X-Content-Type-Options", "nosniff")


class AccessLog:
    """One line per answer (not for a healthy /healthz): info, a 5xx at warning (503, 502, 504: a dependency) or
    error (500 and the rest), with request id and trace id (svckit.logs)."""

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        started = req.context.get("started")
        elapsed = (time.perf_counter() - started) * 1000 if started else None
        status = int(str(resp.status).split()[0]) if resp.status else 0
        if req.path in ("/healthz",) and status == 200:
            return
        principal = req.context.get("principal")
        level = logging.INFO if status < 500 else logging.WARNING if status in (502, 503, 504) else logging.ERROR
        access_log.log(
            level, "%s %s %s", req.method, req.path, status,
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
            raise falcon.HTTPContentTooLarge()


class QueryCheck:
    """No NUL character in any query parameter (name or value) or path parameter, on every route, before anything
    reads it."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        from svckit.validation import NUL_TEXT

        bad: dict[str, Text] = {}
        for name, value in req.params.items():
            values = value if isinstance(value, list) else [value]
            if "\x00" in name or any("\x00" in v for v in values):
                bad[name.replace("\x00", "\\u0000")] = NUL_TEXT
        if bad:
            raise InvalidInput(NUL_TEXT, fields=bad)

    def process_resource(self, req: falcon.Request, resp, resource, params) -> None:
        from svckit.validation import NUL_TEXT

        bad = {name: NUL_TEXT for name, value in (params or {}).items() if isinstance(value, str) and "\x00" in value}
        if bad:
            raise InvalidInput(NUL_TEXT, fields=bad)


#: the API explorer: Swagger UI's files and its start script are this gateway's own (same origin); Swagger UI sets
#: inline styles and uses data: images
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
#: the unsubscribe page: no script at all, one inline style, a form that posts to itself
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'")
#: any other HTML answer that brings no policy of its own
HTML_CSP = "frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
#: seconds a client should wait after a 429 or 503 that names no time of its own (errors.py sets the specific ones)
RETRY_AFTER = {status: str(seconds) for status, seconds in RETRY_AFTER_DEFAULT.items()}
_JSON_TYPES = ("application/json", "application/problem+json")


class SecurityHeaders:
    """Headers every answer needs, whoever wrote it (a resource, an error handler, falcon itself):

    - ``Cache-Control: no-store`` on JSON and on everything under ``/api/`` (but Swagger UI's static files) that sets
      no caching of its own: answers carry account data and must not stay in shared or browser caches;
    - a Content-Security-Policy with ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` on HTML (the API
      explorer and the unsubscribe page get their own tight policies): no clickjacking of the unsubscribe button or
      a logged-in explorer;
    - ``Strict-Transport-Security`` when the public URL is https;
    - ``Retry-After`` on every 429 and 503 that has none.
    """

    def __init__(self, public_base_url: str = ""):
        self.hsts = public_base_url.lower().startswith("https://")

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        status = int(str(resp.status).split()[0]) if resp.status else 200
        if status in RETRY_AFTER and not resp.get_header("Retry-After"):
            resp.set_header("Retry-After", RETRY_AFTER[status])
        if self.hsts:
            resp.set_header("Strict-Transport-Security", HSTS)
        # no type set yet: falcon sends its default media type, JSON
        content_type = (resp.content_type or falcon.MEDIA_JSON).split(";")[0].strip().lower()
        if not resp.get_header("Cache-Control") and (
                content_type in _JSON_TYPES
                or (req.path.startswith("/api/") and not req.path.startswith("/api/v1/docs/static/"))):
            resp.set_header("Cache-Control", "no-store")
        if req.path == "/api/v1/docs":
            resp.set_header("Content-Security-Policy", DOCS_CSP)
        elif req.path.startswith("/u/"):
            resp.set_header("Content-Security-Policy", PAGE_CSP)
        elif content_type == "text/html" and not resp.get_header("Content-Security-Policy"):
            resp.set_header("Content-Security-Policy", HTML_CSP)
        if content_type == "text/html" or req.path == "/api/v1/docs" or req.path.startswith("/u/"):
            resp.set_header("X-Frame-Options", "DENY")
