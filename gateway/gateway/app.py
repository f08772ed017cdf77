"""The Falcon app factory. gunicorn loads ``gateway.app:get_app()``; tests call ``create_app(rpc)``.

Nothing connects at import time: the RPC client opens its connections lazily in each worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import falcon

from svckit import logs

from . import errors, routes
from .auth import Authentication
from .media import CheckedJSONHandler
from .metrics import HttpMetrics, MetricsResource
from .middleware import AccessLog, BodyLimit, QueryCheck, RequestContext, SecurityHeaders
from .openapi import DocsPage, DocsScript, OpenApiResource, build_spec, swagger_static_dir
from .resilience import Guards
from .rpc import RpcClient
from .settings import Settings


@dataclass
class Deps:
    rpc: RpcClient
    settings: Settings


def create_app(rpc: RpcClient | None = None, settings: Settings | None = None,
               extra_middleware: list | None = None) -> falcon.App:
    settings = settings or Settings.from_env()
    rpc = rpc or RpcClient(settings.amqp_uri, settings.principal_secret, settings.rpc_timeout,
                           guards=Guards(settings.breaker_failures, settings.breaker_cooldown, settings.threads,
                                         settings.bulkhead_share))
    # HttpMetrics first: it times and counts everything the others do (gateway/gateway/metrics.py)
    middleware = [HttpMetrics(), RequestContext(settings.trusted_proxies), SecurityHeaders(settings.public_base_url),
                  QueryCheck(), Authentication(rpc, settings), *(extra_middleware or []),
                  BodyLimit(settings.max_json_bytes), AccessLog()]
    app = falcon.App(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = True
    # every JSON body, on every route, is parsed with the limits of gateway.media (depth, 64-bit integers, NUL)
    app.req_options.media_handlers[falcon.MEDIA_JSON] = CheckedJSONHandler()
    app.resp_options.secure_cookies_by_default = settings.public_base_url.startswith("https://")
    errors.install(app)

    deps = Deps(rpc=rpc, settings=settings)
    modules = routes.load()
    for module in modules:
        module.register(app, deps)

    app.add_route("/api/v1/openapi.json", OpenApiResource(build_spec(modules)))
    app.add_route("/api/v1/docs", DocsPage())
    app.add_route("/api/v1/docs/start.js", DocsScript())
    app.add_static_route("/api/v1/docs/static", swagger_static_dir())
    app.add_route("/metrics", MetricsResource())  # Prometheus; no login (docs/operations.md, "Metrics")
    return app


def get_app() -> falcon.App:
    logs.configure("gateway")
    return create_app()
