"""Authentication on every request: session token -> identity -> principal.

The token comes from ``Authorization: Bearer <token>`` or the ``pressroom_session`` cookie. identity's
``authenticate(token, client)`` returns the caller's *current* principal (roles and client rights as they are now,
so a change of rights takes effect on the next request) or raises Unauthenticated (unknown, expired, revoked).

Resources are protected unless they say ``auth_required = False``. A session that may do only one thing first
(``restrictions``: e.g. an expired password must be changed) reaches only resources that declare
``allowed_when_restricted = True``.
"""

from __future__ import annotations

import falcon

from svckit.errors import Forbidden, Unauthenticated
from svckit.i18n import Text
from svckit.principal import Principal

from .rpc import RpcClient

COOKIE = "pressroom_session"

RESTRICTED = {
    "password_change_required": Text("Bitte legen Sie zuerst ein neues Passwort fest.",
                                     "Please set a new password first."),
}


def token_from(req: falcon.Request) -> str | None:
    header = req.get_header("Authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    cookie = req.get_cookie_values(COOKIE)
    return cookie[0] if cookie else None


class Authentication:
    def __init__(self, rpc: RpcClient):
        self.rpc = rpc

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.restrictions = []
        token = token_from(req)
        if not token or len(token) > 512:
            return
        result = self.rpc.call("identity", "authenticate", token,
                               {"ip": req.access_route[0] if req.access_route else req.remote_addr,
                                "user_agent": (req.user_agent or "")[:300]},
                               principal=req.context.principal, request_id=req.context.request_id)
        principal = Principal.from_dict(result["principal"])
        req.context.principal = principal
        req.context.restrictions = list(result.get("restrictions") or [])
        if not req.get_param("lang"):
            req.context.lang = principal.lang

    def process_resource(self, req: falcon.Request, resp, resource, params) -> None:
        if resource is None or not getattr(resource, "auth_required", True):
            return
        if req.context.principal.kind == "anonymous":
            raise Unauthenticated()
        for restriction in req.context.get("restrictions") or []:
            if not getattr(resource, "allowed_when_restricted", False):
                raise Forbidden(RESTRICTED.get(restriction, RESTRICTED["password_change_required"]),
                                restriction=restriction)
