"""The identity nameko service: dependency declarations; the entrypoints live in ``identity.entrypoints`` by noun."""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.web.handlers import http

from svckit import health
from svckit.clock import Clock
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.mail import TransactionalMailer
from svckit.metrics import MetricsEntrypoints
from svckit.outbox import Outbox

from . import __version__
from .db.models import outbox

# modules, not classes: `nameko run identity.service` takes every class with entrypoints in this module for a service
from .entrypoints import accounts as _accounts
from .entrypoints import auth as _auth
from .entrypoints import clients as _clients
from .entrypoints import export as _export
from .entrypoints import incidents as _incidents
from .entrypoints import me as _me
from .entrypoints import users as _users
from .work import AuthCache, IdentityUnitOfWork


class IdentityService(_auth.AuthEntrypoints, _me.MeEntrypoints, _users.UserEntrypoints, _clients.ClientEntrypoints,
                      _accounts.AccountEntrypoints, _incidents.IncidentEntrypoints, _export.ExportEntrypoints,
                      MetricsEntrypoints):
    name = "identity"

    db = Database()
    auth = Auth()
    config = Config()
    outbox = Outbox(outbox)
    mailer = TransactionalMailer()
    clock = Clock()
    cache = AuthCache()
    work = IdentityUnitOfWork()

    @rpc
    def health(self) -> dict:
        """Version, database and broker state (the gateway's /api/v1/status and /readyz/services ask every service)."""
        return health.report(self.name, __version__, self.db, self.config["AMQP_URI"])

    @http("GET", "/health")
    def health_http(self, request):
        """This process's own probe (Kubernetes, docker-compose): 200 when database and broker are fine."""
        return health.http_response(self.health(), request)
