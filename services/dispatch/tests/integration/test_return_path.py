"""SPF alignment: a sender domain's custom return-path host (a CNAME to our bounce host), checked in DNS, used as
the envelope sender once it checks out, accepted by the bounce endpoint; the customer's DMARC record explained."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch_testing import VERP, wait_until

DOMAIN = "presse.acme.example"
HOST = f"bounce.{DOMAIN}"


@pytest.fixture
def config(dispatch_config, dns_server):
    return {**dispatch_config, "DNS_NAMESERVERS": "127.0.0.1", "DNS_PORT": dns_server.port, "DNS_TIMEOUT": 2,
            "SPF_INCLUDE": "spf.pressroom.test"}


@pytest.fixture
def dispatch_dns(run_services, config):
    return run_services(DispatchService, DispatchSender, config=config, db_services=("dispatch",))


@pytest.fixture
def bounce_port(databases, config):
    """``python -m dispatch.bounces`` as its own process, on a free port."""
    databases.ensure("dispatch")
    env = {**os.environ, **{k: str(v) for k, v in config.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "dispatch.bounces", "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield SimpleNamespace(port=int(proc.stdout.readline().strip().rpartition(":")[2]))
    finally:
        proc.terminate()
        proc.wait(10)


def send_one(rpc_as, tenant, sender_id, email, spf_reason):
    with rpc_as(tenant.user) as user:
        m = user.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "text": "Hallo",
                                          "sender_id": sender_id, "sources": [{"type": "addresses",
                                          "recipients": [{"email": email}]}]})
        codes = {r["code"] for r in user.dispatch.presend_verdict(m["id"])["reasons"]}
        assert spf_reason in codes   # the pre-send verdict sees the same return path as the engine
        user.dispatch.start_mailing(m["id"])
        wait_until(lambda: user.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    return m


def dsn(rcpt: str) -> bytes:
    return (f"From: MAILER-DAEMON@mx.zeitung.example\r\nTo: x\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n"
            f"Content-Type: text/plain\r\n\r\nsorry\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.zeitung.example\r\n\r\nFinal-Recipient: rfc822; {rcpt}\r\nAction: failed\r\n"
            f"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--B--\r\n").encode()


def test_return_path_host_aligns_spf_and_receives_bounces(dispatch_dns, dns_server, rpc_as, tenant, smtp_sink,
                                                          bounce_port, databases):
    with rpc_as(tenant.admin) as admin:
        d = admin.dispatch.create_sender_domain({"domain": DOMAIN})
        rp = next(r for r in d["records"] if r["kind"] == "return_path")
        assert (rp["type"], rp["name"], rp["value"], rp["required"]) == ("CNAME", HOST, VERP, False)
        assert d["alignment"] == {"return_path_host": HOST, "spf_aligned": False, "dmarc_policy": None,
                                  "dmarc_rua": [], "explanation": []}   # nothing checked yet
        sender = admin.dispatch.create_sender({"from_name": "ACME", "from_address": f"info@{DOMAIN}",
                                               "user_ids": [tenant.user_id]})
        for r in d["records"]:
            if r["type"] == "TXT" and r["kind"] != "dmarc":
                dns_server.publish(r["name"], r["strings"])
        dns_server.publish(f"_dmarc.{DOMAIN}", "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.example")
        checked = admin.dispatch.check_sender_domain(d["id"])
        assert checked["dkim_ok"] and checked["check"]["return_path"]["problem"] == "nxdomain"
        assert checked["check"]["dmarc"]["policy"] == "quarantine"
        a = checked["alignment"]
        assert a["spf_aligned"] is False and a["dmarc_policy"] == "quarantine"
        assert a["dmarc_rua"] == ["mailto:dmarc@acme.example"]
        assert "Spam-Ordner" in a["explanation"][0]["de"] and "spam folder" in a["explanation"][0]["en"]
        assert "nicht ausgerichtet" in a["explanation"][1]["de"] and "not aligned" in a["explanation"][1]["en"]

    # unchecked: the envelope sender stays at our bounce host
    send_one(rpc_as, tenant, sender["id"], "anna@zeitung.example", "spf_not_aligned")
    [first] = smtp_sink.messages()
    assert first.mail_from.endswith("@" + VERP) and first.mail_from.startswith("b-")

    with rpc_as(tenant.admin) as admin:
        dns_server.publish_cname(HOST, "bounces.elsewhere.example")
        wrong = admin.dispatch.check_sender_domain(d["id"])
        assert wrong["check"]["return_path"]["problem"] == "wrong_target" and not wrong["alignment"]["spf_aligned"]
        dns_server.publish_cname(HOST, VERP)
        dns_server.publish(f"_dmarc.{DOMAIN}", "v=DMARC1; p=reject")
        checked = admin.dispatch.check_sender_domain(d["id"])
        assert checked["check"]["return_path"] == {"ok": True, "found": [VERP], "problem": None}
        a = checked["alignment"]
        assert a["spf_aligned"] is True and a["dmarc_policy"] == "reject" and a["dmarc_rua"] == []
        assert [e["en"].split(":")[0] for e in a["explanation"]] == [
            "DMARC p=reject", "SPF is aligned through your return-path host.", "No rua address"]
        assert "abgewiesen" in a["explanation"][0]["de"]

    # checked: the envelope sender is a VERP address at the customer's host
    m = send_one(rpc_as, tenant, sender["id"], "gone@zeitung.example", "spf_aligned")
    second = next(x for x in smtp_sink.messages() if x.rcpt_to == ["gone@zeitung.example"])
    assert second.mail_from.startswith("b-") and second.mail_from.endswith("@" + HOST)

    # a bounce to the custom host is accepted and processed; a valid signature at a host we do not know is refused
    smtplib.SMTP("127.0.0.1", bounce_port.port).sendmail("", [second.mail_from], dsn("gone@zeitung.example"))
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        smtplib.SMTP("127.0.0.1", bounce_port.port).sendmail(
            "", [second.mail_from.replace(HOST, "bounce.unknown.example")], b"Subject: x\r\n\r\n")
    with databases.engine("dispatch").connect() as conn:
        state = conn.execute(text("SELECT state, bounce FROM deliveries WHERE mailing_id = :m"), {"m": m["id"]}).one()
        reason = conn.execute(text("SELECT reason FROM suppressions WHERE address = 'gone@zeitung.example'")).scalar()
    assert tuple(state) == ("bounced", "hard") and reason is not None
