"""The billing jobs: everything that is due on a day, each job idempotent per (account, period, kind).

``run_due_jobs`` runs this in the RPC worker (the Kubernetes CronJob's call); the back office's runs and the periodic
run are jobs of svckit's job runner (``billing.jobhandlers``), which only starts them: what makes a billing job happen
once is the ledger below, not the runner.

Each job runs in its own transaction that starts by inserting its (account, period, kind) row into
``billing_jobs``; the unique constraint makes a second run (or a concurrent one, which waits on the first one's
insert and then sees the conflict) do nothing. Invoice numbers come from a locked counter row in the same
transaction, so a rolled-back job leaves no gap. Documents and mails follow after commit, each claimed with
SKIP LOCKED so concurrent runners share rather than repeat the work.

Kinds and periods: quarterly (``2027-Q2``), usage (``2027-05``, the month billed), renewal (``2028``), end (the last
contract day), purge (the purge day).
"""

from __future__ import annotations

import logging
import time as systime
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from svckit.clock import utcnow

from ..db import models as m
from ..db import repo
from ..domain import dates, lifecycle, pricing, rights
from ..domain.catalogue import Catalogue
from ..events import ACCOUNT_PURGE_REQUESTED, ACCOUNT_PURGED, purge_requested, purged
from . import entitlements, invoicing


def _subscription(session: Session, account_id: Any, lock: bool = False) -> m.Subscription:
    """The account's subscription row: billing jobs are only scheduled for accounts that have one."""
    row = repo.subscription_row(session, account_id, lock=lock)
    if row is None:
        raise LookupError(f"billing job for account {account_id} without a subscription")
    return row

log = logging.getLogger(__name__)

KINDS = ("quarterly", "usage", "renewal", "end", "purge")
ENTITLEMENTS_CHUNK = 500
INVOICING_KINDS = ("quarterly", "usage")


@dataclass
class Report:
    today: str
    jobs: Counter = field(default_factory=Counter)
    invoices: int = 0
    entitlements: int = 0
    documents: int = 0
    mailed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"today": self.today, "jobs": dict(self.jobs), "invoices": self.invoices,
                "entitlements_published": self.entitlements, "documents": self.documents, "mailed": self.mailed,
                "errors": self.errors}


def due_jobs(sub, today: date) -> list[tuple[str, str, Any]]:
    """(kind, period, argument) of everything due for one subscription up to ``today``."""
    jobs: list[tuple[str, str, Any]] = []
    for due in sub.quarterly_due(today):
        jobs.append(("quarterly", dates.quarter_label(due), due))
    for month_start in sub.status.usage_due_months(today):
        billed = dates.add_months(month_start, -1)
        jobs.append(("usage", dates.month_label(billed), billed))
    for year in sub.renewal_due(today):
        jobs.append(("renewal", str(year), year))
    if sub.ends_on is not None and today > sub.ends_on:
        jobs.append(("end", sub.ends_on.isoformat(), sub.ends_on))
        purge_on = sub.status.purge_on()
        if today >= purge_on:
            jobs.append(("purge", purge_on.isoformat(), purge_on))
    return jobs


class Runner:
    def __init__(self, session_factory: Callable[[], Session], cat: Catalogue, stage, send_mail=None,
                 render: bool = True, deliver: bool = True, now: Callable[[], datetime] | None = None):
        self.session_factory, self.cat, self.stage = session_factory, cat, stage
        self.send_mail, self.render, self.deliver = send_mail, render, deliver
        self.now = now or utcnow

    # --- the run ----------------------------------------------------------------------------------------------------
    def run_due(self, today: date, account_ids: list | None = None,
                progress: Callable[[int, int], None] | None = None) -> Report:
        report = Report(today.isoformat())
        with self.session_factory() as session:
            stmt = select(m.Subscription).where(m.Subscription.state != "purged")
            if account_ids:
                stmt = stmt.where(m.Subscription.account_id.in_(account_ids))
            rows = list(session.execute(stmt).scalars())
            entries = repo.all_entries(session, [r.id for r in rows])
            done = repo.done_jobs(session, KINDS)
            published = {str(a): p for a, p in session.execute(
                select(m.EntitlementState.account_id, m.EntitlementState.payload)).all()}
            work, stale = [], []
            for row in rows:
                sub = repo.to_domain(session, row, entries.get(row.id, []))
                for kind, period, arg in due_jobs(sub, today):
                    if (str(row.account_id), period, kind) not in done:
                        work.append((kind, period, arg, row.account_id))
                payload = rights.compute(self.cat, str(row.account_id), sub.status, list(sub.entries),
                                         today).to_payload()
                old = published.get(str(row.account_id))
                if old is None or rights.comparable(old) != rights.comparable(payload):
                    stale.append(row.account_id)
        order = {k: i for i, k in enumerate(KINDS)}
        work.sort(key=lambda w: (order[w[0]], w[1]))
        total = len(work) + len(stale)
        if progress:
            progress(0, total)
        for n, (kind, period, arg, account_id) in enumerate(work, start=1):
            systime.sleep(0)  # green under eventlet: other workers of the service run between jobs
            if progress and n % 50 == 0:
                progress(n, total)
            try:
                if self._job(kind, period, arg, account_id, today, report):
                    report.jobs[kind] += 1
            except Exception as exc:  # one account's failure must not stop the others; the next run retries
                log.exception("billing job %s %s %s failed", kind, period, account_id)
                report.errors.append(f"{kind} {period} {account_id}: {type(exc).__name__}: {exc}")
        for i in range(0, len(stale), ENTITLEMENTS_CHUNK):
            with self.session_factory() as session:
                report.entitlements += entitlements.refresh_many(session, self.cat, stale[i:i + ENTITLEMENTS_CHUNK],
                                                                 today, self.stage)
                session.commit()
        if progress:
            progress(total, total)
        if self.render:
            report.documents = invoicing.render_pending(self.session_factory)
            if self.deliver and self.send_mail is not None:
                report.mailed = invoicing.deliver_pending(self.session_factory, self.send_mail, now=self.now)
        return report

    def _job(self, kind: str, period: str, arg: Any, account_id, today: date, report: Report) -> bool:
        with self.session_factory() as session:
            invoice_id = uuid.uuid4() if kind in INVOICING_KINDS else None  # the job row names its invoice
            job_id = repo.claim_job(session, account_id, period, kind, invoice_id)
            if job_id is None:
                session.rollback()
                return False
            invoice = getattr(self, f"_{kind}")(session, account_id, arg, today, invoice_id)
            if invoice is not None:
                report.invoices += 1
            elif invoice_id is not None:  # nothing to invoice (no usage): the job is done without an invoice
                session.execute(m.BillingJob.__table__.update().where(m.BillingJob.id == job_id)
                                .values(invoice_id=None))
            session.commit()
            return True

    # --- the jobs ---------------------------------------------------------------------------------------------------
    def _quarterly(self, session: Session, account_id, due: date, today: date, invoice_id=None):
        row = _subscription(session, account_id, lock=True)
        sub = repo.to_domain(session, row)
        lines = sub.quarterly_lines(self.cat, due)
        if not lines:
            return None
        inv = invoicing.issue(session, self.cat, row, "quarterly", lines, today, period_label=dates.quarter_label(due),
                              invoice_id=invoice_id)
        repo.save(session, row, sub.invoiced(due), entries_changed=False)
        return inv

    def _usage(self, session: Session, account_id, month: date, today: date, invoice_id=None):
        row = _subscription(session, account_id)
        reg = lifecycle.regular_start(row.start_date)
        if dates.month_start(reg) == month:  # the starting phase is free: count from the regular start only
            since = datetime.combine(reg, time(), tzinfo=UTC)
            until = datetime.combine(dates.add_months(month, 1), time(), tzinfo=UTC)
            q = session.execute(select(m.UsageEvent.kind, func.sum(m.UsageEvent.quantity),
                                       func.max(m.UsageEvent.quantity))
                                .where(m.UsageEvent.account_id == account_id, m.UsageEvent.occurred_at >= since,
                                       m.UsageEvent.occurred_at < until).group_by(m.UsageEvent.kind)).all()
            usage = {k: int(mx if k == "storage_bytes" else s) for k, s, mx in q}
        else:
            usage = repo.usage_of_month(session, account_id, month)
        storage = usage.get("storage_bytes")
        if storage is None:
            storage = repo.storage_before(session, account_id, month)
        lines = pricing.usage_lines(self.cat, month, usage.get("mails_standard", 0), usage.get("mails_premium", 0),
                                    storage)
        if not lines:
            return None
        return invoicing.issue(session, self.cat, row, "usage", lines, today, period_label=dates.month_label(month),
                               invoice_id=invoice_id)

    def _renewal(self, session: Session, account_id, year: int, today: date, invoice_id=None):
        repo.audit(session, _system(account_id), "subscription.renewed", account_id, str(year))
        return None

    def _end(self, session: Session, account_id, ends_on: date, today: date, invoice_id=None):
        row = _subscription(session, account_id, lock=True)
        row.state = "ended"
        repo.audit(session, _system(account_id), "subscription.ended", account_id, ends_on.isoformat())
        if self.send_mail is not None:
            self._offer_export(row, ends_on)
        return None

    def _purge(self, session: Session, account_id, purge_on: date, today: date, invoice_id=None):
        """Billing keeps invoices (10 years, § 147 AO / GoBD) with their own recipient snapshot, the job ledger and
        its audit log; it deletes the orders (contact persons, terms records), the plan history, usage data,
        entitlement state and individual contract documents, and blanks the subscription's customer data."""
        row = _subscription(session, account_id, lock=True)
        self.stage(session, ACCOUNT_PURGE_REQUESTED, purge_requested(account_id, self.now()))
        session.execute(delete(m.Order).where(m.Order.account_id == account_id))
        session.execute(delete(m.PlanEntry).where(m.PlanEntry.subscription_id == row.id))
        session.execute(delete(m.UsageEvent).where(m.UsageEvent.account_id == account_id))
        session.execute(delete(m.UsageMonthly).where(m.UsageMonthly.account_id == account_id))
        session.execute(delete(m.EntitlementState).where(m.EntitlementState.account_id == account_id))
        session.execute(m.IndividualContract.__table__.update().where(m.IndividualContract.account_id == account_id)
                        .values(document=None))
        row.state, row.customer = "purged", {"account_no": (row.customer or {}).get("account_no")}
        repo.audit(session, _system(account_id), "account.purged", account_id, purge_on.isoformat())
        self.stage(session, ACCOUNT_PURGED, purged(account_id))
        return None

    def _offer_export(self, row: m.Subscription, ends_on: date) -> None:
        from svckit.mail import TransactionalMail

        lm = (row.customer or {}).get("license_manager") or {}
        if not lm.get("email"):
            return
        lang = lm.get("language") or row.customer.get("language") or "de"
        purge_on = lifecycle.Status(row.start_date, ends_on=ends_on).purge_on()
        assert purge_on is not None, "with an end date there is a purge date"
        if lang == "en":
            subject = "Your Pressroom subscription has ended: export your data"
            text = (f"Your Pressroom subscription ended on {ends_on.isoformat()}. You can download a full export of "
                    f"your account's data until {purge_on.isoformat()} (Settings > Data export); after that day all "
                    f"data is deleted.\n")
        else:
            subject = "Ihr Pressroom-Abonnement ist beendet: Exportieren Sie Ihre Daten"
            text = (f"Ihr Pressroom-Abonnement endete am {ends_on.strftime('%d.%m.%Y')}. Bis zum "
                    f"{purge_on.strftime('%d.%m.%Y')} können Sie einen vollständigen Export der Daten Ihres Kontos "
                    f"herunterladen (Einstellungen > Datenexport); danach werden alle Daten gelöscht.\n")
        try:
            self.send_mail(TransactionalMail(to=lm["email"], subject=subject, text=text, category="notice",
                                             account_id=str(row.account_id), language=lang,
                                             idempotency_key=f"export-offer-{row.account_id}"))
        except Exception as exc:  # pragma: no cover - the end is recorded; the offer is also in the app
            log.warning("export offer mail failed: %s", exc)


def _system(account_id):
    from svckit.principal import Principal

    return Principal.system("billing", str(account_id))
