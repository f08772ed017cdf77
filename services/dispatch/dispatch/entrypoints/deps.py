"""Dependencies of the dispatch service beyond svckit's: settings, the housekeeping loop, background jobs."""

from __future__ import annotations

import logging
import time

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from ..settings import DispatchSettings
from ..usecases import housekeeping
from ..usecases.senders import ensure_system_domain

log = logging.getLogger(__name__)


class Settings(DependencyProvider):
    def setup(self) -> None:
        self.settings = DispatchSettings.load(self.container.config)

    def get_dependency(self, worker_ctx) -> DispatchSettings:
        return self.settings


class Background(DependencyProvider):
    """Housekeeping every few seconds (scheduled mailings, finishing, usage) and long jobs (exports)."""

    def __init__(self, database_attr: str = "db"):
        self.database_attr = database_attr
        self._running = False

    def setup(self) -> None:
        from svckit.settings import env

        from ..imap import MailboxSettings

        config = self.container.config
        self.settings = DispatchSettings.load(config)
        self.mailbox = MailboxSettings.load(lambda name, default=None: config.get(name) or env(name) or default)
        self.mailbox_interval = float(config.get("BOUNCE_IMAP_INTERVAL") or env("BOUNCE_IMAP_INTERVAL") or 60)

    def _engine(self):
        provider = next(d for d in self.container.dependencies if d.attr_name == self.database_attr)
        return provider.engine

    def start(self) -> None:
        self._running = True
        self.container.spawn_managed_thread(self._loop)

    def stop(self) -> None:
        self._running = False

    def kill(self) -> None:
        self._running = False

    def _loop(self) -> None:
        try:
            with Session(self._engine()) as session:
                ensure_system_domain(session, self.settings)
                session.commit()
        except Exception:
            log.exception("could not prepare the system sender domain")
        next_mailbox = 0.0
        while self._running:
            try:
                with Session(self._engine()) as session:
                    housekeeping.run(session)
            except Exception:
                log.exception("housekeeping failed; retrying")
            if self.mailbox is not None and time.monotonic() >= next_mailbox:
                next_mailbox = time.monotonic() + self.mailbox_interval
                try:
                    from ..imap import poll
                    poll(self._engine(), self.mailbox, self.settings)
                except Exception:
                    log.exception("reading the bounce mailbox failed; trying again later")
            eventlet.sleep(self.settings.housekeeping_interval)

    def spawn(self, fn, *args) -> None:
        def run():
            try:
                with Session(self._engine(), expire_on_commit=False) as session:
                    fn(session, *args)
            except Exception:
                log.exception("background job failed")
        self.container.spawn_managed_thread(run)

    def get_dependency(self, worker_ctx) -> Background:
        return self
