"""The license manager's subscription area: view, cancel, revoke, extend or reduce, affiliated companies."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from svckit.errors import NotFound
from svckit.work import Work

from ..contracts import ChangeInput, UsageRecorded
from ..db import models as m
from ..db import repo
from ..domain import dates, lifecycle, pricing
from ..domain.catalogue import ADDON_CODES, Catalogue, load
from ..domain.plan import plan_at, scheduled, validate_plan
from ..i18n import _
from . import entitlements, invoicing

NO_SUBSCRIPTION = _("No subscription for this account.")


def row_for(session: Session, account_id, lock: bool = False) -> m.Subscription:
    row = repo.subscription_row(session, account_id, lock=lock)
    if row is None or row.state == "purged":
        raise NotFound(NO_SUBSCRIPTION)
    return row


def monthly_cents(cat: Catalogue, plan, overrides) -> int:
    return cat.tier_monthly_cents(plan.seats) + sum(cat.addon_monthly_cents(a, overrides) for a in plan.addons)


def view(session: Session, cat: Catalogue, row: m.Subscription, today: date) -> dict[str, Any]:
    sub = repo.to_domain(session, row)
    st = sub.status
    plan = plan_at(list(sub.entries), today)
    due = st.quarterly_due_dates(date(today.year + 2, 1, 1))
    upcoming = [d for d in due if d > today]
    return {
        "account_id": str(row.account_id), "state": row.state, "phase": st.phase(today),
        "start_date": sub.start.isoformat(),
        "starting_phase": {"first_day": sub.start.isoformat(),
                           "last_day": lifecycle.starting_end(sub.start).isoformat(),
                           "active": st.in_starting_phase(today)},
        "regular_from": lifecycle.regular_start(sub.start).isoformat(),
        "term_end": st.term_end(today).isoformat(),
        "cancellation": {
            "cancelled_on": sub.cancelled_on.isoformat() if sub.cancelled_on else None,
            "ends_on": sub.ends_on.isoformat() if sub.ends_on else None,
            "revocable": st.can_revoke(today),
            "notice_deadline": lifecycle.notice_deadline(today.year).isoformat(),
            "would_end_on": lifecycle.cancellation_end(sub.start, today)[0].isoformat(),
        },
        "purge_on": purge_on.isoformat() if (purge_on := st.purge_on()) else None,
        "plan": {**plan.to_dict(), "monthly_net_cents": monthly_cents(cat, plan, sub.overrides)},
        "scheduled": [{"valid_from": e.valid_from.isoformat(), **e.plan.to_dict(),
                       "monthly_net_cents": monthly_cents(cat, e.plan, sub.overrides)}
                      for e in scheduled(list(sub.entries), today)],
        "invoiced_through": sub.invoiced_through.isoformat() if sub.invoiced_through else None,
        "next_invoice_date": upcoming[0].isoformat() if upcoming else None,
        "invoice_recipient": {k: row.customer.get(k) for k in (
            "name", "attention", "street", "postcode", "city", "country", "vat_id", "email", "delivery")},
        "affiliates": row.customer.get("affiliates") or [],
        "catalogue_version": row.catalogue_version,
    }


def get(work: Work, account_id) -> dict[str, Any]:
    return view(work.session, load(), row_for(work.session, account_id), work.today)


def cancel(work: Work, account_id) -> dict[str, Any]:
    session, cat, today, actor = work.session, load(), work.today, work.principal
    row = row_for(session, account_id, lock=True)
    sub = repo.to_domain(session, row).cancel(today)
    assert sub.ends_on is not None, "cancel() sets the end date"
    repo.save(session, row, sub, entries_changed=False)
    repo.audit(session, actor, "subscription.cancelled", row.account_id, None,
               {"received": today.isoformat(), "ends_on": sub.ends_on.isoformat()})
    entitlements.refresh(session, cat, row.account_id, today, entitlements.staged(work))
    return view(session, cat, row, today)


def revoke(work: Work, account_id) -> dict[str, Any]:
    session, cat, today, actor = work.session, load(), work.today, work.principal
    row = row_for(session, account_id, lock=True)
    sub = repo.to_domain(session, row).revoke_cancellation(today)
    repo.save(session, row, sub, entries_changed=False)
    repo.audit(session, actor, "subscription.cancellation_revoked", row.account_id)
    entitlements.refresh(session, cat, row.account_id, today, entitlements.staged(work))
    return view(session, cat, row, today)


def change(work: Work, account_id, data: ChangeInput, keep_individual: bool = True) -> dict[str, Any]:
    """Extensions at once with a pro-rata invoice for the rest of the invoiced period; reductions on 1 January."""
    session, cat, today, actor = work.session, load(), work.today, work.principal
    seats, addons = data.seats, data.addons
    row = row_for(session, account_id, lock=True)
    sub = repo.to_domain(session, row)
    current = sub.plan(today)
    wanted = [a for a in addons if a != "premium_contracting"]
    target = validate_plan(cat, seats, wanted)
    if keep_individual and "premium_contracting" in current.addons:  # individual contracts change in the back office
        target = type(target)(target.seats, target.addons | {"premium_contracting"})
    new, lines = sub.change(cat, target, today)
    repo.save(session, row, new)
    invoice = None
    if lines:
        invoice = invoicing.issue(session, cat, row, "extension", lines, today, period_label=today.isoformat(),
                                  created_by=actor.user_id)
    repo.audit(session, actor, "subscription.changed", row.account_id, None,
               {"from": current.to_dict(), "to": target.to_dict(), "invoice": invoice.number if invoice else None})
    entitlements.refresh(session, cat, row.account_id, today, entitlements.staged(work))
    return {"subscription": view(session, cat, row, today),
            "invoice": invoicing.summary(invoice) if invoice else None}


def add_affiliate(work: Work, account_id, name: str, identity) -> dict:
    """An affiliated company joins as a further client of the account (``identity``: identity's RPC)."""
    session, actor = work.session, work.principal
    row = row_for(session, account_id, lock=True)
    result = identity.add_client(str(row.account_id), name)
    customer = dict(row.customer)
    customer["affiliates"] = [*customer.get("affiliates", []),
                              {"name": name, "client_id": str((result or {}).get("client_id", ""))}]
    row.customer = customer
    repo.audit(session, actor, "subscription.affiliate_added", row.account_id, None, {"name": name})
    return {"name": name, "client_id": customer["affiliates"][-1]["client_id"]}


def consumption(work: Work, account_id) -> dict:
    session, cat, today = work.session, load(), work.today
    month = dates.month_start(today)
    this_month = repo.usage_of_month(session, account_id, month)
    totals = repo.usage_totals(session, account_id)
    storage, measured_at = repo.storage_latest(session, account_id)
    return {
        "account_id": str(account_id),
        "storage": {"used_bytes": storage, "included_bytes": cat.storage_included_bytes,
                    "measured_at": measured_at.isoformat() if measured_at else None},
        "mails": {
            "this_month": {k: this_month.get(k, 0) for k in ("mails_standard", "mails_premium")},
            "total": {k: totals.get(k, 0) for k in ("mails_standard", "mails_premium")},
        },
        "month": dates.month_label(month),
    }


def record_usage(work: Work, data: UsageRecorded) -> None:
    """A ``usage_recorded`` event of crm or dispatch (idempotent by its key)."""
    repo.record_usage(work.session, data.idempotency_key, data.account_id, data.kind, data.quantity,
                      data.occurred_at)


def catalogue_view(cat: Catalogue) -> dict:
    return {
        "version": cat.version, "currency": "EUR", "vat_rate_percent": str(cat.vat_rate),
        "terms_version": cat.terms_version, "dpc_version": cat.dpc_version,
        "tiers": [{"seats": s, "monthly_net_cents": cat.tier_monthly_cents(s)} for s in cat.valid_seat_counts()[:12]],
        "tier_step": {"seats": cat.step_seats, "monthly_net_cents": cat.step_cents, "max_seats": cat.max_seats},
        "addons": [{"code": c, "name": cat.addon_name(c).to_wire(),
                    "monthly_net_cents": cat.addon_monthly_cents(c), "requires": cat.requirements(c),
                    "one_time_net_cents": cat.addons[c].get("one_time_cents"),
                    "individual": bool(cat.addons[c].get("individual"))} for c in ADDON_CODES],
        "usage": {"mails_standard_per_1000_cents": cat.usage["mails_standard"]["per_1000_cents"],
                  "mails_premium_per_1000_cents": cat.usage["mails_premium"]["per_1000_cents"],
                  "storage_included_bytes": cat.storage_included_bytes,
                  "storage_per_gb_month_cents": cat.usage["storage"]["per_gb_month_cents"]},
        "starting_phase_days": cat.starting_phase_days,
        "pro_rata_convention": pricing.PRO_RATA_CONVENTION.to_wire(),
    }
