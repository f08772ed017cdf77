"""Entitlements reach consumers through the real broker (a test consumer and identity's seat limit); usage events
from dispatch and crm are counted once per idempotency key and billed monthly in arrears."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from sqlalchemy import text

from billing_testing import SYSTEM
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound
from svckit.principal import Principal

D = date
GB = 1024 ** 3


def wait_until(check, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    return check()


class EntitlementsConsumer:
    name = "entitlements_consumer_test"
    seen: list = []

    @event_handler("billing", "entitlements_changed")
    def on_change(self, payload):
        EntitlementsConsumer.seen.append(payload)


def test_entitlements_reach_a_consumer_and_identity_through_the_broker(billing, run_services):
    EntitlementsConsumer.seen = []
    run_services(EntitlementsConsumer)
    account = billing.order(D(2027, 2, 10), seats=5, addons=["pressbase_dach", "pressbase_world", "pressbase_export"])[
        "account_id"]
    first = wait_until(lambda: [p for p in EntitlementsConsumer.seen if p["account_id"] == account])
    assert first[0]["version"] == 1 and first[0]["phase"] == "starting"
    assert first[0]["max_recipients_per_mailing"] == 100 and first[0]["pressbase_export"] is False
    assert first[0]["datasets"] == ["dach"] and first[0]["seats"] == 5

    # day 16: the job runner notices the regular phase and publishes version 2
    billing.run(D(2027, 2, 25))
    second = wait_until(lambda: [p for p in EntitlementsConsumer.seen if p["version"] == 2])
    assert second[0]["phase"] == "regular" and second[0]["max_recipients_per_mailing"] is None
    assert second[0]["datasets"] == ["dach", "world"] and second[0]["pressbase_export"] is True
    assert billing.run(D(2027, 2, 26))["entitlements_published"] == 0  # nothing changed: nothing published

    # an extension: identity's seat limit follows the event
    billing.set_today(D(2027, 3, 1))
    billing.call("change_subscription", {"seats": 20, "addons": ["pressbase_dach", "pressbase_world",
                                                                 "pressbase_export"]},
                 principal=billing.license_manager(account))
    third = wait_until(lambda: [p for p in EntitlementsConsumer.seen if p["version"] == 3])
    assert third[0]["seats"] == 20

    def identity_seats():
        with billing.rpc_as(Principal.system("billing", account)) as rpc:
            return rpc.identity.get_account(account)["seats"] == 20
    assert wait_until(identity_seats)
    assert billing.call("get_entitlements", account, principal=SYSTEM)["version"] == 3


def test_entitlements_rpc_for_own_account_only(billing):
    a = billing.order(D(2027, 2, 10))["account_id"]
    b = billing.order(D(2027, 2, 10))["account_id"]
    lm_a = billing.license_manager(a)
    assert billing.call("get_entitlements", a, principal=lm_a)["account_id"] == a
    with pytest.raises(NotFound):
        billing.call("get_entitlements", b, principal=lm_a)
    unknown = billing.call("get_entitlements", "7c1e2f4a-0000-4000-8000-000000000001", principal=SYSTEM)
    assert unknown["phase"] == "starting" and unknown["version"] == 0


def publish_usage(amqp_uri, service, **payload):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
    dispatch(service, "usage_recorded", payload)


def test_usage_is_counted_once_per_key_and_invoiced_monthly_in_arrears(billing, amqp_uri, databases):
    account = billing.order(D(2027, 2, 10))["account_id"]
    lm = billing.license_manager(account)
    may = datetime(2027, 5, 12, 10, 0, tzinfo=UTC)
    for _ in range(3):  # the same report three times (at-least-once delivery): counted once
        publish_usage(amqp_uri, "dispatch", account_id=account, kind="mails_standard", quantity=12345,
                      occurred_at=may.isoformat(), idempotency_key="mailing-1")
    publish_usage(amqp_uri, "dispatch", account_id=account, kind="mails_premium", quantity=1500,
                  occurred_at=may.isoformat(), idempotency_key="mailing-2")
    publish_usage(amqp_uri, "crm", account_id=account, kind="storage_bytes", quantity=int(3.5 * GB),
                  occurred_at=may.isoformat(), idempotency_key="storage-2027-05-12")
    publish_usage(amqp_uri, "crm", account_id=account, kind="storage_bytes", quantity=2 * GB,
                  occurred_at=datetime(2027, 5, 20, tzinfo=UTC).isoformat(),
                  idempotency_key="storage-2027-05-20")
    publish_usage(amqp_uri, "dispatch", account_id=account, kind="teleports", quantity=1,
                  occurred_at=may.isoformat(), idempotency_key="bad")  # malformed: dropped

    def counted():
        with databases.engine("billing").connect() as conn:
            return conn.execute(text("SELECT count(*) FROM usage_events")).scalar() == 4
    assert wait_until(counted)
    billing.set_today(D(2027, 5, 25))
    usage = billing.call("get_consumption", principal=lm)
    assert usage["mails"]["this_month"] == {"mails_standard": 12345, "mails_premium": 1500}
    assert usage["mails"]["total"] == {"mails_standard": 12345, "mails_premium": 1500}
    assert usage["storage"]["used_bytes"] == 2 * GB  # the latest measurement

    billing.run(D(2027, 6, 1))
    invoices = billing.call("list_invoices", principal=lm)
    [usage_invoice] = [i for i in invoices if i["kind"] == "usage"]
    assert usage_invoice["period_label"] == "2027-05"
    assert [(line["code"], line["amount_cents"]) for line in usage_invoice["lines"]] == [
        ("mails_standard", 2469), ("mails_premium", 600), ("storage", 1500)]  # peak 3.5 GB -> 3 started GB
    assert (usage_invoice["net_cents"], usage_invoice["tax_cents"], usage_invoice["gross_cents"]) == (4569, 868, 5437)
    # June: no mails, storage carried from May's latest measurement (2 GB -> 1 GB above the included one)
    billing.run(D(2027, 7, 1))
    june = [i for i in billing.call("list_invoices", principal=lm) if i["period_label"] == "2027-06"]
    assert [(line["code"], line["amount_cents"]) for line in june[0]["lines"]] == [("storage", 500)]


def test_usage_in_the_starting_phase_is_free(billing, amqp_uri, databases):
    account = billing.order(D(2027, 2, 10))["account_id"]
    for day, key in ((20, "in-starting-phase"), (26, "regular")):
        publish_usage(amqp_uri, "dispatch", account_id=account, kind="mails_standard", quantity=1000,
                      occurred_at=datetime(2027, 2, day, tzinfo=UTC).isoformat(), idempotency_key=key)

    def counted():
        with databases.engine("billing").connect() as conn:
            return conn.execute(text("SELECT count(*) FROM usage_events")).scalar() == 2
    assert wait_until(counted)
    billing.run(D(2027, 3, 1))
    [inv] = billing.call("list_invoices", principal=billing.license_manager(account))
    assert inv["period_label"] == "2027-02" and [line["amount_cents"] for line in inv["lines"]] == [200]


def test_subscription_area_cancel_revoke_and_scheduled_reduction(billing):
    account = billing.order(D(2027, 1, 4), seats=20, addons=["pressbase_dach", "pressbase_world"])["account_id"]
    lm = billing.license_manager(account)
    billing.run(D(2027, 4, 1))
    billing.set_today(D(2027, 6, 15))
    result = billing.call("change_subscription", {"seats": 10, "addons": ["pressbase_dach"]}, principal=lm)
    assert result["invoice"] is None
    view = result["subscription"]
    assert view["plan"]["seats"] == 20 and view["scheduled"] == [
        {"valid_from": "2028-01-01", "seats": 10, "addons": ["pressbase_dach"], "monthly_net_cents": 49900}]
    with pytest.raises(InvalidInput) as err:
        billing.call("change_subscription", {"seats": 10, "addons": ["pressbase_plus"]}, principal=lm)
    assert "addons" in err.value.fields
    view = billing.call("cancel_subscription", principal=lm)
    assert view["phase"] == "cancelled" and view["cancellation"]["ends_on"] == "2027-12-31"
    assert view["cancellation"]["revocable"] is True
    with pytest.raises(Conflict):
        billing.call("cancel_subscription", principal=lm)
    view = billing.call("revoke_cancellation", principal=lm)
    assert view["phase"] == "regular" and view["cancellation"]["ends_on"] is None
    with pytest.raises(Conflict):
        billing.call("revoke_cancellation", principal=lm)
    # an ordinary user may not touch the subscription; another account's license manager does not see it
    user = Principal(kind="user", account_id=account, user_id="u1", roles=("user",))
    with pytest.raises(Forbidden):
        billing.call("cancel_subscription", principal=user)
    other = billing.license_manager(billing.order(D(2027, 2, 10))["account_id"])
    with pytest.raises(NotFound):
        billing.call("get_subscription", account, principal=other)


def test_extension_mid_quarter_invoices_the_rest_at_once(billing):
    account = billing.order(D(2027, 1, 4))["account_id"]
    lm = billing.license_manager(account)
    billing.run(D(2027, 4, 1))
    billing.set_today(D(2027, 5, 10))
    result = billing.call("change_subscription", {"seats": 20, "addons": ["pressbase_dach", "pressbase_world"]},
                          principal=lm)
    inv = result["invoice"]
    assert inv["kind"] == "extension" and inv["number"] == "2027-000002"
    assert [(line["code"], line["amount_cents"]) for line in inv["lines"]] == [("tier", 42857),
                                                                              ("pressbase_world", 42857)]
    assert (inv["net_cents"], inv["tax_cents"], inv["gross_cents"]) == (85714, 16286, 102000)
    assert result["subscription"]["plan"]["seats"] == 20
