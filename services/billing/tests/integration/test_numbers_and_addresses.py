"""Gap-free numbers survive a rollback; the invoice goes to the billing address when it differs from the company's."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from billing.db import repo
from billing_testing import OPERATOR, order_payload


def test_a_rolled_back_invoice_returns_its_number(databases):
    engine = databases.engine("billing")
    with Session(engine) as s:
        assert repo.next_invoice_number(s, 2031) == (1, "2031-000001")
        s.rollback()  # e.g. the job failed after taking the number
    with Session(engine) as s:
        assert repo.next_invoice_number(s, 2031) == (1, "2031-000001")
        assert repo.next_invoice_number(s, 2031) == (2, "2031-000002")
        assert repo.next_invoice_number(s, 2032) == (1, "2032-000001")  # one sequence per year
        s.commit()
    with Session(engine) as s:
        assert repo.next_invoice_number(s, 2031) == (3, "2031-000003")
        s.rollback()
        from sqlalchemy import text

        s.execute(text("DELETE FROM invoice_counters"))
        s.commit()


def test_invoices_go_to_the_billing_address(billing):
    payload = order_payload(date(2027, 2, 10), company="Medienhaus Nord GmbH")
    payload["billing_address"] = {"name": "Medienhaus Nord GmbH Buchhaltung", "attention": "z. Hd. Frau Kasse",
                                  "address": {"street": "Rechnungsweg 5", "postcode": "20095", "city": "Hamburg",
                                              "country": "DE"}}
    payload["invoice_email"] = "buchhaltung@medienhaus.example"
    billing.clock.fixed = date(2027, 2, 10)
    placed = billing.call("place_order", payload)
    account = billing.call("activate_order", placed["id"], principal=OPERATOR)["account_id"]
    billing.run(date(2027, 4, 1))
    [inv] = billing.call("list_invoices", account, principal=OPERATOR)
    recipient = billing.call("get_subscription", account, principal=OPERATOR)["invoice_recipient"]
    assert recipient["name"] == "Medienhaus Nord GmbH Buchhaltung" and recipient["street"] == "Rechnungsweg 5"
    [mail] = billing.sink.wait_for(1, to="buchhaltung@medienhaus.example")
    assert mail["X-Pressroom-Category"] == "invoice"
    import base64
    import io

    from pypdf import PdfReader

    pdf = base64.b64decode(billing.call("get_invoice_pdf", inv["id"], principal=OPERATOR)["content_b64"])
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Rechnungsweg 5" in text and "20095 Hamburg" in text and "z. Hd. Frau Kasse" in text
    assert "Hauptstraße 1" not in text  # the company address is not the invoice address
