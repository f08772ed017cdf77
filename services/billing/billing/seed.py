"""``billing.seed.run()`` (part of ``make run``): the demo account's subscription, idempotently.

The demo account is the one identity's seeder created (identity seeds first): found in identity's database by
:data:`svckit.demo.DEMO_ACCOUNT_ID`, else by its demo name (as crm's seeder does); without identity's database the
fixed id is used. It gets a subscription in the regular phase (started well over 15 days ago) with
every add-on the catalogue sells, and its entitlements stored with version 1. Nothing is published here (services
are not running while seeding): when billing starts, its ``broadcast_entitlements`` timer (eager) publishes every
account's stored entitlements, so identity, dispatch and pressbase learn the demo account's at ``make run``.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import create_engine, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.clock import utctoday
from svckit.db import make_engine
from svckit.demo import DEMO_ACCOUNT_ID, DEMO_ACCOUNT_NAME, DEMO_LICENSE_MANAGER_EMAIL
from svckit.settings import database_url

from .db import models as m
from .domain import catalogue, rights
from .domain.catalogue import ADDON_CODES
from .domain.lifecycle import Status
from .domain.plan import Plan, PlanEntry
from .usecases.invoicing import account_no

DEMO_ADDONS = tuple(a for a in ADDON_CODES if a != "premium_contracting")


DEMO_NAMES = (DEMO_ACCOUNT_NAME, "Pressestelle Demo GmbH")


def demo_account_id() -> uuid.UUID:
    """The demo account identity's seeder created; the fixed id when identity's database cannot tell."""
    engine = create_engine(database_url("identity"))
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT id FROM accounts WHERE id = :i"), {"i": DEMO_ACCOUNT_ID}).scalar()
            if found is None:
                found = conn.execute(text("SELECT id FROM accounts WHERE name = ANY(:n) ORDER BY created_at LIMIT 1"),
                                     {"n": list(DEMO_NAMES)}).scalar()
            return uuid.UUID(str(found)) if found else DEMO_ACCOUNT_ID
    except Exception as exc:  # identity not migrated or not seeded: use the agreed id, do not fail `make run`
        print(f"billing seed: demo account not found in identity's database ({type(exc).__name__})")
        return DEMO_ACCOUNT_ID
    finally:
        engine.dispose()


def seed(session: Session, today: date | None = None, account_id: uuid.UUID = DEMO_ACCOUNT_ID) -> bool:
    """Returns True when it created the subscription (False: it was there already)."""
    today = today or utctoday()
    cat = catalogue.load()
    if session.execute(select(m.Subscription).where(m.Subscription.account_id == account_id)).scalar():
        return False
    start = date(today.year, 1, 1) - timedelta(days=30)  # regular phase since early January this year
    customer = {"name": DEMO_ACCOUNT_NAME, "company": DEMO_ACCOUNT_NAME, "street": "Friedrichstraße 1",
                "postcode": "10117", "city": "Berlin", "country": "DE", "vat_id": None,
                "email": DEMO_LICENSE_MANAGER_EMAIL, "delivery": "email", "language": "de",
                "account_no": account_no(account_id),
                "license_manager": {"email": DEMO_LICENSE_MANAGER_EMAIL, "first_name": "Demo",
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


def run() -> None:
    engine = make_engine(database_url("billing"), pool_size=1)
    try:
        with Session(engine) as session:
            created = seed(session, account_id=demo_account_id())
            session.commit()
        print("billing: demo subscription " + ("created" if created else "already there"), flush=True)
    finally:
        engine.dispose()
