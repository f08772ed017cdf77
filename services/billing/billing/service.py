"""The billing nameko service: dependency declarations and thin entrypoints."""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.web.handlers import http

from svckit import health
from svckit.db import Database
from svckit.entrypoints import Auth, rpc

from . import __version__


class BillingService:
    name = "billing"

    db = Database()
    auth = Auth()
    config = Config()

    @rpc
    def health(self) -> dict:
        """Version, database and broker state (the gateway's /readyz asks every service)."""
        return health.report(self.name, __version__, self.db, self.config["AMQP_URI"])

    @http("GET", "/health")
    def health_http(self, request):
        """This process's own probe (Kubernetes, docker-compose): 200 when database and broker are fine."""
        return health.http_response(self.health())
