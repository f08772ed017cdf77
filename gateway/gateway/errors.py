"""The one table mapping wire errors to HTTP, and RFC 9457 problem+json bodies in the reader's language."""

from __future__ import annotations

import logging
from typing import Any

import falcon
from nameko.exceptions import RemoteError

from svckit.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    QuotaExceeded,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
    WireError,
)
from svckit.i18n import Text

from .i18n import _

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

#: wire error -> (HTTP status, title). The most specific class wins (checked in order).
STATUS_TABLE: list[tuple[type[WireError], int, Text]] = [
    (InvalidInput, 422, _("Invalid input")),
    (Unauthenticated, 401, _("Not authenticated")),
    (Forbidden, 403, _("Forbidden")),
    (NotFound, 404, _("Not found")),
    (Conflict, 409, _("Conflict")),
    (QuotaExceeded, 402, _("Quota exceeded")),
    (PayloadTooLarge, 413, _("Payload too large")),
    (TooManyRequests, 429, _("Too many requests")),
    (Unavailable, 503, _("Service unavailable")),
    (WireError, 400, _("Bad request")),
]

INTERNAL = _("Internal error. Please give support the request id {request_id}.")

# falcon's own errors (routing, parsing) in both languages
HTTP_TEXTS: dict[int, tuple[Text, Text]] = {
    400: (_("Bad request"), _("The request is malformed.")),
    401: (_("Not authenticated"), _("Please log in.")),
    404: (_("Not found"),
          _("There is nothing at this address.")),
    405: (_("Method not allowed"),
          _("This method is not allowed here.")),
    406: (_("Not acceptable"), _("Only JSON is served.")),
    411: (_("Length required"), _("Content-Length is missing.")),
    413: (_("Payload too large"), _("The request is too large.")),
    415: (_("Unsupported media type"),
          _("Please send JSON (application/json).")),
    429: (_("Too many requests"),
          _("Please wait a moment.")),
    503: (_("Service unavailable"),
          _("The service is temporarily unavailable.")),
}

#: seconds a client should wait after a 429 or 503 whose cause names no time (a throttle names its own)
RETRY_AFTER_DEFAULT = {429: 60, 503: 30}


def status_for(exc: WireError) -> tuple[int, Text]:
    for cls, status, title in STATUS_TABLE:
        if isinstance(exc, cls):
            return status, title
    return 500, _("Internal error")


def problem(status: int, title: Text, detail: Text, lang: str, code: str, req: falcon.Request,
            fields: dict[str, Text] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:pressroom:problem:{code}",
        "title": title.pick(lang),
        "status": status,
        "detail": detail.pick(lang),
        "instance": req.path,
        "code": code,
        "request_id": req.context.get("request_id"),
    }
    if fields:
        body["errors"] = [{"field": name, "message": text.pick(lang)} for name, text in fields.items()]
    if extra:
        body["extra"] = extra
    return body


def _lang(req: falcon.Request) -> str:
    return req.context.get("lang") or "de"


def _retry_after(value: Any, status: int) -> str:
    """Whole seconds, at least 1: the cause's own time (identity's throttles name one) or the default."""
    try:
        seconds = int(-(-float(value) // 1))
    except (TypeError, ValueError, OverflowError):
        seconds = RETRY_AFTER_DEFAULT[status]
    return str(max(1, min(seconds, 86400)))


def _write(resp: falcon.Response, status: int, body: dict, retry_after: Any = None) -> None:
    resp.status = status
    resp.content_type = PROBLEM_JSON
    resp.media = body
    if status == 401:
        resp.set_header("WWW-Authenticate", 'Bearer realm="pressroom"')
    if status in RETRY_AFTER_DEFAULT:
        resp.set_header("Retry-After", _retry_after(retry_after, status))


def handle_wire_error(req, resp, exc: WireError, params) -> None:
    status, title = status_for(exc)
    _write(resp, status, problem(status, title, exc.detail, _lang(req), exc.payload.get("code", "error"), req,
                                 exc.fields, exc.extra or None), (exc.extra or {}).get("retry_after"))


def handle_http_error(req, resp, exc: falcon.HTTPError, params) -> None:
    status = exc.status_code
    title, detail = HTTP_TEXTS.get(status, (Text(exc.title or "Fehler", exc.title or "Error"),
                                            Text(exc.description or "", exc.description or "")))
    if status == 400 and exc.description:
        detail = Text(f"Die Anfrage ist fehlerhaft: {exc.description}", f"The request is malformed: {exc.description}")
    code = {400: "bad_request", 401: "unauthenticated", 404: "not_found", 405: "method_not_allowed",
            413: "payload_too_large", 415: "unsupported_media_type", 429: "too_many_requests",
            503: "unavailable"}.get(status, "http_error")
    _write(resp, status, problem(status, title, detail, _lang(req), code, req))
    for name, value in (exc.headers or {}).items():
        resp.set_header(name, value)


def handle_unexpected(req, resp, exc: Exception, params) -> None:
    if isinstance(exc, falcon.HTTPError):
        return handle_http_error(req, resp, exc, params)
    rid = req.context.get("request_id")
    if isinstance(exc, RemoteError):
        log.error("remote error %s: %s", exc.exc_type, exc.value, extra={"request_id": rid})
    else:
        log.exception("unhandled error", extra={"request_id": rid})
    _write(resp, 500, problem(500, _("Internal error"), INTERNAL.format(request_id=rid),
                              _lang(req), "internal_error", req))


def install(app: falcon.App) -> None:
    app.resp_options.media_handlers[PROBLEM_JSON] = falcon.media.JSONHandler()
    # falcon picks the handler registered for the most specific base class
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(WireError, handle_wire_error)
