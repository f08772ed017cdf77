"""The crm nameko service: dependency declarations; the entrypoints live in crm.entrypoints, one module per noun."""

from __future__ import annotations

from nameko.dependency_providers import Config
from nameko.web.handlers import http

from svckit import health
from svckit.clock import Clock
from svckit.db import Database
from svckit.deps import find
from svckit.entrypoints import Auth, rpc
from svckit.jobs import JobRunner
from svckit.metrics import MetricsEntrypoints
from svckit.outbox import Outbox
from svckit.work import UnitOfWork

from . import __version__
from .db.models import Job, outbox
from .entrypoints.contacts import ContactEntrypoints
from .entrypoints.gdpr import GdprEntrypoints
from .entrypoints.handlers import EventHandlers
from .entrypoints.jobs import JobEntrypoints
from .entrypoints.lists import ListEntrypoints
from .entrypoints.mailboxes import MailboxEntrypoints
from .entrypoints.media import MediaEntrypoints
from .storage import StorageProvider


class CrmService(ContactEntrypoints, ListEntrypoints, JobEntrypoints, MediaEntrypoints, GdprEntrypoints,
                 MailboxEntrypoints, EventHandlers, MetricsEntrypoints):
    name = "crm"

    db = Database()
    auth = Auth()
    config = Config()
    outbox = Outbox(outbox)
    clock = Clock()
    work = UnitOfWork()
    storage = StorageProvider()
    jobs = JobRunner(Job, "crm.jobhandlers:HANDLERS", require_account=True,
                     extras={"storage": lambda container: find(container, StorageProvider).storage})

    @rpc
    def health(self) -> dict:
        """Version, database and broker state (the gateway's /api/v1/status and /readyz/services ask every service)."""
        return health.report(self.name, __version__, self.db, self.config["AMQP_URI"])

    @http("GET", "/health")
    def health_http(self, request):
        """This process's own probe (Kubernetes, docker-compose): 200 when database and broker are fine."""
        return health.http_response(self.health(), request)
