"""What operators do: individual contracts (premium contracting), account overviews, the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput
from svckit.work import Work

from ..contracts import ContractInput, CreditNoteInput
from ..db import models as m
from ..db import repo
from ..domain import pricing
from ..domain.catalogue import load
from ..domain.plan import Plan
from ..i18n import _
from . import entitlements, invoicing, subscriptions


def record_contract(work: Work, data: ContractInput, document: bytes) -> dict[str, Any]:
    """Premium contracting: the signed contract, its one-time fee (invoiced at once) and its monthly fee (an add-on
    with the individual price from ``valid_from`` on, invoiced quarterly like every other add-on)."""
    session, cat, today, actor = work.session, load(), work.today, work.principal
    row = subscriptions.row_for(session, data.account_id, lock=True)
    if data.valid_from < row.start_date:
        raise InvalidInput(fields={"valid_from": _("Is before the subscription starts.")})
    contract = m.IndividualContract(account_id=row.account_id, document=document, document_name=data.document_name,
                                    one_time_cents=data.one_time_cents, monthly_cents=data.monthly_cents,
                                    valid_from=data.valid_from, note=data.note, created_by=actor.user_id or "?")
    session.add(contract)
    sub = repo.to_domain(session, row)
    overrides = {**sub.overrides, "premium_contracting": data.monthly_cents}
    current = sub.plan(data.valid_from)
    target = Plan(current.seats, current.addons | {"premium_contracting"})
    from dataclasses import replace

    sub = replace(sub, overrides=overrides)
    new, lines = sub.change(cat, target, max(data.valid_from, today))
    repo.save(session, row, new)
    invoice = None
    one_time = []
    if data.one_time_cents:
        one_time.append(pricing.one_time_line(
            _("Premium contracting: one-time setup"),
            data.one_time_cents, today))
    if one_time or lines:
        invoice = invoicing.issue(session, cat, row, "one_time", one_time + lines, today,
                                  period_label=today.isoformat(), created_by=actor.user_id)
    session.flush()
    repo.audit(session, actor, "contract.recorded", row.account_id, str(contract.id),
               {"one_time_cents": data.one_time_cents, "monthly_cents": data.monthly_cents,
                "valid_from": data.valid_from.isoformat(), "invoice": invoice.number if invoice else None})
    entitlements.refresh(session, cat, row.account_id, today, entitlements.staged(work))
    return {"contract": contract_summary(contract), "invoice": invoicing.summary(invoice) if invoice else None}


def issue_credit_note(work: Work, data: CreditNoteInput) -> m.Invoice:
    """A credit note for (part of) an invoice, audited; rendering and delivery follow after the commit."""
    actor = work.principal
    note = invoicing.credit_note(work.session, load(), data.invoice_id, data.amount_cents, data.reason, work.today,
                                 actor.user_id or "?")
    repo.audit(work.session, actor, "invoice.credited", note.account_id, str(data.invoice_id),
               {"credit_note": note.number, "net_cents": note.net_cents, "reason": data.reason})
    return note


def contract_summary(c: m.IndividualContract) -> dict[str, Any]:
    return {"id": str(c.id), "account_id": str(c.account_id), "one_time_cents": c.one_time_cents,
            "monthly_cents": c.monthly_cents, "valid_from": c.valid_from.isoformat(), "note": c.note,
            "document_name": c.document_name, "has_document": c.document is not None}


def accounts(work: Work, limit: int = 100, offset: int = 0) -> list[dict]:
    session, today = work.session, work.today
    rows = list(session.execute(select(m.Subscription).order_by(m.Subscription.created_at.desc())
                                .limit(limit).offset(offset)).scalars())
    entries = repo.all_entries(session, [r.id for r in rows])
    out = []
    for r in rows:
        sub = repo.to_domain(session, r, entries.get(r.id, []))
        plan = sub.plan(today) if sub.entries else None
        out.append({"account_id": str(r.account_id), "name": (r.customer or {}).get("company")
                    or (r.customer or {}).get("name"), "state": r.state, "phase": sub.status.phase(today),
                    "seats": plan.seats if plan else None, "addons": sorted(plan.addons) if plan else [],
                    "ends_on": r.ends_on.isoformat() if r.ends_on else None})
    return out


def account_overview(work: Work, account_id) -> dict[str, Any]:
    """Subscription, invoices, consumption, contracts and entitlements of any account (the viewing is audited)."""
    session, cat, today = work.session, load(), work.today
    row = repo.subscription_row(session, account_id)
    if row is None:
        from svckit.errors import NotFound

        raise NotFound(subscriptions.NO_SUBSCRIPTION)
    data: dict[str, Any] = {"account_id": str(account_id), "state": row.state}
    if row.state != "purged":
        data["subscription"] = subscriptions.view(session, cat, row, today)
    data["invoices"] = [invoicing.summary(i) for i in repo.invoices_of(session, account_id)]
    data["consumption"] = subscriptions.consumption(work, account_id)
    data["contracts"] = [contract_summary(c) for c in session.execute(
        select(m.IndividualContract).where(m.IndividualContract.account_id == account_id)).scalars()]
    state = session.get(m.EntitlementState, account_id)
    data["entitlements"] = dict(state.payload) if state else None
    repo.audit(session, work.principal, "account.viewed", account_id)
    return data


def audit_entries(work: Work, account_id=None, limit: int = 200) -> list[dict]:
    session = work.session
    stmt = select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(limit)
    if account_id is not None:
        stmt = stmt.where(m.AuditEntry.account_id == account_id)
    return [{"id": a.id, "at": a.at.isoformat(), "actor_kind": a.actor_kind, "actor_id": a.actor_id,
             "action": a.action, "account_id": str(a.account_id) if a.account_id else None, "target": a.target,
             "details": a.details} for a in session.execute(stmt).scalars()]


def letters_to_print(work: Work, limit: int = 200) -> list[dict]:
    session = work.session
    rows = session.execute(select(m.Invoice).join(m.InvoiceDelivery, m.InvoiceDelivery.invoice_id == m.Invoice.id)
                           .where(m.InvoiceDelivery.channel == "letter", m.InvoiceDelivery.sent_at.is_(None))
                           .order_by(m.Invoice.year, m.Invoice.seq).limit(limit)).scalars()
    return [invoicing.summary(i) for i in rows]


def count_invoices(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(m.Invoice)).scalar_one())
