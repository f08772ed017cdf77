"""The sender worker: its own nameko service (``nameko run dispatch.sender``), separately scalable and killable.

It talks to PostgreSQL and the SMTP relay only; no RabbitMQ on the sending path, so a broker outage does not stop
delivery (the events it writes wait in the outbox until the dispatch service's relay publishes them).
"""

from __future__ import annotations

import logging

from nameko.extensions import DependencyProvider
from nameko.web.handlers import http
from sqlalchemy.engine import make_url

from svckit.db import make_engine
from svckit.deps import find
from svckit.metrics import MetricsEntrypoints, ServiceMetrics
from svckit.settings import ConfigurationError, check_required_secrets, database_url

from .engine.engine import Engine, Runner
from .engine.smtp import DomainLimiter, SharedDomainLimiter
from .settings import DispatchSettings

log = logging.getLogger(__name__)


def domain_limiter(settings: DispatchSettings, db_url: str) -> DomainLimiter | SharedDomainLimiter:
    """Each sender process counts the per-domain limits itself, or (``DOMAIN_LIMITS_SHARED=1``) all share them
    through Redis: the senders of one dispatch database (its name is in the keys)."""
    if not settings.domain_limits_shared:
        return DomainLimiter(settings.domain_concurrency, settings.domain_rate_per_minute)
    database = make_url(db_url).database
    return SharedDomainLimiter(settings.redis_url, settings.domain_concurrency, settings.domain_rate_per_minute,
                               lease_seconds=3 * settings.smtp_timeout, prefix=f"pressroom:dispatch:{database}:")


class SenderEngine(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        check_required_secrets(config)  # production: no development tracking/DKIM secrets (svckit.settings)
        self.settings = DispatchSettings.load(config)
        try:
            self.settings.check_production()   # production: links in mails only over https
        except ConfigurationError as exc:
            log.critical("%s", exc)
            raise
        url = (config.get("DB_URIS") or {}).get("dispatch") or database_url("dispatch")
        self.db = make_engine(url, pool_size=self.settings.smtp_connections + 4, application_name="dispatch-sender")
        self.runner = Runner(Engine(self.db, self.settings, limiter=domain_limiter(self.settings, url)))

    def start(self) -> None:
        self.runner.start(spawn=lambda fn: self.container.spawn_managed_thread(fn))

    def stop(self) -> None:
        self.runner.stop()
        self.db.dispose()

    def kill(self) -> None:
        self.runner.running = False
        self.runner.engine.marks.dispose()
        self.db.dispose()

    def get_dependency(self, worker_ctx) -> Runner:
        return self.runner


class DispatchSender(MetricsEntrypoints):
    name = "dispatch_sender"

    sender = SenderEngine()
    # GET /metrics: mails by outcome (svckit.metrics.MAILS) and its own pool
    metrics = ServiceMetrics(engine=lambda container: find(container, SenderEngine).db)

    @http("GET", "/health")
    def health_http(self, request):
        import json

        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"service": self.name, "ok": self.sender.running, "worker": self.sender.engine.worker_id})
