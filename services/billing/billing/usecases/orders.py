"""Orders: placed on the website (wait for activation, or activated at once when the setting says so) or written
orders an operator places; activation creates the account and both users through identity, then the subscription
in its starting phase."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svckit.errors import Conflict, InvalidInput, NotFound
from svckit.i18n import Text
from svckit.work import Work

from ..contracts import OrderInput, SettingsInput
from ..db import models as m
from ..db import repo
from ..domain.addresses import address_errors, vat_errors
from ..domain.catalogue import Catalogue
from ..domain.catalogue import load as load_catalogue
from ..domain.plan import Plan, validate_plan
from ..i18n import _
from . import entitlements
from .invoicing import account_no

ORDER_NOT_FOUND = _("Order not found.")
AUTO_ACTIVATE = "auto_activate_orders"
MAX_START_AHEAD_DAYS = 365


def validate(cat: Catalogue, order: OrderInput, today: date, written: bool = False) -> Plan:
    """Everything an order must satisfy beyond its shape; every problem named by field, in both languages."""
    fields: dict[str, Text] = {}
    if not order.accept_terms:
        fields["accept_terms"] = _("Please accept the terms and conditions.")
    if not order.accept_dpc:
        fields["accept_dpc"] = _("Please accept the data processing contract.")
    if order.terms_version != cat.terms_version:
        fields["terms_version"] = _("Outdated terms version; the current one is {v}.").format(v=cat.terms_version)
    if order.dpc_version != cat.dpc_version:
        fields["dpc_version"] = _("Outdated data processing contract version; the current one is {v}.").format(
            v=cat.dpc_version)
    if not written and order.start_date < today:
        fields["start_date"] = _("The start date is in the past.")
    if order.start_date > today + timedelta(days=MAX_START_AHEAD_DAYS):
        fields["start_date"] = _("The start date is more than a year ahead.")
    fields.update(address_errors(order.company.address, "company.address"))
    fields.update(vat_errors(order.company, "company"))
    if order.billing_address:
        fields.update(address_errors(order.billing_address.address, "billing_address.address"))
    names = [c.name.casefold() for c in order.clients]
    if len(names) != len(set(names)):
        fields["clients"] = _("Client names must be unique.")
    try:
        plan = validate_plan(cat, order.seats, order.addons)
    except InvalidInput as exc:
        fields.update(exc.fields)
        plan = None
    if fields:
        raise InvalidInput(fields=fields)
    assert plan is not None, "a refused plan always names its fields"
    return plan


def place(work: Work, order: OrderInput, source: str = "web", placed_by: str | None = None,
          document: bytes | None = None, document_name: str | None = None) -> m.Order:
    session, now = work.session, work.now
    validate(load_catalogue(), order, work.today, written=(source == "written"))
    row = m.Order(state="received", source=source, data=order.model_dump(mode="json"), start_date=order.start_date,
                  terms_version=order.terms_version, terms_accepted_at=now, dpc_version=order.dpc_version,
                  dpc_accepted_at=now, document=document, document_name=document_name, placed_by=placed_by)
    session.add(row)
    session.flush()
    if source == "written":  # an operator placed it (the caller)
        repo.audit(session, work.principal, "order.written_placed", None, str(row.id), {"company": order.company.name})
    return row


def load(session: Session, order_id, lock: bool = False) -> m.Order:
    stmt = select(m.Order).where(m.Order.id == order_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.execute(stmt).scalar()
    if row is None:
        raise NotFound(ORDER_NOT_FOUND)
    return row


def customer_from(order: dict[str, Any]) -> dict[str, Any]:
    company, billing = order["company"], order.get("billing_address")
    addr = (billing or {}).get("address") or company["address"]
    lm = order["license_manager"]
    return {
        "name": (billing or {}).get("name") or company["name"], "attention": (billing or {}).get("attention"),
        "company": company["name"], "street": addr["street"], "address_extra": addr.get("address_extra"),
        "postcode": addr["postcode"], "city": addr["city"], "country": addr.get("country") or "DE",
        "vat_id": company.get("vat_id"), "email": order.get("invoice_email") or lm["email"],
        "delivery": order.get("invoice_delivery") or "email", "buyer_reference": order.get("buyer_reference"),
        "language": order.get("language") or "de",
        "license_manager": {k: lm.get(k) for k in ("email", "first_name", "last_name", "language")},
        "affiliates": [],
    }


def identity_payload(order_row: m.Order) -> dict[str, Any]:
    o = order_row.data

    def person(p):
        return {k: v for k, v in p.items() if k in ("email", "first_name", "last_name", "language", "salutation")
                and v is not None}

    return {
        "idempotency_key": str(order_row.id),
        "account": {"name": o["company"]["name"], "language": o.get("language") or "de"},
        "license_manager": person(o["license_manager"]),
        "administrator": person(o.get("administrator") or o["license_manager"]),
        "seats": o["seats"],
        "clients": [{"name": c["name"]} for c in o.get("clients") or []] or [{"name": o["company"]["name"]}],
    }


def auto_activate(work: Work) -> bool:
    """Whether web orders are activated without an operator (the setting, else BILLING_AUTO_ACTIVATE)."""
    return bool(repo.setting(work.session, AUTO_ACTIVATE, work.config.get("BILLING_AUTO_ACTIVATE", False)))


def settings(work: Work) -> dict[str, Any]:
    return {"auto_activate_orders": auto_activate(work)}


def update_settings(work: Work, data: SettingsInput) -> dict[str, Any]:
    repo.set_setting(work.session, AUTO_ACTIVATE, data.auto_activate_orders)
    repo.audit(work.session, work.principal, "settings.updated", None, None, data.model_dump())
    return data.model_dump()


def activate(work: Work, order_id, identity, actor) -> dict[str, Any]:
    """Idempotent: an activated order returns its subscription; identity's create_account is idempotent by the order
    id, so a retry after a failure half way creates nothing twice. ``identity``: identity's RPC; ``actor``: who
    activates (an operator, or billing itself for an automatic activation). Returns the order's summary with the
    subscription."""
    from .subscriptions import view

    cat = load_catalogue()
    row = _activate(work.session, cat, order_id, identity, actor, work.today, entitlements.staged(work), work.now)
    return {**summary(load(work.session, order_id)), "subscription": view(work.session, cat, row, work.today)}


def _activate(session: Session, cat: Catalogue, order_id, identity, actor, today: date, stage,
              now: datetime) -> m.Subscription:
    order = load(session, order_id, lock=True)
    if order.state == "activated":
        row = repo.subscription_row(session, order.account_id)
        assert row is not None, "an activated order has its subscription"
        return row
    if order.state == "rejected":
        raise Conflict(_("The order was rejected."))
    result = identity.create_account(identity_payload(order))
    account_id = uuid.UUID(str(result["account_id"]))
    existing = repo.subscription_row(session, account_id)
    if existing is None:
        customer = customer_from(order.data)
        customer["account_no"] = account_no(account_id)
        row = m.Subscription(account_id=account_id, order_id=order.id, state="active", start_date=order.start_date,
                             customer=customer, overrides={}, catalogue_version=cat.version)
        session.add(row)
        session.flush()
        plan = Plan(order.data["seats"], frozenset(order.data.get("addons") or ()))
        session.add(m.PlanEntry(subscription_id=row.id, valid_from=order.start_date, seats=plan.seats,
                                addons=sorted(plan.addons)))
        session.flush()
    else:
        row = existing
    order.state, order.account_id = "activated", account_id
    order.activated_by = actor.user_id or actor.service
    order.activated_at = now
    repo.audit(session, actor, "order.activated", account_id, str(order.id),
               {"identity": {k: str(v) for k, v in result.items() if k != "client_ids"}})
    entitlements.refresh(session, cat, account_id, today, stage)
    return row


def reject(work: Work, order_id, reason: str) -> dict[str, Any]:
    session, actor = work.session, work.principal
    order = load(session, order_id, lock=True)
    if order.state != "received":
        raise Conflict(_("Only received orders can be rejected."))
    order.state = "rejected"
    repo.audit(session, actor, "order.rejected", None, str(order.id), {"reason": reason})
    return summary(order)


def summary(row: m.Order) -> dict[str, Any]:
    o = row.data
    return {
        "id": str(row.id), "state": row.state, "source": row.source, "company": o["company"]["name"],
        "license_manager": o["license_manager"]["email"], "seats": o["seats"], "addons": o.get("addons") or [],
        "start_date": row.start_date.isoformat(), "account_id": str(row.account_id) if row.account_id else None,
        "terms": {"version": row.terms_version, "accepted_at": row.terms_accepted_at.isoformat()},
        "dpc": {"version": row.dpc_version, "accepted_at": row.dpc_accepted_at.isoformat()},
        "has_document": row.document is not None, "created_at": row.created_at.isoformat() if row.created_at else None,
    }


def listing(work: Work, state: str | None, limit: int = 100) -> list[dict]:
    session = work.session
    stmt = select(m.Order).order_by(m.Order.created_at.desc()).limit(limit)
    if state:
        stmt = stmt.where(m.Order.state == state)
    return [summary(r) for r in session.execute(stmt).scalars()]
