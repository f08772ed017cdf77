"""The job runner's entrypoints: a nameko timer, and the RPC the Kubernetes CronJob (billing.jobs) calls."""

from __future__ import annotations

import logging
import os
from datetime import date

from nameko.timer import timer

from svckit.entitlements import EVENT
from svckit.entrypoints import rpc
from svckit.errors import field_error

from ..usecases import entitlements
from ..usecases.runner import Runner
from .common import Base

log = logging.getLogger(__name__)
JOB_INTERVAL = float(os.environ.get("BILLING_JOB_INTERVAL", "3600"))


class JobsApi(Base):
    @rpc
    def run_due_jobs(self, today: str | None = None) -> dict:
        """Run everything due up to ``today`` (default: the service's clock). Service principals and back office."""
        self.operator("back_office")
        day = self.clock.today()
        if today:
            try:
                day = date.fromisoformat(str(today))
            except ValueError:
                raise field_error("today", "Ungültiges Datum (JJJJ-MM-TT).", "Invalid date (YYYY-MM-DD).") from None
        return self._run(day)

    @timer(interval=JOB_INTERVAL)
    def run_due_jobs_timer(self) -> None:
        if not self.config.get("BILLING_TIMER", True):
            return
        report = self._run(self.clock.today())
        log.info("billing jobs done", extra={"report": report})

    @timer(interval=24 * 3600, eager=True)
    def broadcast_entitlements(self) -> None:
        """At start (and daily): every account's current entitlements again, so a consumer that missed one (or a
        freshly seeded database) catches up. Consumers ignore versions they already have."""
        for payload in entitlements.stored_payloads(self.db):
            self.dispatch(EVENT, payload)

    def _run(self, day: date) -> dict:
        runner = Runner(self.session_factory(), self.cat, self.stage, send_mail=self.mailer.send,
                        render=bool(self.config.get("BILLING_RENDER_PDF", True)))
        report = runner.run_due(day)
        return report.to_dict()
