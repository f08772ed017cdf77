"""The job runner through the real service: golden invoices from the database path, idempotency (twice, and twice
at the same moment), gap-free numbers, mails with the PDF attached, immutability, end of term and purge."""

from __future__ import annotations

import base64
import threading
from datetime import date

import pytest
from nameko.events import event_handler
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from billing_testing import OPERATOR, SYSTEM
from svckit.errors import Forbidden, InvalidInput

D = date


def invoice_rows(databases):
    with databases.engine("billing").connect() as conn:
        return conn.execute(text("SELECT number, year, seq, kind, period_label, net_cents, tax_cents, gross_cents, "
                                 "account_id FROM invoices ORDER BY year, seq")).all()


def test_first_invoice_matches_the_golden_table_and_is_mailed_with_its_pdf(billing, databases):
    result = billing.order(D(2027, 2, 10), email="rechnung@example.com")
    account = result["account_id"]
    assert billing.run(D(2027, 3, 31))["invoices"] == 0
    report = billing.run(D(2027, 4, 1))
    assert report["jobs"] == {"quarterly": 1, "usage": 1} and report["invoices"] == 1, report
    assert report["documents"] == 1 and report["mailed"] == 1 and report["errors"] == []
    [inv] = billing.call("list_invoices", principal=billing.license_manager(account))
    assert inv["number"] == "2027-000001" and inv["issue_date"] == "2027-04-01" and inv["due_date"] == "2027-04-15"
    assert [(line["code"], line["period_from"], line["period_to"], line["amount_cents"]) for line in inv["lines"]] == [
        ("tier", "2027-02-25", "2027-03-31", 40717), ("pressbase_dach", "2027-02-25", "2027-03-31", 17500),
        ("tier", "2027-04-01", "2027-06-30", 104700), ("pressbase_dach", "2027-04-01", "2027-06-30", 45000)]
    assert (inv["net_cents"], inv["tax_cents"], inv["gross_cents"]) == (207917, 39504, 247421)

    billing.sink.wait_for(2, to="rechnung@example.com")  # the first-login mail and the invoice
    [mail] = [m for m in billing.sink.messages(to="rechnung@example.com") if m["X-Pressroom-Category"] == "invoice"]
    assert mail["Subject"] == "Rechnung 2027-000001 von Pressroom"
    assert "2.474,21 €" in mail.text
    [att] = [p for p in mail.iter_attachments()]
    assert att.get_filename() == "Rechnung_2027-000001.pdf"
    pdf = att.get_payload(decode=True)
    downloaded = billing.call("get_invoice_pdf", inv["id"], principal=billing.license_manager(account))
    assert base64.b64decode(downloaded["content_b64"]) == pdf  # stored, the same bytes
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["factur-x.xml"]
    assert b"<ram:ID>2027-000001</ram:ID>" in reader.attachments["factur-x.xml"][0]
    page = reader.pages[0].extract_text()
    assert "Leistungszeitraum" in page and "Umsatzsteuer 19 %" in page and "DE123456789" in page


def test_running_twice_creates_nothing_twice(billing, databases):
    billing.order(D(2027, 2, 10))
    first = billing.run(D(2027, 7, 1))
    assert first["jobs"]["quarterly"] == 2
    second = billing.run(D(2027, 7, 1))
    assert second["jobs"] == {} and second["invoices"] == 0 and second["mailed"] == 0
    rows = invoice_rows(databases)
    assert [r.number for r in rows] == ["2027-000001", "2027-000002"]
    assert [r.period_label for r in rows] == ["2027-Q2", "2027-Q3"]


def test_concurrent_runs_create_each_invoice_once_with_gap_free_numbers(billing, databases, rpc_as):
    accounts = [billing.order(D(2027, 2, 10))["account_id"] for _ in range(4)]
    results, errors = [], []

    def run():
        try:
            with rpc_as(SYSTEM, timeout=120) as rpc:
                results.append(rpc.billing.run_due_jobs("2027-07-01"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["jobs"].get("quarterly", 0) for r in results) == 8  # 4 accounts x (Q2, Q3), once in all
    rows = invoice_rows(databases)
    assert len(rows) == 8
    assert [r.seq for r in rows] == list(range(1, 9))  # gap-free
    assert sorted({(str(r.account_id), r.period_label) for r in rows}) == sorted(
        {(a, q) for a in accounts for q in ("2027-Q2", "2027-Q3")})
    assert sum(r["mailed"] for r in results) == 8
    billing.sink.wait_for(8)
    assert len(billing.sink.messages()) >= 8 + 8  # 8 invoices (+ first-login mails)
    invoice_mails = [m for m in billing.sink.messages() if m["X-Pressroom-Category"] == "invoice"]
    assert len(invoice_mails) == 8


def test_issued_invoices_are_immutable(billing, databases):
    billing.order(D(2027, 2, 10))
    billing.run(D(2027, 4, 1))
    with databases.engine("billing").connect() as conn:
        with pytest.raises(DBAPIError, match="immutable"):
            conn.execute(text("UPDATE invoices SET net_cents = 1"))
        conn.rollback()
        with pytest.raises(DBAPIError, match="immutable"):
            conn.execute(text("DELETE FROM invoices"))
        conn.rollback()


def test_only_services_and_back_office_run_jobs(billing):
    lm = billing.license_manager(billing.order(D(2027, 2, 10))["account_id"])
    with pytest.raises(Forbidden):
        billing.call("run_due_jobs", "2027-04-01", principal=lm)
    with pytest.raises(InvalidInput) as err:
        billing.call("run_due_jobs", "1. April", principal=OPERATOR)
    assert "today" in err.value.fields


class PurgeListener:
    name = "purge_listener_test"
    seen: list = []

    @event_handler("billing", "account_purge_requested")
    def on_purge(self, payload):
        PurgeListener.seen.append(payload)


def test_purge_is_requested_exactly_once_four_weeks_after_the_end_and_billing_keeps_only_invoices(
        billing, databases, run_services, service_config):
    PurgeListener.seen = []
    run_services(PurgeListener)
    account = billing.order(D(2027, 2, 10))["account_id"]
    lm = billing.license_manager(account)
    billing.set_today(D(2027, 2, 25))  # day 16: a regular cancellation -> ends 31 Dec 2027
    billing.call("cancel_subscription", principal=lm)
    billing.set_today(D(2027, 2, 1))
    billing.run(D(2027, 12, 31))
    invoices_before = invoice_rows(databases)
    report = billing.run(D(2028, 1, 27))
    assert report["jobs"].get("end") == 1 and "purge" not in report["jobs"]
    assert [m for m in billing.sink.messages() if "Daten" in (m["Subject"] or "")]  # export offered
    report = billing.run(D(2028, 1, 28))
    assert report["jobs"].get("purge") == 1
    assert billing.run(D(2028, 1, 29))["jobs"].get("purge") is None
    import time

    deadline = time.time() + 10
    while not PurgeListener.seen and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # a second publication would arrive in this time
    assert [p["account_id"] for p in PurgeListener.seen] == [account]
    with databases.engine("billing").connect() as conn:
        for table in ("orders", "usage_events", "usage_monthly", "entitlement_state"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        assert conn.execute(text("SELECT state, customer FROM subscriptions")).one()[0] == "purged"
        assert conn.execute(text("SELECT count(*) FROM invoices")).scalar() == len(invoices_before) > 0
        events = conn.execute(text("SELECT event_type FROM outbox WHERE event_type LIKE 'account_%'")).scalars().all()
    assert sorted(events) == ["account_purge_requested", "account_purged"]


def test_the_cronjob_command_runs_due_jobs_through_the_service(billing, databases, amqp_uri):
    import os
    import subprocess
    import sys

    billing.order(D(2027, 2, 10))
    env = {**os.environ, "AMQP_URI": amqp_uri}
    cmd = [sys.executable, "-m", "billing.jobs", "run-due", "--today", "2027-04-01"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert '"quarterly": 1' in out.stdout
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and '"jobs": {}' in again.stdout
    assert len(invoice_rows(databases)) == 1
    bad = subprocess.run([sys.executable, "-m", "billing.jobs", "run-due", "--today", "gestern"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--today" in bad.stderr


def test_the_service_timer_runs_due_jobs_by_itself(run_services, rpc_as, smtp_sink, databases):
    import time

    from billing.service import BillingService
    from billing_testing import Billing
    from identity.service import IdentityService

    run_services(IdentityService, config={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port})
    runner = run_services(BillingService, config={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port,
                                                  "BILLING_TIMER": True, "BILLING_JOB_INTERVAL": 0.3,
                                                  "BILLING_TODAY": "2027-02-10"})
    billing = Billing(runner, rpc_as, smtp_sink)
    billing.order(D(2027, 2, 10))
    billing.set_today(D(2027, 4, 1))  # the timer's next tick sees the quarter start
    deadline = time.time() + 20
    while not invoice_rows(databases) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # a few more ticks: nothing twice
    rows = invoice_rows(databases)
    assert [(r.number, r.period_label) for r in rows] == [("2027-000001", "2027-Q2")]
