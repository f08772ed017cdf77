"""The demo seed (idempotent) and the start-up broadcast that tells every consumer the stored entitlements."""

from __future__ import annotations

import time
from datetime import date

from nameko.events import event_handler
from sqlalchemy import text
from sqlalchemy.orm import Session

from billing.seed import seed
from billing.service import BillingService
from svckit.demo import DEMO_ACCOUNT_ID


class Listener:
    name = "broadcast_listener_test"
    seen: list = []

    @event_handler("billing", "entitlements_changed")
    def on_change(self, payload):
        Listener.seen.append(payload)


def test_seed_is_idempotent_and_billing_broadcasts_it_at_start(databases, run_services, smtp_sink):
    engine = databases.engine("billing")
    with Session(engine) as s:
        assert seed(s, date(2027, 5, 10)) is True
        s.commit()
    with Session(engine) as s:
        assert seed(s, date(2027, 5, 10)) is False
        s.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM subscriptions")).scalar() == 1
        payload = conn.execute(text("SELECT payload FROM entitlement_state")).scalar()
    assert payload["phase"] == "regular" and payload["datasets"] == ["dach", "plus", "world"]
    assert payload["pressbase_export"] and payload["forward_features"] and payload["version"] == 1

    Listener.seen = []
    run_services(Listener)
    run_services(BillingService, config={"BILLING_TIMER": False, "BILLING_TODAY": "2027-05-10",
                                         "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port},
                 db_services=("billing",))
    deadline = time.time() + 10
    while not Listener.seen and time.time() < deadline:
        time.sleep(0.05)
    assert [p["account_id"] for p in Listener.seen] == [str(DEMO_ACCOUNT_ID)]
    assert Listener.seen[0]["version"] == 1


def test_seed_uses_the_tenant_identitys_seeder_created(databases, tmp_path):
    from billing import seed as billing_seed
    from identity import seed as identity_seed
    from svckit.demo import DemoTenant

    databases.ensure("identity")
    try:
        ids = identity_seed.run(var_dir=str(tmp_path))
        tenant = DemoTenant.from_identity(ids)
        billing_seed.run(tenant)
        billing_seed.run(tenant)  # idempotent
        with databases.engine("billing").connect() as conn:
            rows = conn.execute(text("SELECT account_id, state, customer->>'email' FROM subscriptions")).all()
        assert [(str(a), s, e) for a, s, e in rows] == [(ids["account_id"], "active", identity_seed.DEMO_EMAIL)]
    finally:
        databases.truncate("identity")
        databases.truncate("billing")
