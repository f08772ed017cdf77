"""Queries of the billing service. Repositories never commit: the entrypoint (or the job runner) does."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ..domain.plan import Plan
from ..domain.plan import PlanEntry as DomainEntry
from ..domain.subscription import Subscription as DomainSubscription
from . import models as m

# --- subscriptions -------------------------------------------------------------------------------------------------

def subscription_row(session: Session, account_id, lock: bool = False) -> m.Subscription | None:
    stmt = select(m.Subscription).where(m.Subscription.account_id == account_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def plan_entries(session: Session, subscription_id) -> list[DomainEntry]:
    rows = session.execute(select(m.PlanEntry).where(m.PlanEntry.subscription_id == subscription_id)
                           .order_by(m.PlanEntry.valid_from)).scalars().all()
    return [DomainEntry(r.valid_from, Plan(r.seats, frozenset(r.addons))) for r in rows]


def to_domain(session: Session, row: m.Subscription, entries: list[DomainEntry] | None = None) -> DomainSubscription:
    return DomainSubscription(
        account_id=str(row.account_id), start=row.start_date,
        entries=tuple(entries if entries is not None else plan_entries(session, row.id)),
        cancelled_on=row.cancelled_on, ends_on=row.ends_on, overrides=dict(row.overrides or {}),
        invoiced_through=row.invoiced_through,
    )


def save(session: Session, row: m.Subscription, sub: DomainSubscription, entries_changed: bool = True) -> None:
    row.cancelled_on, row.ends_on = sub.cancelled_on, sub.ends_on
    row.invoiced_through = sub.invoiced_through
    row.overrides = dict(sub.overrides)
    if entries_changed:
        session.execute(delete(m.PlanEntry).where(m.PlanEntry.subscription_id == row.id))
        session.flush()
        for e in sub.entries:
            session.add(m.PlanEntry(subscription_id=row.id, valid_from=e.valid_from, seats=e.plan.seats,
                                    addons=sorted(e.plan.addons)))
    session.flush()


def all_entries(session: Session, subscription_ids: Iterable) -> dict[Any, list[DomainEntry]]:
    """Plan entries of many subscriptions in one query (job runs)."""
    out: dict[Any, list[DomainEntry]] = {}
    ids = list(subscription_ids)
    if not ids:
        return out
    rows = session.execute(select(m.PlanEntry).where(m.PlanEntry.subscription_id.in_(ids))
                           .order_by(m.PlanEntry.subscription_id, m.PlanEntry.valid_from)).scalars().all()
    for r in rows:
        out.setdefault(r.subscription_id, []).append(DomainEntry(r.valid_from, Plan(r.seats, frozenset(r.addons))))
    return out


# --- jobs and numbers ----------------------------------------------------------------------------------------------

def claim_job(session: Session, account_id, period: str, kind: str, invoice_id=None) -> int | None:
    """Insert the (account, period, kind) row; None when it exists (done, or being done by a concurrent run, in which
    case this waits for that transaction and then sees the conflict)."""
    stmt = (insert(m.BillingJob).values(account_id=account_id, period=period, kind=kind, invoice_id=invoice_id)
            .on_conflict_do_nothing(constraint="uq_billing_jobs_account_id_period_kind").returning(m.BillingJob.id))
    return session.execute(stmt).scalar()


def done_jobs(session: Session, kinds: Iterable[str]) -> set[tuple[str, str, str]]:
    rows = session.execute(select(m.BillingJob.account_id, m.BillingJob.period, m.BillingJob.kind)
                           .where(m.BillingJob.kind.in_(list(kinds)))).all()
    return {(str(a), p, k) for a, p, k in rows}


def next_invoice_number(session: Session, year: int) -> tuple[int, str]:
    """Gap-free: the year's counter row is locked until this transaction ends; a rollback returns the number."""
    stmt = insert(m.InvoiceCounter).values(year=year, last=1)
    seq = session.execute(stmt.on_conflict_do_update(index_elements=["year"],
                                                     set_={"last": m.InvoiceCounter.last + 1})
                          .returning(m.InvoiceCounter.last)).scalar_one()
    return seq, f"{year}-{seq:06d}"


# --- invoices ------------------------------------------------------------------------------------------------------

def invoice(session: Session, invoice_id) -> m.Invoice | None:
    return session.get(m.Invoice, invoice_id)


def invoices_of(session: Session, account_id, limit: int = 100, offset: int = 0) -> list[m.Invoice]:
    return list(session.execute(select(m.Invoice).where(m.Invoice.account_id == account_id)
                                .order_by(m.Invoice.year.desc(), m.Invoice.seq.desc()).limit(limit).offset(offset))
                .scalars())


def credited_cents(session: Session, invoice_id) -> int:
    return int(session.execute(select(func.coalesce(func.sum(m.Invoice.net_cents), 0))
                               .where(m.Invoice.corrects_invoice_id == invoice_id)).scalar_one())


def document(session: Session, invoice_id) -> m.InvoiceDocument | None:
    return session.get(m.InvoiceDocument, invoice_id)


def invoices_without_document(session: Session, limit: int = 500) -> list[uuid.UUID]:
    return list(session.execute(text(
        "SELECT i.id FROM invoices i LEFT JOIN invoice_documents d ON d.invoice_id = i.id "
        "WHERE d.invoice_id IS NULL ORDER BY i.year, i.seq LIMIT :n"), {"n": limit}).scalars())


def pending_deliveries(session: Session, limit: int = 200) -> list[uuid.UUID]:
    return list(session.execute(text(
        "SELECT dl.invoice_id FROM invoice_deliveries dl JOIN invoice_documents d ON d.invoice_id = dl.invoice_id "
        "WHERE dl.sent_at IS NULL AND dl.channel = 'email' AND dl.attempts < 10 LIMIT :n"), {"n": limit}).scalars())


def lock_delivery(session: Session, invoice_id) -> m.InvoiceDelivery | None:
    return session.execute(select(m.InvoiceDelivery).where(m.InvoiceDelivery.invoice_id == invoice_id,
                                                           m.InvoiceDelivery.sent_at.is_(None))
                           .with_for_update(skip_locked=True)).scalar_one_or_none()


# --- usage ---------------------------------------------------------------------------------------------------------

def record_usage(session: Session, key: str, account_id, kind: str, quantity: int, occurred_at: datetime) -> bool:
    """Count each idempotency key once; returns False for a repeat."""
    inserted = session.execute(
        insert(m.UsageEvent).values(idempotency_key=key, account_id=account_id, kind=kind, quantity=quantity,
                                    occurred_at=occurred_at)
        .on_conflict_do_nothing().returning(m.UsageEvent.idempotency_key)).scalar()
    if inserted is None:
        return False
    month = date(occurred_at.year, occurred_at.month, 1)
    stmt = insert(m.UsageMonthly).values(account_id=account_id, month=month, kind=kind, quantity=quantity,
                                         latest=quantity, latest_at=occurred_at)
    if kind == "storage_bytes":
        quantity_expr = func.greatest(m.UsageMonthly.quantity, stmt.excluded.quantity)
    else:
        quantity_expr = m.UsageMonthly.quantity + stmt.excluded.quantity
    newer = m.UsageMonthly.latest_at.is_(None) | (m.UsageMonthly.latest_at < stmt.excluded.latest_at)
    from sqlalchemy import case

    session.execute(stmt.on_conflict_do_update(
        index_elements=["account_id", "month", "kind"],
        set_={"quantity": quantity_expr,
              "latest": case((newer, stmt.excluded.latest), else_=m.UsageMonthly.latest),
              "latest_at": case((newer, stmt.excluded.latest_at), else_=m.UsageMonthly.latest_at)}))
    return True


def usage_of_month(session: Session, account_id, month: date) -> dict[str, int]:
    rows = session.execute(select(m.UsageMonthly.kind, m.UsageMonthly.quantity)
                           .where(m.UsageMonthly.account_id == account_id, m.UsageMonthly.month == month)).all()
    return {k: int(q) for k, q in rows}


def storage_before(session: Session, account_id, month: date) -> int:
    """The latest storage measurement before ``month`` (carried into a month without measurements)."""
    row = session.execute(select(m.UsageMonthly.latest).where(
        m.UsageMonthly.account_id == account_id, m.UsageMonthly.kind == "storage_bytes", m.UsageMonthly.month < month)
        .order_by(m.UsageMonthly.month.desc()).limit(1)).scalar()
    return int(row or 0)


def usage_totals(session: Session, account_id) -> dict[str, int]:
    rows = session.execute(select(m.UsageMonthly.kind, func.sum(m.UsageMonthly.quantity))
                           .where(m.UsageMonthly.account_id == account_id,
                                  m.UsageMonthly.kind != "storage_bytes")
                           .group_by(m.UsageMonthly.kind)).all()
    return {k: int(q) for k, q in rows}


def storage_latest(session: Session, account_id) -> tuple[int, datetime | None]:
    row = session.execute(select(m.UsageMonthly.latest, m.UsageMonthly.latest_at).where(
        m.UsageMonthly.account_id == account_id, m.UsageMonthly.kind == "storage_bytes")
        .order_by(m.UsageMonthly.month.desc()).limit(1)).first()
    return (int(row[0] or 0), row[1]) if row else (0, None)


# --- audit, settings ----------------------------------------------------------------------------------------------

def audit(session: Session, principal, action: str, account_id=None, target: str | None = None,
          details: dict[str, Any] | None = None) -> None:
    session.add(m.AuditEntry(actor_kind=principal.kind, actor_id=principal.user_id or principal.service,
                             action=action, account_id=account_id, target=target, details=details or {}))


def setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(m.Setting, key)
    return default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    session.execute(insert(m.Setting).values(key=key, value=value)
                    .on_conflict_do_update(index_elements=["key"], set_={"value": value, "updated_at": func.now()}))
