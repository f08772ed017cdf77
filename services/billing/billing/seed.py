"""``billing.seed.run()`` (part of ``make run``): the demo account's subscription, idempotently.

The demo account is the one identity's seeder created (identity seeds first): ``scripts/seed.py`` hands it in as a
:class:`svckit.demo.DemoTenant` (billing never reads identity's tables); run alone, the seeder uses
:data:`svckit.demo.DEMO_ACCOUNT_ID`. It gets a subscription in the regular phase (started well over 15 days ago) with
every add-on the catalogue sells, and its entitlements stored with version 1. Nothing is published here (services
are not running while seeding): when billing starts, its ``broadcast_entitlements`` timer (eager) publishes every
account's stored entitlements, so identity, dispatch and pressbase learn the demo account's at ``make run``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.clock import utctoday
from svckit.db import make_engine
from svckit.demo import DEMO_ACCOUNT_ID, DemoTenant
from svckit.settings import database_url

from .db import models as m
from .domain import catalogue, rights
from .domain.catalogue import ADDON_CODES
from .domain.lifecycle import Status
from .domain.plan import Plan, PlanEntry
from .usecases.invoicing import account_no

DEMO_ADDONS = tuple(a for a in ADDON_CODES if a != "premium_contracting")


def seed(session: Session, today: date | None = None, tenant: DemoTenant | None = None) -> bool:
    """Returns True when it created the subscription (False: it was there already)."""
    today = today or utctoday()
    tenant = tenant or DemoTenant(DEMO_ACCOUNT_ID)
    account_id = tenant.account_id
    cat = catalogue.load()
    if session.execute(select(m.Subscription).where(m.Subscription.account_id == account_id)).scalar():
        return False
    start = date(today.year, 1, 1) - timedelta(days=30)  # regular phase since early January this year
    customer = {"name": tenant.name, "company": tenant.name, "street": "Friedrichstraße 1",
                "postcode": "10117", "city": "Berlin", "country": "DE", "vat_id": None,
                "email": tenant.license_manager_email, "delivery": "email", "language": "de",
                "account_no": account_no(account_id),
                "license_manager": {"email": tenant.license_manager_email, "first_name": "Demo",
                                    "last_name": "Lizenzmanagerin", "language": "de"}, "affiliates": []}
    row = m.Subscription(account_id=account_id, state="active", start_date=start, customer=customer,
                         overrides={}, catalogue_version=cat.version)
    session.add(row)
    session.flush()
    plan = Plan(20, frozenset(DEMO_ADDONS))
    session.add(m.PlanEntry(subscription_id=row.id, valid_from=start, seats=plan.seats, addons=sorted(plan.addons)))
    payload = rights.compute(cat, str(account_id), Status(start), [PlanEntry(start, plan)], today,
                             version=1).to_payload()
    session.execute(insert(m.EntitlementState).values(account_id=account_id, version=1, payload=payload)
                    .on_conflict_do_nothing())
    # the quarters before today count as invoiced (the demo has no history to bill)
    from .domain import dates

    row.invoiced_through = dates.quarter_end(today) if today >= Status(start).first_invoice_date() else None
    for due in Status(start).quarterly_due_dates(today):
        session.execute(insert(m.BillingJob).values(account_id=account_id, period=dates.quarter_label(due),
                                                    kind="quarterly").on_conflict_do_nothing())
    session.flush()
    return True


def run(tenant: DemoTenant | None = None) -> None:
    """Seed the demo tenant identity's seed created (``scripts/seed.py`` passes it in; alone: the fixed id)."""
    engine = make_engine(database_url("billing"), pool_size=1)
    try:
        with Session(engine) as session:
            created = seed(session, tenant=tenant)
            session.commit()
        print("billing: demo subscription " + ("created" if created else "already there"), flush=True)
    finally:
        engine.dispose()
