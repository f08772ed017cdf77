"""End to end through the gateway, with real logins: a customer orders on the website, an operator (logged in with
password and mailed code) activates it, the license manager (first login with the mailed one-time password) sees the
subscription, extends it, gets invoices as PDF and XRechnung, cancels and revokes; the operator runs the jobs as a
long job with progress, issues a credit note and reads the audit trail. Errors are problem+json in the reader's
language; another account's invoice does not exist."""

from __future__ import annotations

import io
import time
import uuid

from lxml import etree
from pypdf import PdfReader

from billing_testing import order_payload
from svckit.principal import Principal

P = "/api/v1"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def operator_token(identity, client):
    email = f"op-{uuid.uuid4().hex[:6]}@pressroom.example"
    identity.call("create_operator", {"email": email, "first_name": "Olga", "last_name": "Operator",
                                      "roles": ["back_office"], "password": "Backoffice-Sommer-2027",
                                      "must_change_password": False}, principal=Principal.system("test"))
    step = client.simulate_post(P + "/backoffice/auth/login",
                                json={"email": email, "password": "Backoffice-Sommer-2027"}).json
    assert step["status"] == "second_factor_required", step
    done = client.simulate_post(P + "/auth/login/second-factor",
                                json={"challenge": step["challenge"], "code": identity.mail_code(email)}).json
    assert done["status"] == "authenticated", done
    return done["token"]


def test_a_customer_orders_an_operator_activates_the_license_manager_manages_and_pays(suite, gateway):
    billing, identity = suite
    client = gateway()

    # public: catalogue and order, no login
    cat = client.simulate_get(P + "/billing/catalogue").json
    assert cat["version"] == "2027-01" and cat["tiers"][0] == {"seats": 1, "monthly_net_cents": 4900}
    bad = client.simulate_post(P + "/billing/orders", json={**order_payload(__import__("datetime").date(2027, 2, 10)),
                                                           "addons": ["pressbase_plus"]},
                               headers={"Accept-Language": "en"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json["errors"] == [{"field": "addons",
                                   "message": "pressbase PLUS is only available together with pressbase DACH."}]
    bad_de = client.simulate_post(P + "/billing/orders", json={"seats": "viele"}, headers={"Accept-Language": "de"})
    assert bad_de.status_code == 422
    assert {"field": "seats", "message": "Ganze Zahl erwartet."} in bad_de.json["errors"]

    from datetime import date

    email = f"lena-{uuid.uuid4().hex[:6]}@example.com"
    placed = client.simulate_post(P + "/billing/orders", json=order_payload(date(2027, 2, 10), email=email,
                                                                           seats=5, addons=["pressbase_dach"]))
    assert placed.status_code == 201 and placed.json["state"] == "received"

    # the operator logs in for real and activates
    op = bearer(operator_token(identity, client))
    waiting = client.simulate_get(P + "/backoffice/billing/orders", headers=op).json
    assert [o["id"] for o in waiting] == [placed.json["id"]]
    activated = client.simulate_post(P + f"/backoffice/billing/orders/{placed.json['id']}/activate", headers=op)
    assert activated.status_code == 200, activated.json
    account = activated.json["account_id"]

    # the license manager's first login: one-time password from the mail, then a new password
    token, lm_principal = identity.first_login(email)
    assert lm_principal.account_id == account and "license_manager" in lm_principal.roles
    lm = bearer(token)
    sub = client.simulate_get(P + "/billing/subscription", headers=lm).json
    assert sub["phase"] == "starting" and sub["plan"]["seats"] == 5
    ent = client.simulate_get(P + "/billing/entitlements", headers=lm).json
    assert ent["max_recipients_per_mailing"] == 100 and ent["seats"] == 5

    # the operator runs the jobs for 1 April as a long job and polls its progress
    started = client.simulate_post(P + "/backoffice/billing/job-runs", json={"today": "2027-04-01"}, headers=op)
    assert started.status_code == 202 and started.json["state"] == "running"
    run = started.json
    deadline = time.time() + 60
    while run["state"] == "running" and time.time() < deadline:
        time.sleep(0.2)
        run = client.simulate_get(P + f"/backoffice/billing/job-runs/{run['id']}", headers=op).json
    assert run["state"] == "done" and run["done"] == run["total"] > 0, run
    assert run["report"]["jobs"]["quarterly"] == 1

    invoices = client.simulate_get(P + "/billing/invoices", headers=lm).json
    [inv] = invoices
    # 5 users 597.00/quarter: 25 Feb-31 Mar = 35/90 -> 232.17; DACH 450.00 * 35/90 = 175.00; Q2 597.00 + 450.00
    assert [line["amount_cents"] for line in inv["lines"]] == [23217, 17500, 59700, 45000]
    assert (inv["net_cents"], inv["tax_cents"], inv["gross_cents"]) == (145417, 27629, 173046)
    pdf = client.simulate_get(P + f"/billing/invoices/{inv['id']}/pdf", headers=lm)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    assert list(PdfReader(io.BytesIO(pdf.content)).attachments) == ["factur-x.xml"]
    xr = client.simulate_get(P + f"/billing/invoices/{inv['id']}/xml", params={"flavor": "xrechnung"}, headers=lm)
    assert xr.status_code == 200 and b"xrechnung_3.0" in xr.content
    etree.fromstring(xr.content)
    wrong = client.simulate_get(P + f"/billing/invoices/{inv['id']}/xml", params={"flavor": "pdf"}, headers=lm)
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "flavor"

    # an extension mid-quarter: invoiced at once
    billing.set_today(date(2027, 5, 10))
    changed = client.simulate_post(P + "/billing/subscription/changes", headers=lm,
                                   json={"seats": 10, "addons": ["pressbase_dach"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["invoice"]["kind"] == "extension" and changed.json["subscription"]["plan"]["seats"] == 10

    # cancel and revoke
    cancelled = client.simulate_post(P + "/billing/subscription/cancel", headers=lm).json
    assert cancelled["cancellation"]["ends_on"] == "2027-12-31"
    again = client.simulate_post(P + "/billing/subscription/cancel", headers=lm, params={"lang": "en"})
    assert again.status_code == 409 and again.json["detail"] == "The subscription is already cancelled."
    revoked = client.simulate_post(P + "/billing/subscription/revoke-cancellation", headers=lm).json
    assert revoked["cancellation"]["ends_on"] is None

    consumption = client.simulate_get(P + "/billing/consumption", headers=lm).json
    assert consumption["storage"]["included_bytes"] == 1024 ** 3

    # the operator corrects the first invoice by a partial credit note; every action is in the audit trail
    credit = client.simulate_post(P + "/backoffice/billing/credit-notes", headers=op,
                                  json={"invoice_id": inv["id"], "amount_cents": 10000, "reason": "Kulanz"})
    assert credit.status_code == 201 and credit.json["doc_type"] == "credit_note", credit.json
    too_much = client.simulate_post(P + "/backoffice/billing/credit-notes", headers=op,
                                    json={"invoice_id": inv["id"], "amount_cents": 10_000_000, "reason": "Fehler"})
    assert too_much.status_code == 422 and too_much.json["errors"][0]["field"] == "amount_cents"
    detail = client.simulate_get(P + f"/billing/invoices/{inv['id']}", headers=lm).json
    assert detail["credited_net_cents"] == 10000
    overview = client.simulate_get(P + f"/backoffice/billing/accounts/{account}", headers=op).json
    assert len(overview["invoices"]) == 3 and overview["subscription"]["plan"]["seats"] == 10
    audit = client.simulate_get(P + "/backoffice/billing/audit", params={"account_id": account}, headers=op).json
    actions = [a["action"] for a in audit]
    for action in ("order.activated", "subscription.changed", "subscription.cancelled",
                   "subscription.cancellation_revoked", "invoice.credited", "account.viewed"):
        assert action in actions, action

    # the license manager may not use the back office; nobody sees another account's invoice
    assert client.simulate_get(P + "/backoffice/billing/orders", headers=lm).status_code == 403
    assert client.simulate_get(P + "/billing/subscription").status_code == 401
    other_email = f"other-{uuid.uuid4().hex[:6]}@example.com"
    billing.set_today(date(2027, 2, 10))
    billing.order(date(2027, 2, 10), email=other_email)
    other_token, _ = identity.first_login(other_email)
    stranger = client.simulate_get(P + f"/billing/invoices/{inv['id']}", headers=bearer(other_token))
    assert stranger.status_code == 404
    assert client.simulate_get(P + f"/billing/invoices/{inv['id']}/pdf", headers=bearer(other_token)).status_code == 404
    assert client.simulate_get(P + "/billing/invoices/not-an-id", headers=lm).status_code == 422
