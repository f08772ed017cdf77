"""The identity nameko service: dependency declarations and thin entrypoints."""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.web.handlers import http

from svckit import health
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.errors import NotFound
from svckit.i18n import Text
from svckit.validation import parse_uuid

from . import __version__
from .db.models import Account

ACCOUNT_NOT_FOUND = Text("Konto nicht gefunden.", "Account not found.")


class IdentityService:
    name = "identity"

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

    @rpc
    def get_account(self, account_id) -> dict:
        """The caller's own account; any other id is not found (never confirm another tenant exists)."""
        wanted = parse_uuid(account_id, "account_id")
        own = self.auth.principal.require_account()
        account = self.db.get(Account, wanted) if str(wanted) == str(own) else None
        if account is None:
            raise NotFound(ACCOUNT_NOT_FOUND)
        return {"id": str(account.id), "name": account.name, "language": account.language, "seats": account.seats}
