"""billing's real answers match the answer models of billing.contracts (the gateway documents its routes with them):
every field declared, nothing undeclared, the declared nullability."""

from __future__ import annotations

import base64
import uuid
from datetime import date

from pydantic import TypeAdapter

from billing import contracts as c
from billing_testing import OPERATOR, SYSTEM, order_payload
from svckit.principal import Principal

D = date
PDF = base64.b64encode(b"%PDF-1.4 Individualvertrag").decode()


def test_answers_of_a_customers_year_match_the_contract(billing):
    def call(model, method, *args, principal=OPERATOR):
        answer = billing.call(method, *args, principal=principal)
        TypeAdapter(model).validate_python(answer)
        return answer

    call(c.Catalogue, "get_catalogue", principal=None)
    billing.set_today(D(2027, 1, 4))
    waiting = call(c.OrderSummary, "place_order", order_payload(D(2027, 1, 4), delivery="letter"), principal=None)
    assert "subscription" not in waiting  # waits for an operator
    call(list[c.OrderSummary], "list_orders", "received")
    active = call(c.OrderSummary, "activate_order", waiting["id"])
    account = active["account_id"]
    rejected = call(c.OrderSummary, "place_order", order_payload(D(2027, 1, 4)), principal=None)
    call(c.OrderSummary, "reject_order", rejected["id"], "Dublette")
    lm = billing.license_manager(account)
    billing.call("run_due_jobs", "2027-04-01", principal=SYSTEM)
    billing.set_today(D(2027, 5, 10))
    call(c.Subscription, "get_subscription", principal=lm)
    changed = call(c.SubscriptionChanged, "change_subscription", {"seats": 20, "addons": ["pressbase_dach"]},
                   principal=lm)
    assert changed["invoice"] is not None
    call(c.Subscription, "cancel_subscription", principal=lm)
    call(c.Subscription, "revoke_cancellation", principal=lm)
    call(c.Affiliate, "add_affiliated_company", {"name": "Tochter GmbH"}, principal=lm)
    call(c.Consumption, "get_consumption", principal=lm)
    call(c.Entitlements, "get_entitlements", account, principal=lm)
    invoices = call(list[c.Invoice], "list_invoices", None, 100, 0, principal=lm)
    call(c.Invoice, "get_invoice", invoices[0]["id"], principal=lm)
    call(c.Invoice, "issue_credit_note", {"invoice_id": invoices[0]["id"], "amount_cents": 100,
                                          "reason": "Kulanz"})
    call(c.ContractRecorded, "record_contract", {
        "account_id": account, "one_time_cents": 50000, "monthly_cents": 3000, "valid_from": "2027-05-10",
        "document_b64": PDF, "document_name": "vertrag.pdf"})
    call(c.Settings, "get_settings")
    call(list[c.AccountRow], "list_accounts", 100, 0)
    call(c.AccountOverview, "get_account_overview", account)
    call(list[c.AuditEntry], "list_audit", account, 50)
    letters = call(list[c.Invoice], "list_letters_to_print")
    assert letters, "the order asked for invoices by letter"
    staff = Principal(kind="operator", user_id=str(uuid.uuid4()), roles=("back_office",), lang="de")
    run = call(c.JobRun, "start_job_run", "2027-05-10", principal=staff)
    call(c.JobRun, "get_job_run", run["id"])
