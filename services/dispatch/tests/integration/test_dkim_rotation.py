"""DKIM key rotation by selector: the new key signs only after its records are published and checked (a real DNS
lookup against the tests' DNS server), the old key is kept as "retiring" for the grace period, then deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dkim
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from dispatch.contracts import SenderDomain
from dispatch.domain.dkim import parse_tags
from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch.usecases.housekeeping import retire_dkim_keys
from dispatch_testing import wait_until
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound


@pytest.fixture
def dispatch_dns(run_services, dispatch_config, dns_server):
    config = {**dispatch_config, "DNS_NAMESERVERS": "127.0.0.1", "DNS_PORT": dns_server.port, "DNS_TIMEOUT": 2,
              "SPF_INCLUDE": "spf.pressroom.test"}
    return run_services(DispatchService, DispatchSender, config=config, db_services=("dispatch",))


def publish(dns_server, records: list[dict]) -> None:
    for r in records:
        if r["kind"].startswith("dkim"):
            dns_server.publish(r["name"], r["strings"])


def send_one(rpc_as, tenant, sender_id: str, email: str, smtp_sink):
    with rpc_as(tenant.user) as user:
        m = user.dispatch.create_mailing({"client_id": tenant.client, "subject": "PM", "text": "Hallo",
                                          "sender_id": sender_id, "sources": [{"type": "addresses",
                                                                               "recipients": [{"email": email}]}]})
        user.dispatch.start_mailing(m["id"])
        wait_until(lambda: user.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    [mail] = smtp_sink.wait_for(1, to=email)
    return mail


def selectors_of(mail) -> dict[str, str]:
    """algorithm -> selector of each DKIM-Signature."""
    return {parse_tags(v)["a"]: parse_tags(v)["s"] for v in mail.get_all("DKIM-Signature")}


def verifies(mail, dns_server) -> bool:
    v = dkim.DKIM(mail.raw)
    lookup = dns_server.dkim_dnsfunc()
    return all(v.verify(idx=i, dnsfunc=lookup) for i in range(len(mail.get_all("DKIM-Signature"))))


def test_rotation_signs_with_the_new_selector_only_after_the_check(dispatch_dns, dns_server, rpc_as, tenant,
                                                                   other_tenant, smtp_sink, databases):
    with rpc_as(tenant.admin) as admin:
        d = admin.dispatch.create_sender_domain({"domain": "presse.acme.example"})
        publish(dns_server, d["records"])
        assert admin.dispatch.check_sender_domain(d["id"])["dkim_ok"] is True
        sender = admin.dispatch.create_sender({"from_name": "ACME", "from_address": "info@presse.acme.example",
                                               "user_ids": [tenant.user_id]})
    old = {"rsa-sha256": d["keys"][0]["rsa_selector"], "ed25519-sha256": d["keys"][0]["ed25519_selector"]}
    first = send_one(rpc_as, tenant, sender["id"], "eins@zeitung.example", smtp_sink)
    assert selectors_of(first) == old and verifies(first, dns_server)

    # only administrators of the account rotate, with sane input
    with rpc_as(tenant.user) as user, pytest.raises(Forbidden):
        user.dispatch.start_dkim_rotation(d["id"])
    with rpc_as(other_tenant.admin) as other, pytest.raises(NotFound):
        other.dispatch.start_dkim_rotation(d["id"])
    with rpc_as(tenant.admin) as admin:
        with pytest.raises(InvalidInput) as exc:
            admin.dispatch.start_dkim_rotation(d["id"], {"grace_days": 0})
        assert "grace_days" in exc.value.fields
        rotating = admin.dispatch.start_dkim_rotation(d["id"], {"grace_days": 7})
        with pytest.raises(Conflict):
            admin.dispatch.start_dkim_rotation(d["id"])   # one rotation at a time
    new = {"rsa-sha256": rotating["rotation"]["rsa_selector"],
           "ed25519-sha256": rotating["rotation"]["ed25519_selector"]}
    assert set(new.values()).isdisjoint(old.values())
    assert [k["state"] for k in rotating["keys"]] == ["active", "pending"]
    SenderDomain.model_validate(rotating)   # the answer as the gateway documents it (dispatch.contracts)
    assert {r["name"] for r in rotating["rotation"]["records"]} == {
        f"{s}._domainkey.presse.acme.example" for s in new.values()}

    # not published yet: the check says so, and mail still signs with the old key
    with rpc_as(tenant.admin) as admin:
        checked = admin.dispatch.check_sender_domain(d["id"])
    assert checked["rotation"]["check"]["dkim_rsa"]["problem"] == "nxdomain"
    SenderDomain.model_validate(checked)
    assert checked["keys"][0]["rsa_selector"] == old["rsa-sha256"] and checked["dkim_ok"] is True
    second = send_one(rpc_as, tenant, sender["id"], "zwei@zeitung.example", smtp_sink)
    assert selectors_of(second) == old and verifies(second, dns_server)

    # only the RSA record published: still not enough (both records of the new key must be there)
    rsa_record = next(r for r in rotating["rotation"]["records"] if r["kind"] == "dkim_rsa")
    dns_server.publish(rsa_record["name"], rsa_record["strings"])
    with rpc_as(tenant.admin) as admin:
        assert admin.dispatch.check_sender_domain(d["id"])["rotation"] is not None
    assert selectors_of(send_one(rpc_as, tenant, sender["id"], "drei@zeitung.example", smtp_sink)) == old

    # published and checked: the new key signs, the old one is kept (not signing) for the grace period
    publish(dns_server, rotating["rotation"]["records"])
    before = datetime.now(UTC)
    with rpc_as(tenant.admin) as admin:
        promoted = admin.dispatch.check_sender_domain(d["id"])
    assert promoted["rotation"] is None and promoted["dkim_ok"] is True
    SenderDomain.model_validate(promoted)
    states = [(k["state"], k["rsa_selector"], k["signing"]) for k in promoted["keys"]]
    assert states == [("active", new["rsa-sha256"], True), ("retiring", old["rsa-sha256"], False)]
    retire_after = datetime.fromisoformat(promoted["keys"][1]["retire_after"])
    assert timedelta(days=7) <= retire_after - before <= timedelta(days=7, minutes=5)
    assert {r["name"] for r in promoted["records"] if r["kind"].startswith("dkim")} == {
        f"{s}._domainkey.presse.acme.example" for s in new.values()}
    fourth = send_one(rpc_as, tenant, sender["id"], "vier@zeitung.example", smtp_sink)
    assert selectors_of(fourth) == new and verifies(fourth, dns_server)
    assert verifies(second, dns_server)   # mail signed with the old key still verifies: its record stays

    # the grace period: still listed six days on, deleted after seven (the housekeeping step with its clock)
    engine = databases.engine("dispatch")
    with Session(engine) as session:
        assert retire_dkim_keys(session, retire_after - timedelta(days=1)) == 0
    with rpc_as(tenant.user) as user:   # users see the domains too (read only)
        [listed] = user.dispatch.list_sender_domains()
    assert [k["state"] for k in listed["keys"]] == ["active", "retiring"]
    SenderDomain.model_validate(listed)
    with Session(engine) as session:
        assert retire_dkim_keys(session, retire_after + timedelta(seconds=1)) == 1
    with rpc_as(tenant.admin) as admin:
        [listed] = admin.dispatch.list_sender_domains()
    assert [(k["state"], k["rsa_selector"]) for k in listed["keys"]] == [("active", new["rsa-sha256"])]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM dkim_keys")).scalar() == 0
    fifth = send_one(rpc_as, tenant, sender["id"], "fuenf@zeitung.example", smtp_sink)
    assert selectors_of(fifth) == new and verifies(fifth, dns_server)


def test_a_rotation_can_be_cancelled_before_it_signs(dispatch_dns, dns_server, rpc_as, tenant):
    with rpc_as(tenant.admin) as admin:
        d = admin.dispatch.create_sender_domain({"domain": "acme.example"})
        with pytest.raises(Conflict):
            admin.dispatch.cancel_dkim_rotation(d["id"])   # nothing to cancel
        rotating = admin.dispatch.start_dkim_rotation(d["id"])
        assert rotating["keys"][1]["grace_days"] == 7     # the default
        admin.dispatch.cancel_dkim_rotation(d["id"])
        publish(dns_server, rotating["rotation"]["records"])   # published after all: nothing changes
        checked = admin.dispatch.check_sender_domain(d["id"])
    assert checked["rotation"] is None and [k["state"] for k in checked["keys"]] == ["active"]
    assert checked["keys"][0]["rsa_selector"] == d["keys"][0]["rsa_selector"] and checked["dkim_ok"] is False
