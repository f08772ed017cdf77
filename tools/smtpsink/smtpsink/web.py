"""The web side: HTML pages for people, a JSON API for tests and tools, one Falcon WSGI app.

Pages: ``/`` (list, search, pages), ``/messages/{id}``, ``/messages/{id}/raw``, ``/messages/{id}/parts/{n}``,
``POST /clear``. API under ``/api``: messages, one message, its raw source, stats and fault-injection rules.
Errors under ``/api`` are JSON (``{"error": ..., "detail": ...}``), elsewhere a small HTML page.
"""

from __future__ import annotations

import json
import math
from typing import Any

import falcon

from . import mime, pages
from .rules import RuleError, Rules
from .store import Store, parse_time, valid_id

PAGE_SIZE = 50
API_LIMIT = 100  # default of /api/messages?limit=

# A mail's HTML runs in a sandboxed srcdoc iframe, which inherits this policy: no script anywhere, remote images ok.
CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"


class SecurityHeaders:
    def process_response(self, req: falcon.Request, resp: falcon.Response, resource, req_succeeded: bool) -> None:
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Referrer-Policy", "no-referrer")
        resp.set_header("Cache-Control", "no-store")
        if not resp.get_header("Content-Security-Policy"):
            resp.set_header("Content-Security-Policy", CSP)


class Base:
    def __init__(self, store: Store, rules: Rules):
        self.store = store
        self.rules = rules

    def meta(self, mid: str):
        meta = self.store.get(mid) if valid_id(mid) else None
        if meta is None:
            raise falcon.HTTPNotFound(title="Not found", description=f"no message with id {mid!r}")
        return meta

    def message(self, mid: str) -> mime.SinkMessage:
        self.meta(mid)
        msg = self.store.message(mid)
        if msg is None:
            raise falcon.HTTPNotFound(title="Not found", description=f"no message with id {mid!r}")
        return msg

    def html(self, resp: falcon.Response, body: str) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = body


# --- pages ----------------------------------------------------------------------------------------------------


class ListPage(Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        q = (req.get_param("q") or "").strip()
        page = req.get_param_as_int("page", min_value=1, default=1)
        metas, total = self.store.query(search=q or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        pages_ = max(1, math.ceil(total / PAGE_SIZE))
        self.html(resp, pages.list_page(metas, total, page, pages_, q, self.store.stats(), self.rules.active()))


class MessagePage(Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response, mid: str) -> None:
        meta = self.meta(mid)
        detail = mime.describe(self.message(mid))
        self.html(resp, pages.message_page(meta, detail, self.store.stats()))


class RawSource(Base):
    """The bytes as received. The page shows them as text; ``?download=1`` (and the API) give message/rfc822."""

    def __init__(self, store: Store, rules: Rules, api: bool = False):
        super().__init__(store, rules)
        self.api = api

    def on_get(self, req: falcon.Request, resp: falcon.Response, mid: str) -> None:
        self.meta(mid)
        raw = self.store.raw(mid)
        if raw is None:
            raise falcon.HTTPNotFound(title="Not found", description=f"no message with id {mid!r}")
        resp.data = raw
        if self.api or req.get_param_as_bool("download"):
            resp.content_type = "message/rfc822"
            if not self.api:
                resp.downloadable_as = f"{mid}.eml"
        else:
            resp.content_type = "text/plain; charset=utf-8"


class Part(Base):
    """One MIME part, decoded, always as a download: an attachment never renders on our origin."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, mid: str, n: int) -> None:
        msg = self.message(mid)
        part = mime.part_at(msg, n)
        if part is None:
            raise falcon.HTTPNotFound(title="Not found", description=f"message {mid} has no part {n}")
        resp.data = mime.part_bytes(part)
        resp.content_type = "message/rfc822" if part.is_multipart() else part.get_content_type()
        resp.downloadable_as = mime.part_filename(part, n)
        resp.set_header("Content-Security-Policy", "sandbox")


class ClearAction(Base):
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.store.clear()
        raise falcon.HTTPSeeOther("/")


class DeleteAction(Base):
    def on_post(self, req: falcon.Request, resp: falcon.Response, mid: str) -> None:
        self.meta(mid)
        self.store.delete(mid)
        raise falcon.HTTPSeeOther("/")


# --- JSON API -------------------------------------------------------------------------------------------------


class MessagesApi(Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        since = req.get_param("since")
        try:
            since_ts = parse_time(since) if since else None
        except ValueError:
            raise falcon.HTTPBadRequest(title="Invalid parameter",
                                        description="since must be an ISO 8601 time") from None
        metas, total = self.store.query(
            to=req.get_param("to"), subject=req.get_param("subject"), since=since_ts,
            search=req.get_param("q"), limit=req.get_param_as_int("limit", min_value=1, default=API_LIMIT),
            offset=req.get_param_as_int("offset", min_value=0, default=0),
        )
        resp.set_header("X-Total-Count", str(total))
        resp.media = [m.to_json() for m in metas]

    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"deleted": self.store.clear()}


class MessageApi(Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response, mid: str) -> None:
        meta = self.meta(mid)
        resp.media = {**meta.to_json(), **mime.describe(self.message(mid))}

    def on_delete(self, req: falcon.Request, resp: falcon.Response, mid: str) -> None:
        self.meta(mid)
        self.store.delete(mid)
        resp.media = {"deleted": 1}


class StatsApi(Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.store.stats()


class RulesApi(Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.rules.list()

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            rule = self.rules.add(req.get_media())
        except RuleError as exc:
            raise falcon.HTTPBadRequest(title="Invalid rule", description=str(exc)) from exc
        resp.status = falcon.HTTP_201
        resp.media = rule.to_json()

    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"deleted": self.rules.clear()}


class RuleApi(Base):
    def on_delete(self, req: falcon.Request, resp: falcon.Response, rule_id: int) -> None:
        if not self.rules.delete(rule_id):
            raise falcon.HTTPNotFound(title="Not found", description=f"no rule with id {rule_id}")
        resp.media = {"deleted": 1}


# --- the app --------------------------------------------------------------------------------------------------


def create_app(store: Store, rules: Rules) -> falcon.App:
    app = falcon.App(middleware=[SecurityHeaders()])
    app.req_options.strip_url_path_trailing_slash = True

    def serialize_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError) -> None:
        if req.path.startswith("/api/") or req.path == "/api":
            payload: dict[str, Any] = {"error": exc.title, "detail": exc.description}
            resp.content_type = falcon.MEDIA_JSON
            resp.text = json.dumps(payload)
        else:
            resp.content_type = falcon.MEDIA_HTML
            resp.text = pages.error_page(exc.title, exc.description or "", store.stats())

    app.set_error_serializer(serialize_error)
    deps = (store, rules)
    app.add_route("/", ListPage(*deps))
    app.add_route("/clear", ClearAction(*deps))
    app.add_route("/messages/{mid}", MessagePage(*deps))
    app.add_route("/messages/{mid}/raw", RawSource(*deps))
    app.add_route("/messages/{mid}/parts/{n:int}", Part(*deps))
    app.add_route("/messages/{mid}/delete", DeleteAction(*deps))
    app.add_route("/api/messages", MessagesApi(*deps))
    app.add_route("/api/messages/{mid}", MessageApi(*deps))
    app.add_route("/api/messages/{mid}/raw", RawSource(*deps, api=True))
    app.add_route("/api/stats", StatsApi(*deps))
    app.add_route("/api/rules", RulesApi(*deps))
    app.add_route("/api/rules/{rule_id:int}", RuleApi(*deps))
    return app
