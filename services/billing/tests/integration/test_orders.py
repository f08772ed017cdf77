"""Orders through the real services: the public order, activation by an operator (identity creates the account and
both users, who get their first-login mail), written orders, auto-activation, and every refusal."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from billing_testing import OPERATOR, order_payload
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from svckit.principal import Principal


def test_order_waits_for_activation_then_creates_account_users_and_subscription(billing, databases):
    placed = billing.call("place_order", order_payload(date(2027, 2, 10), email="lena@example.com"))
    assert placed["state"] == "received" and placed["account_id"] is None
    assert placed["terms"]["version"] == "AGB-2027-01" and placed["terms"]["accepted_at"]
    assert [o["id"] for o in billing.call("list_orders", principal=OPERATOR)] == [placed["id"]]

    result = billing.call("activate_order", placed["id"], principal=OPERATOR)
    account_id = result["account_id"]
    sub = result["subscription"]
    assert sub["phase"] == "starting"
    assert sub["starting_phase"] == {"first_day": "2027-02-10", "last_day": "2027-02-24", "active": True}
    assert sub["plan"] == {"seats": 10, "addons": ["pressbase_dach"], "monthly_net_cents": 49900}
    assert sub["next_invoice_date"] == "2027-04-01"

    # identity created the account, the license manager and the administrator; both got their first-login mail
    with billing.rpc_as(Principal.system("billing", account_id)) as rpc:
        account = rpc.identity.get_account(account_id)
    assert account["name"] == "Pressestelle Müller GmbH"
    billing.sink.wait_for(1, to="lena@example.com")
    # activation is idempotent
    again = billing.call("activate_order", placed["id"], principal=OPERATOR)
    assert again["account_id"] == account_id
    with databases.engine("billing").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM subscriptions")).scalar() == 1
        actions = conn.execute(text("SELECT action, actor_id FROM audit_log ORDER BY id")).all()
    assert ("order.activated", "op-backoffice-1") in [tuple(a) for a in actions]


def test_administrator_receives_a_first_login_mail_too(billing):
    payload = order_payload(date(2027, 2, 10))
    placed = billing.call("place_order", payload)
    billing.call("activate_order", placed["id"], principal=OPERATOR)
    billing.sink.wait_for(1, to=payload["administrator"]["email"])
    billing.sink.wait_for(1, to=payload["license_manager"]["email"])


@pytest.mark.parametrize("change,field", [
    ({"accept_terms": False}, "accept_terms"),
    ({"accept_dpc": False}, "accept_dpc"),
    ({"terms_version": "AGB-2020"}, "terms_version"),
    ({"seats": 7}, "seats"),
    ({"addons": ["pressbase_plus"]}, "addons"),
    ({"addons": ["teleportation"]}, "addons"),
    ({"start_date": "2027-01-31"}, "start_date"),
    ({"start_date": "31.01.2027"}, "start_date"),
    ({"company": {"name": "X", "address": {"street": "S", "postcode": "1067", "city": "Dresden", "country": "DE"}}},
     "company.address.postcode"),
    ({"company": {"name": "X", "address": {"street": "S", "postcode": "1010", "city": "Wien", "country": "AT"},
                  "vat_id": "DE123456789"}}, "company.vat_id"),
    ({"license_manager": {"email": "not-an-address", "first_name": "L", "last_name": "L"}}, "license_manager.email"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_orders_are_refused_naming_the_field_in_both_languages(billing, databases, change, field):
    payload = {**order_payload(date(2027, 2, 10)), **change}
    with pytest.raises(InvalidInput) as err:
        billing.call("place_order", payload)
    assert field in err.value.fields, err.value.fields
    text_ = err.value.fields[field]
    assert text_.de and text_.en
    with databases.engine("billing").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 0


def test_plus_without_dach_is_refused_with_a_reason(billing):
    with pytest.raises(InvalidInput) as err:
        billing.call("place_order", order_payload(date(2027, 2, 10), addons=["pressbase_plus"]))
    assert err.value.fields["addons"].de == "pressbase PLUS ist nur zusammen mit pressbase DACH erhältlich."
    assert err.value.fields["addons"].en == "pressbase PLUS is only available together with pressbase DACH."


def test_only_back_office_operators_activate_and_list(billing):
    placed = billing.call("place_order", order_payload(date(2027, 2, 10)))
    user = Principal(kind="user", account_id="7c1e2f4a-0000-4000-8000-000000000001", user_id="u", roles=(
        "license_manager",))
    support = Principal(kind="operator", user_id="s", roles=("support",))
    with pytest.raises(Forbidden):
        billing.call("activate_order", placed["id"], principal=user)
    with pytest.raises(Forbidden):
        billing.call("activate_order", placed["id"], principal=support)
    with pytest.raises(Unauthenticated):
        billing.call("list_orders")
    with pytest.raises(NotFound):
        billing.call("activate_order", "7c1e2f4a-0000-4000-8000-000000000009", principal=OPERATOR)
    with pytest.raises(InvalidInput) as err:
        billing.call("activate_order", "nonsense", principal=OPERATOR)
    assert "order_id" in err.value.fields
    billing.call("reject_order", placed["id"], "Dublette", principal=OPERATOR)
    with pytest.raises(Conflict):
        billing.call("activate_order", placed["id"], principal=OPERATOR)


def test_auto_activation_setting_activates_website_orders_at_once(billing):
    billing.call("update_settings", {"auto_activate_orders": True}, principal=OPERATOR)
    result = billing.call("place_order", order_payload(date(2027, 2, 10)))
    assert result["state"] == "activated" and result["account_id"]
    audit = billing.call("list_audit", principal=OPERATOR)
    assert [a["action"] for a in audit][:2] == ["order.activated", "settings.updated"]


def test_written_order_with_document_placed_by_an_operator(billing, databases):
    import base64

    doc = base64.b64encode(b"%PDF-1.4 signed order").decode()
    payload = {**order_payload(date(2027, 1, 15)), "document_b64": doc, "document_name": "auftrag.pdf"}
    result = billing.call("place_written_order", payload, principal=OPERATOR)  # a past start is fine on paper
    assert result["state"] == "activated" and result["source"] == "written" and result["has_document"]
    with pytest.raises(InvalidInput) as err:
        billing.call("place_written_order", {**payload, "document_b64": base64.b64encode(b"GIF89a").decode()},
                     principal=OPERATOR)
    assert "document_b64" in err.value.fields
    with pytest.raises(Unauthenticated):
        billing.call("place_written_order", payload)
    with pytest.raises(Forbidden):
        billing.call("place_written_order", payload, principal=billing.license_manager(result["account_id"]))
    with databases.engine("billing").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM orders WHERE source = 'written'")).scalar() == 1
