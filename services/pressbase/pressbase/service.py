"""The pressbase nameko service: dependency declarations; the entrypoints live in pressbase.entrypoints, one module per
noun (search, selections, jobs, feeds, events, GDPR)."""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.web.handlers import http

from svckit import health
from svckit.clock import Clock
from svckit.db import Database
from svckit.entrypoints import Auth, rpc
from svckit.jobs import JobRunner
from svckit.metrics import MetricsEntrypoints
from svckit.outbox import Outbox
from svckit.rpc import ServiceRpc
from svckit.work import UnitOfWork

from . import __version__
from .db.models import Job, outbox
from .entrypoints.feeds import FeedEntrypoints
from .entrypoints.gdpr import GdprEntrypoints
from .entrypoints.handlers import EventHandlers
from .entrypoints.jobs import JobEntrypoints
from .entrypoints.search import SearchEntrypoints
from .entrypoints.selections import SelectionEntrypoints


class PressbaseService(SearchEntrypoints, SelectionEntrypoints, JobEntrypoints, FeedEntrypoints, GdprEntrypoints,
                       EventHandlers, MetricsEntrypoints):
    name = "pressbase"

    db = Database()
    auth = Auth()
    clock = Clock()
    config = Config()
    outbox = Outbox(outbox)
    work = UnitOfWork()
    event_dispatcher = EventDispatcher()
    crm_rpc = ServiceRpc("crm", timeout=60)
    jobs = JobRunner(Job, "pressbase.jobhandlers:HANDLERS")

    @rpc
    def health(self) -> dict:
        """Version, database and broker state (the gateway's /api/v1/status and /readyz/services ask every service)."""
        return health.report(self.name, __version__, self.db, self.config["AMQP_URI"])

    @http("GET", "/health")
    def health_http(self, request):
        """This process's own probe (Kubernetes, docker-compose): 200 when database and broker are fine."""
        return health.http_response(self.health(), request)
