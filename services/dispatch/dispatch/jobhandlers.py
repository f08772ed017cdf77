"""Which function runs which kind of job (svckit.jobs.JobRunner, declared on the service, looks them up here).

- ``mailing_export``: the Excel report of a mailing (``usecases.reports``), with progress; started by
  ``start_export`` with the caller's principal.
- periodic, enqueued by the runner once per interval across all dispatch processes (as dispatch's system principal):
  ``housekeeping`` every ``HOUSEKEEPING_INTERVAL`` s (scheduled mailings become due, finished mailings are closed
  and reported, usage metered, replaced DKIM keys retired: ``usecases.housekeeping``), ``bounce_mailbox`` every
  ``BOUNCE_IMAP_INTERVAL`` s when a bounce mailbox is configured (``dispatch.imap``), and ``system_domain`` (the
  DKIM keys of transactional mail's own sender domain) at start and hourly.

Every periodic kind runs once per slot (``max_attempts=1``): a failure is logged and recorded, the next slot runs it
again. Each step of housekeeping locks what it works on (SKIP LOCKED), so an overlap with a slow earlier run is
harmless.
"""

from __future__ import annotations

from typing import Any

from svckit.jobs import JobContext, Kind, Periodic
from svckit.settings import env

from .imap import MailboxSettings
from .settings import DispatchSettings
from .usecases import housekeeping, reports
from .usecases.senders import ensure_system_domain

HOUSEKEEPING = "housekeeping"
BOUNCE_MAILBOX = "bounce_mailbox"
SYSTEM_DOMAIN = "system_domain"


def mailing_export(ctx: JobContext) -> dict[str, Any]:
    return reports.run_export(ctx.session, ctx.job_id, ctx.account_id, ctx.params, ctx.principal.lang,
                              progress=lambda done: ctx.progress(done))


def run_housekeeping(ctx: JobContext) -> dict[str, Any]:
    return housekeeping.run(ctx.session, ctx.now())


def _mailbox(config: Any) -> MailboxSettings | None:
    return MailboxSettings.load(lambda name, default=None: config.get(name) or env(name) or default)


def read_bounce_mailbox(ctx: JobContext) -> dict[str, Any]:
    from .imap import poll

    mailbox = _mailbox(ctx.config)
    if mailbox is None:
        return {"skipped": "no bounce mailbox"}
    poll(ctx.engine, mailbox, DispatchSettings.load(ctx.config))
    return {}


def system_domain(ctx: JobContext) -> dict[str, Any]:
    domain = ensure_system_domain(ctx.session, DispatchSettings.load(ctx.config))
    return {"domain": domain.domain}


def housekeeping_every(config: Any) -> float:
    return DispatchSettings.load(config).housekeeping_interval


def mailbox_every(config: Any) -> float | None:
    """``BOUNCE_IMAP_INTERVAL`` (config or environment, default 60 s); none without a bounce mailbox."""
    if _mailbox(config) is None:
        return None
    return float(config.get("BOUNCE_IMAP_INTERVAL") or env("BOUNCE_IMAP_INTERVAL") or 60)


HANDLERS = {
    reports.EXPORT_KIND: Kind(mailing_export, max_attempts=3, backoff=30, time_limit=3600),
    HOUSEKEEPING: Kind(run_housekeeping, max_attempts=1),
    BOUNCE_MAILBOX: Kind(read_bounce_mailbox, max_attempts=1, time_limit=600),
    SYSTEM_DOMAIN: Kind(system_domain, max_attempts=1),
}
PERIODIC = [Periodic(HOUSEKEEPING, every=housekeeping_every), Periodic(BOUNCE_MAILBOX, every=mailbox_every),
            Periodic(SYSTEM_DOMAIN, every=3600)]
