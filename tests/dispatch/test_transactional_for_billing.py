"""identity and billing send their mail through dispatch (TRANSACTIONAL_MAIL_VIA=dispatch, as config.yml sets it
for every deployment): the first-login mail and the invoice with its PDF attached arrive at the relay, sent by
dispatch's transactional lane (VERP return path, DKIM-signed), not straight from the services."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from billing.service import BillingService
from billing_testing import Billing
from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from identity.service import IdentityService


@pytest.mark.slow
def test_invoice_and_first_login_mail_go_through_dispatch(run_services, rpc_as, smtp_sink, dispatch_config):
    run_services(DispatchService, DispatchSender, config=dispatch_config, db_services=("dispatch",))
    via_dispatch = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": 1,  # a direct SMTP attempt would fail loudly
                    "TRANSACTIONAL_MAIL_VIA": "dispatch"}
    run_services(IdentityService, config=via_dispatch)
    runner = run_services(BillingService, config={**via_dispatch, "BILLING_TIMER": False,
                                                  "BILLING_TODAY": "2027-02-01"})
    billing = Billing(runner, rpc_as, smtp_sink)

    billing.order(date(2027, 2, 10), email="rechnung@example.com")
    report = billing.run(date(2027, 4, 1))
    assert report["invoices"] == 1 and report["mailed"] == 1 and report["errors"] == [], report

    mails = smtp_sink.wait_for(2, to="rechnung@example.com", timeout=30)
    for mail in mails:
        assert mail.mail_from.startswith("b-"), "sent by dispatch (VERP return path), not by the service itself"
    [invoice] = [m for m in mails if m["X-Pressroom-Category"] == "invoice"]
    [attachment] = list(invoice.iter_attachments())
    assert attachment.get_filename() == "Rechnung_2027-000001.pdf"
    reader = PdfReader(io.BytesIO(attachment.get_payload(decode=True)))
    assert list(reader.attachments) == ["factur-x.xml"]
