"""The pre-send verdict at work: an unverified domain is red and its start refused (nothing reaches the sink); once
the records are published and checked the verdict is green and the mailing is sent; a complaint rate at or above
0.3 % refuses the start with a 409 naming the reason in both languages."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch_testing import sendable_sender, wait_until
from svckit.errors import Conflict, NotFound


@pytest.fixture
def dispatch_dns(run_services, dispatch_config, dns_server):
    config = {**dispatch_config, "DNS_NAMESERVERS": "127.0.0.1", "DNS_PORT": dns_server.port, "DNS_TIMEOUT": 2,
              "SPF_INCLUDE": "spf.pressroom.test"}
    return run_services(DispatchService, DispatchSender, config=config, db_services=("dispatch",))


def lights(verdict: dict) -> dict[str, str]:
    return {r["code"]: r["light"] for r in verdict["reasons"]}


def mailing(rpc, tenant, sender_id: str, emails: list[str]) -> dict:
    return rpc.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "text": "Hallo",
                                        "sender_id": sender_id, "sources": [{"type": "addresses",
                                        "recipients": [{"email": e} for e in emails]}]})


def test_unverified_domain_is_red_and_refused_verified_is_green_and_sent(dispatch_dns, dns_server, rpc_as, tenant,
                                                                         smtp_sink):
    with rpc_as(tenant.admin) as admin:
        d = admin.dispatch.create_sender_domain({"domain": "presse.acme.example"})
        sender = admin.dispatch.create_sender({"from_name": "ACME", "from_address": "info@presse.acme.example",
                                               "user_ids": [tenant.user_id]})
    with rpc_as(tenant.user) as user:
        m = mailing(user, tenant, sender["id"], ["anna@zeitung.example"])
        red = user.dispatch.presend_verdict(m["id"])
        assert red["light"] == "red" and lights(red)["unverified_domain"] == "red"
        assert lights(red)["dmarc_unchecked"] == "amber" and lights(red)["one_click_unsubscribe"] == "green"
        unverified = next(r for r in red["reasons"] if r["code"] == "unverified_domain")["message"]
        assert "presse.acme.example" in unverified["de"] and "presse.acme.example" in unverified["en"]
        assert user.dispatch.get_mailing_volume(m["id"])["verdict"] == red
        with pytest.raises(Conflict):
            user.dispatch.start_mailing(m["id"])
        assert user.dispatch.get_mailing(m["id"])["state"] == "draft"

    with rpc_as(tenant.admin) as admin:   # allowed without DNS: sendable, but the verdict warns (amber)
        admin.dispatch.update_sender_domain(d["id"], {"allow_unverified": True})
    with rpc_as(tenant.user) as user:
        amber = user.dispatch.presend_verdict(m["id"])
        assert amber["light"] == "amber" and lights(amber)["unverified_domain"] == "amber"
        assert lights(amber)["spf_not_aligned"] == "amber"    # neither SPF aligned nor DKIM: DMARC cannot pass
    with rpc_as(tenant.admin) as admin:
        admin.dispatch.update_sender_domain(d["id"], {"allow_unverified": False})
    assert smtp_sink.messages() == []

    for r in d["records"]:
        dns_server.publish(r["name"], r["strings"])
    dns_server.publish("presse.acme.example", "v=spf1 mx include:spf.pressroom.test ~all")
    with rpc_as(tenant.admin) as admin:
        assert admin.dispatch.check_sender_domain(d["id"])["dkim_ok"]
    with rpc_as(tenant.user) as user:
        green = user.dispatch.presend_verdict(m["id"])
        assert green["light"] == "green", green
        assert set(lights(green)) == {"dkim_aligned", "spf_not_aligned", "dmarc_present", "one_click_unsubscribe",
                                      "complaint_rate", "suppressed_share"}
        user.dispatch.start_mailing(m["id"])
        wait_until(lambda: user.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    [mail] = smtp_sink.messages()
    assert mail.rcpt_to == ["anna@zeitung.example"]


def test_a_complaint_rate_of_0_3_percent_refuses_the_start(dispatch, rpc_as, tenant, other_tenant, smtp_sink,
                                                           databases):
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.user) as user:
        m = mailing(user, tenant, sender["id"], ["anna@zeitung.example", "ben@zeitung.example"])
        assert user.dispatch.presend_verdict(m["id"])["light"] == "amber"   # only the unverified domain

    def history(account_id: str, sent: int, complaints: int) -> None:
        """``sent`` mails of an earlier mailing of the account last week, ``complaints`` of them complained about."""
        with databases.engine("dispatch").begin() as conn:
            old = conn.execute(text("INSERT INTO mailings (id, account_id, client_id, subject, state) "
                                    "VALUES (:id, :a, :c, 'earlier', 'finished') RETURNING id"),
                               {"id": str(uuid.uuid4()), "a": account_id, "c": str(uuid.uuid4())}).scalar_one()
            ids = conn.execute(text(
                "INSERT INTO deliveries (account_id, mailing_id, lane, email, domain, state, sent_at) "
                "SELECT :a, :m, 2, 'r' || g || '@old.example', 'old.example', 'sent', now() - interval '7 days' "
                "FROM generate_series(1, :n) g RETURNING id"), {"a": account_id, "m": old, "n": sent}).scalars().all()
            for delivery_id in ids[:complaints]:
                conn.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind) "
                                  "VALUES (:d, :m, 'complaint')"), {"d": delivery_id, "m": old})

    history(tenant.account_id, 1000, 2)          # 0.2 %: amber, the start goes ahead
    history(other_tenant.account_id, 10, 5)      # another account's complaints never count here
    with rpc_as(tenant.user) as user:
        v = user.dispatch.presend_verdict(m["id"])
        assert v["light"] == "amber" and lights(v)["complaint_rate_high"] == "amber"
    with databases.engine("dispatch").begin() as conn:   # one more complaint: 3 in 1000 = 0.3 %
        conn.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind) "
                          "SELECT d.id, d.mailing_id, 'complaint' FROM deliveries d WHERE d.account_id = :a "
                          "AND NOT EXISTS (SELECT 1 FROM delivery_events e WHERE e.delivery_id = d.id) LIMIT 1"),
                     {"a": tenant.account_id})
    with rpc_as(tenant.user) as user:
        v = user.dispatch.presend_verdict(m["id"])
        assert v["light"] == "red" and lights(v)["complaint_rate_too_high"] == "red"
        with pytest.raises(Conflict) as refused:
            user.dispatch.start_mailing(m["id"])
        exc = refused.value
        assert exc.extra["reason"] == "presend_red" and exc.extra["reasons"] == ["complaint_rate_too_high"]
        assert "0.3 %" in exc.detail.en and "0,3 %" in exc.detail.de and "Versandprüfung" in exc.detail.de
        assert exc.extra["verdict"]["light"] == "red"
        assert user.dispatch.get_mailing(m["id"])["state"] == "draft"
    assert smtp_sink.messages() == []


def test_another_accounts_mailing_has_no_verdict(dispatch, rpc_as, tenant, other_tenant):
    with rpc_as(tenant.admin) as admin:
        sender = sendable_sender(admin, tenant)
    with rpc_as(tenant.admin) as admin:
        m = mailing(admin, tenant, sender["id"], ["anna@zeitung.example"])
    with rpc_as(other_tenant.admin) as stranger, pytest.raises(NotFound):
        stranger.dispatch.presend_verdict(m["id"])
    with rpc_as(tenant.admin) as admin, pytest.raises(NotFound):
        admin.dispatch.presend_verdict(str(uuid.uuid4()))
