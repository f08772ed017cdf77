"""Billing's runs of the due jobs: the RPC the Kubernetes CronJob (billing.jobs) calls, and the back office's run as
a background job of svckit's runner (``jobhandlers.run_due``; the runner also enqueues it every
``BILLING_JOB_INTERVAL`` s)."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from svckit.entitlements import EVENT
from svckit.entrypoints import rpc
from svckit.errors import field_error

from ..i18n import _
from ..usecases import entitlements, jobs
from ..usecases.runner import Runner
from .common import Base


class JobsApi(Base):
    @rpc
    def run_due_jobs(self, today: str | None = None) -> dict:
        """Run everything due up to ``today`` (default: the service's clock). Service principals and back office."""
        self.operator("back_office")
        return self._run(self._day(today))

    @timer(interval=24 * 3600, eager=True)
    def broadcast_entitlements(self) -> None:
        """At start (and daily): every account's current entitlements again, so a consumer that missed one (or a
        freshly seeded database) catches up. Consumers ignore versions they already have."""
        for payload in entitlements.stored_payloads(self.db):
            self.dispatch(EVENT, payload)

    @rpc
    def start_job_run(self, today: str | None = None) -> dict:
        """The back office starts a run in the background and polls ``get_job_run`` for its progress."""
        self.operator("back_office")
        day = self._day(today)
        with self.work() as work:
            return jobs.start_run(work, self.jobs, day)

    @rpc
    def get_job_run(self, run_id: str) -> dict:
        self.operator("back_office", "support")
        with self.work() as work:
            return jobs.get_run(work, run_id)

    def _day(self, today: str | None) -> date:
        if not today:
            return self.clock.today()
        try:
            return date.fromisoformat(str(today))
        except ValueError:
            raise field_error("today", _("Invalid date (YYYY-MM-DD).")) from None

    def _run(self, day: date) -> dict:
        runner = Runner(self.session_factory(), self.cat, self.stage, send_mail=self.mailer.send,
                        render=bool(self.config.get("BILLING_RENDER_PDF", True)), now=self.clock.now)
        report = runner.run_due(day)
        return report.to_dict()

