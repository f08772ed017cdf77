"""The suppression list respects client partitions: an unsubscribe through client B's mailing is not shown to a
user who sees client A only (nor its mailing), account-wide entries are shown without references to hidden
mailings, another account's entries never; lifting an entry needs the rights on its client (hidden: 404)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from dispatch.usecases.suppression import record_bounce
from dispatch_testing import sendable_sender, wait_until
from svckit.errors import Forbidden, InvalidInput, NotFound
from svckit.principal import Principal


def principal(tenant, clients: dict[str, str], admin: bool = False, user_id: str | None = None) -> Principal:
    return Principal(kind="user", account_id=tenant.account_id, user_id=user_id or str(uuid.uuid4()),
                     roles=("administrator", "user") if admin else ("user",), clients=clients, lang="en")


def send(rpc, client_id: str, sender_id: str, emails: list[str], smtp_sink) -> dict:
    m = rpc.dispatch.create_mailing({"client_id": client_id, "name": f"PM {client_id[:4]}", "subject": "PM",
                                     "text": "Hallo", "sender_id": sender_id, "sources": [
                                         {"type": "addresses", "recipients": [{"email": e} for e in emails]}]})
    rpc.dispatch.start_mailing(m["id"])
    wait_until(lambda: rpc.dispatch.get_mailing_progress(m["id"])["state"] == "finished", what="finished")
    for e in emails:
        smtp_sink.wait_for(1, to=e)
    return m


def unsubscribe_token(smtp_sink, email: str) -> str:
    [mail] = smtp_sink.messages(to=email)
    return re.search(r"<https://press\.example/u/([^>]+)>", mail["List-Unsubscribe"]).group(1)


def walk(rpc, **query) -> list[dict]:
    """Every entry the caller sees, page by page (limit 1: the cursor must not skip into hidden entries)."""
    items, cursor = [], None
    while True:
        page = rpc.dispatch.list_suppressions({**query, "limit": 1, **({"cursor": cursor} if cursor else {})})
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_suppressions_follow_client_rights(dispatch, rpc_as, tenant, other_tenant, smtp_sink, databases):
    a, b = tenant.client, tenant.hidden_client
    admin_ab = principal(tenant, {a: "full", b: "full"}, admin=True)
    user_a = principal(tenant, {a: "full"}, user_id=tenant.user_id)   # the sender is assigned to them
    admin_a = principal(tenant, {a: "full"}, admin=True)
    admin_b_read = principal(tenant, {a: "full", b: "read"}, admin=True)

    with rpc_as(admin_ab) as rpc:
        sender = sendable_sender(rpc, tenant)
        m_a = send(rpc, a, sender["id"], ["quit-a@zeitung.example"], smtp_sink)
        m_b = send(rpc, b, sender["id"], ["quit-b@zeitung.example", "gone-b@zeitung.example"], smtp_sink)
    with rpc_as() as anon:   # the recipients unsubscribe through the links in their mails
        anon.dispatch.unsubscribe(unsubscribe_token(smtp_sink, "quit-a@zeitung.example"), {"via": "one_click"})
        anon.dispatch.unsubscribe(unsubscribe_token(smtp_sink, "quit-b@zeitung.example"), {"via": "web"})
    engine = databases.engine("dispatch")
    with Session(engine) as session:   # a hard bounce of client B's mailing: a fact about the address
        delivery = session.execute(text("SELECT id, account_id, mailing_id, email FROM deliveries "
                                        "WHERE email = 'gone-b@zeitung.example'")).one()
        record_bounce(session, dict(delivery._mapping), True, "5.1.1", "550 5.1.1 user unknown",
                      datetime.now(UTC))
        session.commit()
    with rpc_as(user_a) as rpc:
        rpc.dispatch.add_suppression({"address": "@blockiert.example"})
    with rpc_as(other_tenant.admin) as rpc:   # another account: never visible here
        rpc.dispatch.add_suppression({"address": "quit-a-other@zeitung.example"})
        rpc.dispatch.add_suppression({"address": "@blockiert-other.example"})

    # the user of client A: their unsubscribe (with their mailing), the account-wide entries, nothing of B
    with rpc_as(user_a) as rpc:
        seen = walk(rpc)
        by_address = {s["address"]: s for s in seen}
        assert set(by_address) == {"quit-a@zeitung.example", "gone-b@zeitung.example", "@blockiert.example"}
        assert by_address["quit-a@zeitung.example"]["scope"] == "client"
        assert by_address["quit-a@zeitung.example"]["client_id"] == a
        assert by_address["quit-a@zeitung.example"]["mailing"] == {"id": m_a["id"], "name": m_a["name"]}
        assert by_address["gone-b@zeitung.example"]["scope"] == "account"
        assert by_address["gone-b@zeitung.example"]["reason"] == "hard_bounce"
        assert by_address["gone-b@zeitung.example"]["mailing"] is None   # client B's mailing is not named
        assert by_address["gone-b@zeitung.example"]["detail"]["status"] == "5.1.1"
        everything = json.dumps([seen, rpc.dispatch.list_suppressions()])
        assert m_b["id"] not in everything and b not in everything and "quit-b" not in everything
        assert m_b["name"] not in everything
        # search and filter do not find it either; wildcards are characters
        assert walk(rpc, q="quit") == [by_address["quit-a@zeitung.example"]]
        assert walk(rpc, q="quit-b@zeitung.example") == []
        assert walk(rpc, state="unsubscribed") == [by_address["quit-a@zeitung.example"]]
        assert walk(rpc, q="%") == [] and walk(rpc, q="_") == []
        # the entry still keeps the address out of client A's mailings (every entry is account-wide in effect)
        m = rpc.dispatch.create_mailing({"client_id": a, "subject": "PM", "text": "x", "sender_id": sender["id"],
                                         "sources": [{"type": "addresses", "recipients": [
                                             {"email": "quit-b@zeitung.example"}, {"email": "neu@zeitung.example"}]}]})
        volume = rpc.dispatch.get_mailing_volume(m["id"])
        assert volume["recipients"] == 1 and m_b["id"] not in json.dumps(volume)
        # adding the hidden address reveals nothing: a new account-wide entry
        added = rpc.dispatch.add_suppression({"address": "quit-b@zeitung.example"})
        assert added["created"] is True and added["scope"] == "account"
        assert added == {"address": "quit-b@zeitung.example", "reason": "blacklist", "scope": "account",
                         "created": True}

    # who sees client B sees its entry and its mailing
    with rpc_as(admin_ab) as rpc:
        theirs = [s for s in walk(rpc) if s["address"] == "quit-b@zeitung.example"]
        assert {(s["scope"], s["reason"]) for s in theirs} == {("client", "unsubscribed"), ("account", "blacklist")}
        scoped = next(s for s in theirs if s["scope"] == "client")
        assert scoped["client_id"] == b and scoped["mailing"]["id"] == m_b["id"]
        assert scoped["detail"] == {"via": "web"}

    # lifting: a hidden client's entry is not there (404), a read-only client's is forbidden
    with rpc_as(admin_a) as rpc:
        rpc.dispatch.delete_suppression("quit-b@zeitung.example")   # lifts the account-wide entry only
        with pytest.raises(NotFound):
            rpc.dispatch.delete_suppression("quit-b@zeitung.example")
        rpc.dispatch.delete_suppression("gone-b@zeitung.example")
    with rpc_as(admin_b_read) as rpc, pytest.raises(Forbidden):
        rpc.dispatch.delete_suppression("quit-b@zeitung.example")
    with rpc_as(admin_ab) as rpc:
        for bad in ("quit-b@zeitung.example\x00", "quit-b@zeitung.example\r\nx"):
            with pytest.raises(InvalidInput) as exc:
                rpc.dispatch.delete_suppression(bad)
            assert list(exc.value.fields) == ["address"]
    with rpc_as(user_a) as rpc, pytest.raises(Forbidden):
        rpc.dispatch.delete_suppression("@blockiert.example")       # users do not lift entries
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT address, reason, client_id FROM suppressions WHERE account_id = :a "
                                 "ORDER BY address"), {"a": tenant.account_id}).all()
    assert [(r.address, r.reason, str(r.client_id) if r.client_id else None) for r in rows] == [
        ("@blockiert.example", "blacklist", None), ("quit-a@zeitung.example", "unsubscribed", a),
        ("quit-b@zeitung.example", "unsubscribed", b)]

    # another account's administrator sees only their own account's entries and cannot lift ours
    with rpc_as(other_tenant.admin) as rpc:
        assert {s["address"] for s in walk(rpc)} == {"quit-a-other@zeitung.example", "@blockiert-other.example"}
        with pytest.raises(NotFound):
            rpc.dispatch.delete_suppression("quit-a@zeitung.example")
