"""Back office: individual contracts (premium contracting), credit notes, affiliated companies, letters, audit, and
tenant isolation of every read."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from sqlalchemy import text

from billing_testing import OPERATOR, SYSTEM
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from svckit.principal import Principal

D = date
PDF = base64.b64encode(b"%PDF-1.4 Individualvertrag").decode()


def test_premium_contracting_invoices_the_one_time_fee_and_the_monthly_fee_from_then_on(billing):
    account = billing.order(D(2027, 1, 4))["account_id"]
    billing.run(D(2027, 4, 1))
    billing.set_today(D(2027, 5, 10))
    result = billing.call("record_contract", {
        "account_id": account, "one_time_cents": 50000, "monthly_cents": 3000, "valid_from": "2027-05-10",
        "document_b64": PDF, "document_name": "vertrag.pdf", "note": "Rahmenvertrag"}, principal=OPERATOR)
    inv = result["invoice"]
    # one-time 500.00; the monthly 30.00 (90.00 per quarter) for 10 May-30 Jun (52 of 91 days) = 51.428.. -> 51.43
    assert [(line["code"], line["amount_cents"]) for line in inv["lines"]] == [("one_time", 50000),
                                                                              ("premium_contracting", 5143)]
    billing.run(D(2027, 7, 1))
    q3 = [i for i in billing.call("list_invoices", account, principal=OPERATOR) if i["period_label"] == "2027-Q3"]
    assert ("premium_contracting", 9000) in [(line["code"], line["amount_cents"]) for line in q3[0]["lines"]]
    ent = billing.call("get_entitlements", account, principal=SYSTEM)
    assert ent["extra"]["premium_contracting"] is True
    # the license manager's own changes keep the individual contract
    lm = billing.license_manager(account)
    view = billing.call("change_subscription", {"seats": 20, "addons": ["pressbase_dach"]}, principal=lm)
    assert "premium_contracting" in view["subscription"]["plan"]["addons"]
    with pytest.raises(InvalidInput) as err:
        billing.call("record_contract", {"account_id": account, "one_time_cents": -1, "monthly_cents": 0,
                                         "valid_from": "2027-05-10", "document_b64": PDF,
                                         "document_name": "v.pdf"}, principal=OPERATOR)
    assert "one_time_cents" in err.value.fields
    with pytest.raises(NotFound):
        billing.call("record_contract", {"account_id": "7c1e2f4a-0000-4000-8000-000000000001",
                                         "one_time_cents": 0, "monthly_cents": 0, "valid_from": "2027-05-10",
                                         "document_b64": PDF, "document_name": "v.pdf"}, principal=OPERATOR)
    big = base64.b64encode(b"%PDF" + b"0" * (5 * 1024 * 1024 + 1)).decode()
    with pytest.raises((PayloadTooLarge, InvalidInput)):
        billing.call("record_contract", {"account_id": account, "one_time_cents": 0, "monthly_cents": 0,
                                         "valid_from": "2027-05-10", "document_b64": big, "document_name": "v.pdf"},
                     principal=OPERATOR)


def test_credit_notes_correct_without_changing_the_invoice(billing, databases):
    account = billing.order(D(2027, 2, 10))["account_id"]
    billing.run(D(2027, 4, 1))
    [inv] = billing.call("list_invoices", account, principal=OPERATOR)
    full = billing.call("issue_credit_note", {"invoice_id": inv["id"], "reason": "Storno auf Kundenwunsch"},
                        principal=OPERATOR)
    assert full["doc_type"] == "credit_note" and full["number"] == "2027-000002"
    assert (full["net_cents"], full["tax_cents"], full["gross_cents"]) == (
        inv["net_cents"], inv["tax_cents"], inv["gross_cents"])
    with pytest.raises(InvalidInput):  # nothing left to credit
        billing.call("issue_credit_note", {"invoice_id": inv["id"], "reason": "noch einmal"}, principal=OPERATOR)
    with pytest.raises(Conflict):
        billing.call("issue_credit_note", {"invoice_id": full["id"], "reason": "Gutschrift der Gutschrift"},
                     principal=OPERATOR)
    with pytest.raises(Forbidden):
        billing.call("issue_credit_note", {"invoice_id": inv["id"], "reason": "x" * 5},
                     principal=Principal(kind="operator", user_id="s", roles=("support",)))
    xml = base64.b64decode(billing.call("get_invoice_xml", full["id"], principal=OPERATOR)["content_b64"])
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and b"<ram:IssuerAssignedID>2027-000001<" in xml
    with databases.engine("billing").connect() as conn:
        assert conn.execute(text("SELECT net_cents FROM invoices WHERE number = '2027-000001'")).scalar() == inv[
            "net_cents"]
    billing.sink.wait_for(2, to=None)
    assert any(m["Subject"] == "Gutschrift 2027-000002 von Pressroom" for m in billing.sink.messages())


def test_letter_customers_are_listed_for_printing_not_mailed(billing):
    account = billing.order(D(2027, 2, 10), delivery="letter")["account_id"]
    report = billing.run(D(2027, 4, 1))
    assert report["invoices"] == 1 and report["mailed"] == 0
    letters = billing.call("list_letters_to_print", principal=OPERATOR)
    assert [i["account_id"] for i in letters] == [account]


def test_affiliated_company_joins_as_a_client_of_the_same_account(billing):
    account = billing.order(D(2027, 2, 10))["account_id"]
    lm = billing.license_manager(account)
    joined = billing.call("add_affiliated_company", {"name": "Tochter GmbH"}, principal=lm)
    assert joined["client_id"]
    with billing.rpc_as(Principal.system("billing", account)) as rpc:
        account_data = rpc.identity.get_account(account)
    assert account_data["id"] == account
    view = billing.call("get_subscription", principal=lm)
    assert view["affiliates"] == [{"name": "Tochter GmbH", "client_id": joined["client_id"]}]
    assert view["invoice_recipient"]["name"] == "Pressestelle Müller GmbH"  # still one invoice recipient
    with pytest.raises(InvalidInput):
        billing.call("add_affiliated_company", {"name": ""}, principal=lm)


def test_reads_are_scoped_to_the_callers_account(billing):
    a = billing.order(D(2027, 2, 10))["account_id"]
    b = billing.order(D(2027, 2, 10))["account_id"]
    billing.run(D(2027, 4, 1))
    inv_b = billing.call("list_invoices", b, principal=OPERATOR)[0]
    lm_a = billing.license_manager(a)
    assert [i["account_id"] for i in billing.call("list_invoices", principal=lm_a)] == [a]
    with pytest.raises(NotFound):
        billing.call("get_invoice", inv_b["id"], principal=lm_a)
    with pytest.raises(NotFound):
        billing.call("get_invoice_pdf", inv_b["id"], principal=lm_a)
    with pytest.raises(NotFound):
        billing.call("list_invoices", b, principal=lm_a)
    with pytest.raises(NotFound):
        billing.call("get_consumption", b, principal=lm_a)
    with pytest.raises(Forbidden):  # an ordinary user of the account sees no invoices
        billing.call("list_invoices", principal=Principal(kind="user", account_id=a, user_id="u", roles=("user",)))
    with pytest.raises(Forbidden):
        billing.call("get_account_overview", b, principal=lm_a)
    overview = billing.call("get_account_overview", b, principal=OPERATOR)
    assert overview["account_id"] == b and len(overview["invoices"]) == 1


def test_account_export_has_the_tables_and_every_invoice_pdf(billing):
    account = billing.order(D(2027, 2, 10))["account_id"]
    billing.run(D(2027, 7, 1))
    lm = billing.license_manager(account)
    first = billing.call("export_account_data", account, principal=lm)
    assert first["service"] == "billing" and first["next_cursor"] == "1"
    assert [s["account_id"] for s in first["tables"]["subscriptions"]] == [account]
    assert first["tables"]["orders"][0]["terms_version"] == "AGB-2027-01"
    assert len(first["tables"]["invoices"]) == 2
    second = billing.call("export_account_data", account, first["next_cursor"], principal=lm)
    assert second["next_cursor"] is None
    assert [f["path"] for f in second["files"]] == ["billing/invoices/2027-000001.pdf",
                                                    "billing/invoices/2027-000002.pdf"]
    assert base64.b64decode(second["files"][0]["content_b64"]).startswith(b"%PDF")
    other = billing.license_manager(billing.order(D(2027, 2, 10))["account_id"])
    with pytest.raises(NotFound):
        billing.call("export_account_data", account, principal=other)
    with pytest.raises(Forbidden):
        billing.call("export_account_data", account,
                     principal=Principal(kind="user", account_id=account, user_id="u", roles=("user",)))
    with pytest.raises(InvalidInput):
        billing.call("export_account_data", account, "-3", principal=lm)
