"""The dispatch nameko service: dependency declarations; the entrypoints live in ``entrypoints/`` by noun.

Processes of dispatch: this service (RPC, events, outbox relay, svckit's job runner: exports, housekeeping, the
bounce mailbox), the sender workers (``dispatch.sender``) and the bounce endpoint (``dispatch.bounces``).
"""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.web.handlers import http

from svckit import health
from svckit.clock import Clock
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.jobs import JobRunner
from svckit.metrics import MetricsEntrypoints, ServiceMetrics
from svckit.outbox import Outbox
from svckit.rpc import ServiceRpc
from svckit.work import UnitOfWork

from . import __version__, jobhandlers
from . import metrics as dispatch_metrics
from .db.models import Job
from .db.models import outbox as outbox_table
from .entrypoints.deps import Settings
from .entrypoints.export import ExportEntrypoints
from .entrypoints.mailings import MailingEntrypoints
from .entrypoints.other import (
    AccountSettingsEntrypoints,
    EventEntrypoints,
    SuppressionEntrypoints,
    TrackingEntrypoints,
    TransactionalEntrypoints,
)
from .entrypoints.senders import SenderEntrypoints


class DispatchService(SenderEntrypoints, MailingEntrypoints, SuppressionEntrypoints, TransactionalEntrypoints,
                      TrackingEntrypoints, EventEntrypoints, ExportEntrypoints, AccountSettingsEntrypoints,
                      MetricsEntrypoints):
    name = "dispatch"

    db = Database()
    auth = Auth()
    config = Config()
    settings = Settings()
    clock = Clock()
    outbox = Outbox(outbox_table)
    work = UnitOfWork()
    jobs = JobRunner(Job, jobhandlers.HANDLERS, periodic=jobhandlers.PERIODIC, concurrency=4)
    metrics = ServiceMetrics(scrape=dispatch_metrics.SCRAPE)  # its send queue and sender domains too
    crm_rpc = ServiceRpc("crm", timeout=30)
    pressbase_rpc = ServiceRpc("pressbase", timeout=30)

    @rpc
    def health(self) -> dict:
        """Version, database and broker state (the gateway's /api/v1/status and /readyz/services ask every service)."""
        return health.report(self.name, __version__, self.db, self.config["AMQP_URI"])

    @http("GET", "/health")
    def health_http(self, request):
        """This process's own probe (Kubernetes, docker-compose): 200 when database and broker are fine."""
        return health.http_response(self.health(), request)
