"""Authentication on every request: session token -> (cache | identity) -> principal; CSRF; operator audit.

The token comes from ``Authorization: Bearer <token>`` or the ``pressroom_session`` cookie. identity's
``authenticate(token, client)`` returns the caller's *current* principal (roles and client rights as they are now)
or raises Unauthenticated (unknown, expired, revoked).

Principal cache: identity's answer is kept in Redis under the token's SHA-256 for at most ``cache_seconds``
(identity decides, never past the session's end), each entry authenticated with an HMAC whose key Redis does not
hold, so writing to Redis cannot make up a session. identity bumps the session's generation after every commit that
changes what the session may do (logout, revocation, password change, deactivation, rights, roles), and the
gateway only uses an entry whose generation is current (``svckit.authcache``), so a change of rights or a revoked
session takes effect on the next request. Without Redis every request asks identity.

Resources are protected unless they say ``auth_required = False``; on such public resources a stale or unknown
token is ignored (the caller is anonymous), so an old cookie never blocks logging in again. A session that may do
only one thing first (``restrictions``: an expired or one-time password must be changed) reaches only resources
that declare ``allowed_when_restricted = True``.

CSRF: a state-changing request (POST, PUT, PATCH, DELETE) authenticated by the cookie must carry the header
``X-Requested-With`` (any value; a cross-site form cannot set it and cross-origin scripts need a CORS preflight the
gateway never grants) or an ``Origin`` equal to ``PUBLIC_BASE_URL``'s. Bearer-token requests are not affected.

Every request an operator makes is written to identity's audit log (method, path, status).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from urllib.parse import urlsplit

import falcon

from svckit.authcache import PrincipalCache, cache_key
from svckit.errors import Forbidden, Unauthenticated, Unavailable
from svckit.principal import Principal

from .i18n import _
from .rpc import RpcClient

log = logging.getLogger(__name__)

COOKIE = "pressroom_session"
CSRF_HEADER = "X-Requested-With"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

RESTRICTED = {
    "password_change_required": _("Please set a new password first."),
}
CSRF = _("Request refused: with cookie login, a request that changes something needs the header "
         "X-Requested-With (protection against cross-site request forgery).")


def token_and_source(req: falcon.Request) -> tuple[str | None, str | None]:
    header = req.get_header("Authorization") or ""
    scheme, _unused, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "bearer"
    cookie = req.get_cookie_values(COOKIE)
    return (cookie[0], "cookie") if cookie else (None, None)


def token_from(req: falcon.Request) -> str | None:
    return token_and_source(req)[0]


def client_of(req: falcon.Request) -> dict:
    """The client as identity records it (sessions, audit, per-address login throttle): the address the gateway's
    middleware worked out once per request, believing X-Forwarded-For only from TRUSTED_PROXIES."""
    return {"ip": req.context.get("client_ip") or req.remote_addr, "user_agent": (req.user_agent or "")[:300]}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Authentication:
    def __init__(self, rpc: RpcClient, settings=None, cache: PrincipalCache | None = None):
        self.rpc = rpc
        self.public_origin = _origin(settings.public_base_url) if settings is not None else None
        if cache is None and settings is not None and getattr(settings, "auth_cache", False):
            # entries are authenticated with a key Redis never sees (svckit.authcache)
            cache = PrincipalCache(getattr(settings, "redis_url", None),
                                   key=cache_key(settings.principal_secret, getattr(settings, "auth_cache_key", None)))
        self.cache = cache

    def _answer(self, req: falcon.Request, token: str) -> dict:
        token_hex = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        answer, generation = self.cache.lookup(token_hex) if self.cache is not None else (None, None)
        if answer is None:
            answer = self.rpc.call("identity", "authenticate", token, client_of(req),
                                   principal=req.context.principal, request_id=req.context.request_id)
            if self.cache is not None:
                self.cache.store(token_hex, generation, answer, float(answer.get("cache_seconds") or 0))
        return answer

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.restrictions = []
        req.context.auth_error = None
        token, source = token_and_source(req)
        req.context.token_source = source
        if not token or not req.path.startswith("/api/"):
            # only the API has resources that need a login: /healthz, the probes, /metrics, the web app's files and
            # the mail links never wait on identity (issue 15), even for a browser that carries a session cookie
            return
        if len(token) > 512:
            req.context.auth_error = Unauthenticated()
            return
        try:
            answer = self._answer(req, token)
        except (Unauthenticated, Unavailable) as exc:
            # raised in process_resource, only where the resource needs a login: with identity down, the web app's
            # files and the public status page still load for a browser that carries a session cookie
            req.context.auth_error = exc
            return
        principal = Principal.from_dict(answer["principal"])
        if req.get_param("lang"):
            # the language on screen wins over the saved one (it may not be saved yet): services label and word
            # their answers in the principal's language
            principal = dataclasses.replace(principal, lang=req.context.lang)
        else:
            req.context.lang = principal.lang
        req.context.principal = principal
        req.context.restrictions = list(answer.get("restrictions") or [])

    def _csrf_ok(self, req: falcon.Request) -> bool:
        if req.get_header(CSRF_HEADER):
            return True
        origin = req.get_header("Origin")
        return bool(origin and self.public_origin and origin.lower().rstrip("/") == self.public_origin)

    def process_resource(self, req: falcon.Request, resp, resource, params) -> None:
        if resource is None:
            return
        authenticated = req.context.principal.kind != "anonymous"
        if authenticated and req.context.get("token_source") == "cookie" and req.method not in SAFE_METHODS \
                and not self._csrf_ok(req):
            raise Forbidden(CSRF, reason="csrf")
        if not getattr(resource, "auth_required", True):
            return
        if not authenticated:
            raise req.context.get("auth_error") or Unauthenticated()
        for restriction in req.context.get("restrictions") or []:
            if not getattr(resource, "allowed_when_restricted", False):
                raise Forbidden(RESTRICTED.get(restriction, RESTRICTED["password_change_required"]),
                                restriction=restriction)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource, req_succeeded) -> None:
        principal = req.context.get("principal")
        if principal is None or principal.kind != "operator" or resource is None:
            return
        status = int(str(resp.status).split()[0]) if resp.status else 0
        try:
            self.rpc.call("identity", "record_operator_action",
                          {"method": req.method, "path": req.path[:500], "status": status,
                           "request_id": req.context.get("request_id")},
                          principal=principal, request_id=req.context.get("request_id"))
        except (Unavailable, Exception):
            log.exception("could not audit operator request %s %s", req.method, req.path)
