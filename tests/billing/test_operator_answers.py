"""Billing's answers to operators, through the real gateway with real operator logins: a customer object that does
not exist is a 404, and what an operator may not do is refused the same way whether the object exists or not (the
status never confirms that an account, order or invoice exists). Paging outside its range is a 422 naming the
parameter, in the gateway and in the service."""

from __future__ import annotations

import base64
import uuid
from datetime import date

import pytest

from billing_testing import OPERATOR, SYSTEM
from svckit.errors import InvalidInput
from svckit.principal import Principal

P = "/api/v1"
UNKNOWN = "6d3d1d2e-2f57-4a57-9d1c-1f0b2b9b6a11"
PDF = base64.b64encode(b"%PDF-1.4\n%test\n").decode()


def operator(identity, client, role: str) -> dict:
    email = f"op-{uuid.uuid4().hex[:6]}@pressroom.example"
    identity.call("create_operator", {"email": email, "first_name": "Olga", "last_name": "Operator",
                                      "roles": [role], "password": "Backoffice-Sommer-2027",
                                      "must_change_password": False}, principal=Principal.system("test"))
    step = client.simulate_post(P + "/backoffice/auth/login",
                                json={"email": email, "password": "Backoffice-Sommer-2027"}).json
    done = client.simulate_post(P + "/auth/login/second-factor",
                                json={"challenge": step["challenge"], "code": identity.mail_code(email)}).json
    assert done["status"] == "authenticated", done
    return {"Authorization": f"Bearer {done['token']}", "Accept-Language": "en"}


@pytest.fixture
def world(suite, gateway):
    billing, identity = suite
    client = gateway()
    account = billing.order(date(2027, 2, 1))["account_id"]
    billing.run(date(2027, 4, 1))
    [invoice] = billing.call("list_invoices", account, principal=OPERATOR)
    waiting = billing.order(date(2027, 2, 1), activate=False)["id"]
    return {"billing": billing, "client": client, "account": account, "invoice": invoice["id"], "order": waiting,
            "support": operator(identity, client, "support"), "back_office": operator(identity, client, "back_office")}


def answer(world, role, method, path, json=None):
    resp = world["client"].simulate_request(method, P + path, headers=world[role], json=json)
    assert resp.status_code < 500, resp.text
    return resp.status_code


def test_unknown_customer_objects_are_404_for_operators(world):
    a, i = world["account"], world["invoice"]
    for role in ("support", "back_office"):
        for path in ("/backoffice/billing/accounts/{}", "/backoffice/billing/accounts/{}/invoices"):
            assert answer(world, role, "GET", path.format(a)) == 200, (role, path)
            assert answer(world, role, "GET", path.format(UNKNOWN)) == 404, (role, path)
        for path in ("/billing/invoices/{}", "/billing/invoices/{}/pdf", "/billing/invoices/{}/xml"):
            assert answer(world, role, "GET", path.format(i)) == 200, (role, path)
            assert answer(world, role, "GET", path.format(UNKNOWN)) == 404, (role, path)
        assert answer(world, role, "GET", f"/backoffice/billing/job-runs/{UNKNOWN}") == 404
    bo = "back_office"
    assert answer(world, bo, "POST", f"/backoffice/billing/orders/{UNKNOWN}/activate") == 404
    assert answer(world, bo, "POST", f"/backoffice/billing/orders/{UNKNOWN}/reject", {"reason": "x"}) == 404
    assert answer(world, bo, "POST", "/backoffice/billing/credit-notes",
                  {"invoice_id": UNKNOWN, "amount_cents": 100, "reason": "Kulanz"}) == 404
    assert answer(world, bo, "POST", "/backoffice/billing/contracts",
                  {"account_id": UNKNOWN, "one_time_cents": 0, "monthly_cents": 100, "valid_from": "2027-04-01",
                   "document_b64": PDF, "document_name": "Vertrag.pdf"}) == 404


def test_what_an_operator_may_not_do_is_refused_alike_for_existing_and_unknown_objects(world):
    """support may read, not act: the refusal must not tell an existing object from an unknown one."""
    cases = [
        ("POST", "/backoffice/billing/orders/{}/activate", None, world["order"]),
        ("POST", "/backoffice/billing/orders/{}/reject", {"reason": "x"}, world["order"]),
        ("POST", "/backoffice/billing/credit-notes", lambda x: {"invoice_id": x, "amount_cents": 100,
                                                               "reason": "Kulanz"}, world["invoice"]),
        ("POST", "/backoffice/billing/contracts", lambda x: {
            "account_id": x, "one_time_cents": 0, "monthly_cents": 100, "valid_from": "2027-04-01",
            "document_b64": PDF, "document_name": "Vertrag.pdf"}, world["account"]),
    ]
    for method, path, body, existing in cases:
        statuses = {answer(world, "support", method, path.format(x), body(x) if callable(body) else body)
                    for x in (existing, UNKNOWN)}
        assert len(statuses) == 1 and statuses != {200}, (path, statuses)
    # the order was neither activated nor rejected
    [waiting] = [o for o in world["billing"].call("list_orders", "received", principal=OPERATOR)
                 if o["id"] == world["order"]]
    assert waiting["state"] == "received"


@pytest.mark.parametrize("query,field", [("limit=-1", "limit"), ("offset=-5", "offset"),
                                         ("offset=99999999999999999999999", "offset"), ("limit=100000", "limit")])
def test_back_office_paging_outside_its_range_is_a_422_naming_the_parameter(world, query, field):
    for path in ("/backoffice/billing/accounts", f"/backoffice/billing/accounts/{world['account']}/invoices"):
        resp = world["client"].simulate_get(P + path, query_string=query, headers=world["support"])
        assert resp.status_code == 422 and [e["field"] for e in resp.json["errors"]] == [field], resp.text


def test_the_service_refuses_paging_outside_its_range_too(world):
    """Any caller of the RPC (not only the gateway) gets an InvalidInput naming the argument, never a 200 with the
    value clamped, never a database error."""
    billing, account = world["billing"], world["account"]
    lm = billing.license_manager(account)
    for kwargs, field in (({"limit": -1}, "limit"), ({"offset": -1}, "offset"), ({"offset": 2 ** 70}, "offset"),
                          ({"limit": 0}, "limit"), ({"limit": "viele"}, "limit")):
        with pytest.raises(InvalidInput) as caught:
            billing.call("list_invoices", None, principal=lm, **kwargs)
        assert list(caught.value.fields) == [field], kwargs
    with pytest.raises(InvalidInput) as caught:
        billing.call("list_accounts", 10, -3, principal=OPERATOR)
    assert list(caught.value.fields) == ["offset"]
    with pytest.raises(InvalidInput) as caught:
        billing.call("list_audit", None, 10 ** 30, principal=SYSTEM)
    assert list(caught.value.fields) == ["limit"]
    assert len(billing.call("list_invoices", None, 1, 0, principal=lm)) == 1
