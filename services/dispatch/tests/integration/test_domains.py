"""Sender domains: keys we generate, the exact records to publish, a real DNS lookup, refusal without DKIM."""

from __future__ import annotations

import dkim
import pytest

from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch_testing import wait_until
from svckit.errors import Conflict, Forbidden, NotFound


@pytest.fixture
def dispatch_dns(run_services, dispatch_config, dns_server):
    config = {**dispatch_config, "DNS_NAMESERVERS": "127.0.0.1", "DNS_PORT": dns_server.port, "DNS_TIMEOUT": 2,
              "SPF_INCLUDE": "spf.pressroom.test"}
    return run_services(DispatchService, DispatchSender, config=config, db_services=("dispatch",))


def test_dns_check_gates_sending(dispatch_dns, dns_server, rpc_as, tenant, smtp_sink):
    with rpc_as(tenant.admin) as admin:
        d = admin.dispatch.create_sender_domain({"domain": "Presse.ACME.example."})
        assert d["domain"] == "presse.acme.example" and d["sendable"] is False
        recs = {r["kind"]: r for r in d["records"]}
        assert recs["dkim_rsa"]["name"].endswith("._domainkey.presse.acme.example")
        assert recs["dkim_rsa"]["value"].startswith("v=DKIM1; k=rsa; p=MII")
        assert recs["dkim_ed25519"]["value"].startswith("v=DKIM1; k=ed25519; p=")
        assert recs["spf"]["value"] == "v=spf1 include:spf.pressroom.test ~all"
        assert recs["dmarc"]["name"] == "_dmarc.presse.acme.example"
        sender = admin.dispatch.create_sender({"from_name": "ACME", "from_address": "info@presse.acme.example",
                                               "user_ids": [tenant.user_id]})
        try:
            admin.dispatch.create_sender_domain({"domain": "presse.acme.example"})
            raise AssertionError("the same domain twice")
        except Conflict as exc:
            assert "domain" in exc.fields

        checked = admin.dispatch.check_sender_domain(d["id"])   # nothing published yet
        assert checked["dkim_ok"] is False
        assert checked["check"]["dkim_rsa"]["problem"] == "nxdomain"
    with rpc_as(tenant.user) as user:
        m = user.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "text": "Hallo",
                                          "sender_id": sender["id"], "sources": [{"type": "addresses",
                                          "recipients": [{"email": "anna@zeitung.example"}]}]})
        try:
            user.dispatch.start_mailing(m["id"])
            raise AssertionError("sent without a DKIM record")
        except Conflict as exc:
            assert exc.extra["reason"] == "dkim_missing" and "sender_id" in exc.fields
            assert "DKIM" in exc.detail.de and "DKIM" in exc.detail.en
        try:
            user.dispatch.check_sender_domain(d["id"])
            raise AssertionError("a user ran the check")
        except Forbidden:
            pass

    # the customer publishes exactly what we showed (long TXT values as several strings)
    for r in d["records"]:
        dns_server.publish(r["name"], r["strings"])
    dns_server.publish("presse.acme.example", "v=spf1 mx include:spf.pressroom.test ~all")
    with rpc_as(tenant.admin) as admin:
        checked = admin.dispatch.check_sender_domain(d["id"])
    assert checked["dkim_ok"] and checked["sendable"]
    assert all(checked["check"][k]["ok"] for k in ("dkim_rsa", "dkim_ed25519", "spf", "dmarc"))
    assert "rsa" in " ".join(dns_server.queries) or dns_server.queries

    with rpc_as(tenant.user) as user:
        user.dispatch.start_mailing(m["id"])
        wait_until(lambda: user.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    [mail] = smtp_sink.messages()
    v = dkim.DKIM(mail.raw)
    lookup = dns_server.dkim_dnsfunc()
    assert v.verify(idx=0, dnsfunc=lookup) and v.verify(idx=1, dnsfunc=lookup)


def test_wrong_key_and_missing_spf_are_named(dispatch_dns, dns_server, rpc_as, tenant, other_tenant):
    with rpc_as(tenant.admin) as admin:
        d = admin.dispatch.create_sender_domain({"domain": "acme.example"})
        rsa = next(r for r in d["records"] if r["kind"] == "dkim_rsa")
        dns_server.publish(rsa["name"], "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong")
        dns_server.publish("acme.example", "v=spf1 -all")
        checked = admin.dispatch.check_sender_domain(d["id"])
        assert checked["check"]["dkim_rsa"]["problem"] == "key_mismatch"
        assert checked["check"]["spf"]["problem"] == "include_missing"
        assert checked["dkim_ok"] is False
        allowed = admin.dispatch.update_sender_domain(d["id"], {"allow_unverified": True})
        assert allowed["sendable"] is True and allowed["dkim_ok"] is False
    with rpc_as(other_tenant.admin) as other:
        try:
            other.dispatch.update_sender_domain(d["id"], {"allow_unverified": True})
            raise AssertionError("another account changed the domain")
        except NotFound:
            pass
        assert other.dispatch.list_sender_domains() == []
