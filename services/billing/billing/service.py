"""The billing nameko service: dependency declarations; the entrypoints live in ``billing.entrypoints`` by noun."""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.web.handlers import http

from svckit import health
from svckit.clock import Clock
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.jobs import JobRunner
from svckit.mail import TransactionalMailer
from svckit.metrics import MetricsEntrypoints
from svckit.outbox import Outbox
from svckit.rpc import ServiceRpc
from svckit.work import UnitOfWork

from . import __version__, jobhandlers
from .db.models import Job
from .db.models import outbox as outbox_table
from .entrypoints.backoffice import BackOfficeApi
from .entrypoints.invoices import InvoicesApi
from .entrypoints.jobs import JobsApi
from .entrypoints.orders import OrdersApi
from .entrypoints.subscriptions import SubscriptionsApi


class BillingService(OrdersApi, SubscriptionsApi, InvoicesApi, BackOfficeApi, JobsApi, MetricsEntrypoints):
    name = "billing"

    db = Database()
    auth = Auth()
    config = Config()
    clock = Clock(pinned_today=lambda config: config.get("BILLING_TODAY"))
    outbox = Outbox(outbox_table)
    work = UnitOfWork()
    dispatch = EventDispatcher()
    mailer = TransactionalMailer()
    identity_rpc = ServiceRpc("identity", timeout=20)
    jobs = JobRunner(Job, jobhandlers.HANDLERS, periodic=jobhandlers.PERIODIC, extras=jobhandlers.EXTRAS)

    @rpc
    def health(self) -> dict:
        """Version, database and broker state (the gateway's /api/v1/status and /readyz/services ask every service)."""
        return health.report(self.name, __version__, self.db, self.config["AMQP_URI"])

    @http("GET", "/health")
    def health_http(self, request):
        """This process's own probe (Kubernetes, docker-compose): 200 when database and broker are fine."""
        return health.http_response(self.health(), request)
