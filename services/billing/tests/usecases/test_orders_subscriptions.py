"""billing's use cases without a broker: orders and subscriptions on the real billing database, identity faked at
the RPC boundary (``unit`` kit, svckit_testing.unit). Activation and the affiliate path call identity; the rights
are the operator's, the license manager's and the account's."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text

from billing.service import BillingService
from billing_testing import OPERATOR, order_payload
from svckit.errors import Conflict, Forbidden, NotFound, Unavailable
from svckit.principal import Principal

START = date(2027, 2, 10)


@pytest.fixture
def kit(unit):
    kit = unit("billing")
    kit.clock.fixed = START
    return kit


def identity_answers(kit, account_id: str | None = None):
    account_id = account_id or str(uuid.uuid4())
    return kit.peer("identity").answer("create_account", {
        "account_id": account_id, "license_manager_id": str(uuid.uuid4()), "administrator_id": str(uuid.uuid4()),
        "client_ids": [str(uuid.uuid4())]})


def place(kit, **kwargs) -> dict:
    public = kit.worker(BillingService, Principal.anonymous())
    return public.place_order(order_payload(START, **kwargs))


def rows(kit, sql: str, **params) -> list[tuple]:
    return [tuple(r) for r in kit.session.execute(text(sql), params).all()]


def test_activation_asks_identity_for_the_account_and_starts_the_subscription_for_it(kit):
    account_id = str(uuid.uuid4())
    identity = identity_answers(kit, account_id)
    placed = place(kit, email="lena@example.com", seats=20)
    assert placed["state"] == "received" and identity.calls == []  # nothing reaches identity before activation

    result = kit.worker(BillingService, OPERATOR).activate_order(placed["id"])

    [(args, _)] = identity.called("create_account")
    sent = args[0]
    assert sent["idempotency_key"] == placed["id"]  # identity creates nothing twice for this order
    assert sent["license_manager"]["email"] == "lena@example.com" and sent["seats"] == 20
    assert sent["clients"] == [{"name": "Konzern"}]
    assert result["account_id"] == account_id  # the subscription belongs to the account identity created
    assert rows(kit, "SELECT account_id::text, state FROM subscriptions") == [(account_id, "active")]
    assert result["subscription"]["plan"]["seats"] == 20
    assert ("order.activated", "op-backoffice-1") in rows(kit, "SELECT action, actor_id FROM audit_log")


def test_activating_twice_calls_identity_once(kit):
    identity = identity_answers(kit)
    placed = place(kit)
    operator = kit.worker(BillingService, OPERATOR)
    first = operator.activate_order(placed["id"])
    again = operator.activate_order(placed["id"])
    assert again["account_id"] == first["account_id"]
    assert len(identity.called("create_account")) == 1
    assert rows(kit, "SELECT count(*) FROM subscriptions") == [(1,)]


def test_identity_unavailable_leaves_the_order_waiting_and_no_subscription(kit):
    identity = kit.peer("identity").fail("create_account", Unavailable(service="identity", reason="timeout"))
    placed = place(kit)
    with pytest.raises(Unavailable):
        kit.worker(BillingService, OPERATOR).activate_order(placed["id"])
    assert len(identity.calls) == 1
    kit.session.rollback()  # what the worker's teardown does with a failed unit of work
    assert rows(kit, "SELECT state FROM orders WHERE id = :i", i=placed["id"]) == [("received",)]
    assert rows(kit, "SELECT count(*) FROM subscriptions") == [(0,)]


def test_a_rejected_order_is_never_sent_to_identity(kit):
    identity = identity_answers(kit)
    placed = place(kit)
    operator = kit.worker(BillingService, OPERATOR)
    assert operator.reject_order(placed["id"], "Dublette")["state"] == "rejected"
    with pytest.raises(Conflict):
        operator.activate_order(placed["id"])
    assert identity.calls == []


def test_only_back_office_activates_and_a_user_sees_only_their_own_account(kit):
    identity_answers(kit)
    placed = place(kit)
    support = Principal(kind="operator", user_id="op-support-1", roles=("support",))
    account_id = kit.worker(BillingService, OPERATOR).activate_order(placed["id"])["account_id"]
    with pytest.raises(Forbidden):
        kit.worker(BillingService, support).activate_order(placed["id"])
    customer = Principal(kind="user", account_id=account_id, user_id="u-1", roles=("user",))
    with pytest.raises(Forbidden):
        kit.worker(BillingService, customer).list_orders()
    with pytest.raises(Forbidden):  # a plain user of the account is not its license manager
        kit.worker(BillingService, customer).get_subscription()
    manager = Principal(kind="user", account_id=account_id, user_id="lm-1", roles=("license_manager",))
    assert kit.worker(BillingService, manager).get_subscription()["plan"]["seats"] == 10
    stranger = Principal(kind="user", account_id=str(uuid.uuid4()), user_id="lm-2", roles=("license_manager",))
    with pytest.raises(NotFound):  # another account's subscription is not there for them
        kit.worker(BillingService, stranger).get_subscription(account_id)


def test_an_affiliated_company_becomes_a_client_in_identity_as_billing_acting_for_the_account(kit):
    identity = identity_answers(kit)
    placed = place(kit)
    account_id = kit.worker(BillingService, OPERATOR).activate_order(placed["id"])["account_id"]
    client_id = str(uuid.uuid4())
    identity.answer("add_client", {"client_id": client_id, "name": "Tochter AG"})
    manager = Principal(kind="user", account_id=account_id, user_id="lm-1", roles=("license_manager",))
    service = kit.worker(BillingService, manager)

    assert service.add_affiliated_company({"name": "Tochter AG"}) == {"name": "Tochter AG", "client_id": client_id}

    assert identity.called("add_client") == [((account_id, "Tochter AG"), {})]
    assert service.auth.acted_as == [Principal.system("billing", account_id)]
    [(customer,)] = rows(kit, "SELECT customer FROM subscriptions WHERE account_id = :a", a=account_id)
    assert customer["affiliates"] == [{"name": "Tochter AG", "client_id": client_id}]
