"""The web app: the built frontend (gateway/web, built by ``scripts/build-web.sh`` into ``gateway/static/app``)
served at ``/``, with the single-page fallback for client-side routes.

- A file that exists in the build is served as it is (``/assets/*`` carry a content hash in their names and are
  cached for a year; everything else, above all ``index.html``, is revalidated on every visit).
- Any other GET from a browser (``Accept: text/html``) gets ``index.html``: the app's router shows the page, or
  its own "not found" page.
- Never shadowed: routes always win over this sink, and paths under ``/api/``, ``/healthz``, ``/readyz`` and
  dispatch's public links (``/t/``, ``/u/``) never reach it, so an unknown API path stays a problem+json 404.
  A non-browser request for an unknown path is a 404 problem as well.
- Without a build (gateway tests, a checkout where npm has not run yet) ``/`` answers with a short page that says
  how to build the app.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path

import falcon

# WEB_APP_DIR: where the build is when the gateway runs from an installed wheel (a container image)
STATIC_DIR = Path(os.environ.get("WEB_APP_DIR") or Path(__file__).resolve().parent.parent / "static" / "app")
RESERVED = re.compile(r"^/(?!api(?:/|$)|healthz$|readyz$|t/|u/)")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
                               "form-action 'self'",
}

NOT_BUILT = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Pressroom</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Pressroom</h1>
<p lang="de">Die Weboberfläche ist noch nicht gebaut. Bauen Sie sie mit <code>scripts/build-web.sh</code>
(das tun auch <code>make run</code> und <code>make test</code>); dafür braucht es Node.js 18 oder neuer und npm.</p>
<p lang="en">The web app has not been built yet. Build it with <code>scripts/build-web.sh</code>
(<code>make run</code> and <code>make test</code> do so too); it needs Node.js 18 or newer and npm.</p>
<p>API: <a href="/api/v1/docs">/api/v1/docs</a></p>
</body></html>
"""


class WebApp:
    """The sink for every non-API GET: a file of the build, else the app's index.html (or the build hint)."""

    def __init__(self, root: Path | None = None):
        self.root = (root or STATIC_DIR).resolve()

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative or "\x00" in relative:
            return None
        candidate = (self.root / relative).resolve()
        if candidate.is_relative_to(self.root) and candidate.is_file():
            return candidate
        return None

    def __call__(self, req: falcon.Request, resp: falcon.Response, **_params) -> None:
        if req.method not in ("GET", "HEAD"):
            raise falcon.HTTPMethodNotAllowed(["GET", "HEAD"])
        found = self._file(req.path)
        if found is not None:
            self._send(resp, found, IMMUTABLE if req.path.startswith("/assets/") else REVALIDATE)
            return
        if req.path.startswith("/assets/") or not self._wants_html(req):
            raise falcon.HTTPNotFound()
        index = self.root / "index.html"
        for name, value in SECURITY_HEADERS.items():
            resp.set_header(name, value)
        if index.is_file():
            self._send(resp, index, REVALIDATE)
        else:
            resp.content_type = falcon.MEDIA_HTML
            resp.cache_control = [REVALIDATE]
            resp.text = NOT_BUILT

    @staticmethod
    def _wants_html(req: falcon.Request) -> bool:
        return req.path == "/" or "text/html" in (req.get_header("Accept") or "")

    @staticmethod
    def _send(resp: falcon.Response, path: Path, cache: str) -> None:
        content_type, _ = mimetypes.guess_type(path.name)
        resp.content_type = (content_type or "application/octet-stream") + (
            "; charset=utf-8" if content_type and content_type.startswith("text/") or path.suffix == ".js" else "")
        resp.set_header("Cache-Control", cache)
        if path.name == "index.html":
            for name, value in SECURITY_HEADERS.items():
                resp.set_header(name, value)
        resp.data = path.read_bytes()


def register(app, deps) -> None:
    app.add_sink(WebApp(), RESERVED)


TAGS = [{"name": "web", "description": "The web app (HTML, not part of the JSON API)"}]

# a sink, not a route (gateway.routing builds routes): its one documented operation is written out here
OPENAPI = {
    "tags": TAGS,
    "paths": {
        "/": {"get": {
            "tags": ["web"], "summary": "The web app: static files of the build, index.html for client-side routes",
            "description": "Any GET outside `/api/`, `/healthz`, `/readyz`, `/t/` and `/u/` that asks for HTML "
                           "gets the app; files of the build are served as they are.",
            "operationId": "webApp", "security": [],
            "responses": {"200": {"description": "the app", "content": {"text/html": {"schema": {
                "type": "string"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}}},
    },
}
