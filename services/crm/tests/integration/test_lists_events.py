"""Lists (static, dynamic), recipients for dispatch, events with participants, history and events from dispatch."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from crm_testing import wait_for
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound


def make(rpc, client, last, email=None, tags=(), **extra):
    data = {"client_id": client, "last_name": last, "first_name": "Vera", "gender": "female", "tags": list(tags)}
    if email:
        data["emails"] = [{"email": email, "primary": True}]
    data.update(extra)
    return rpc.crm.create_contact(data)


def test_static_and_dynamic_lists(crm_service, rpc_as, tenant):
    with rpc_as(tenant.all_access()) as rpc:
        hidden = make(rpc, tenant.hidden, "Versteckt", tags=["Politik"])
    with rpc_as(tenant.user()) as rpc:
        a = make(rpc, tenant.full, "Arnold", "a@x.example", tags=["Politik"])
        b = make(rpc, tenant.full, "Berger", "b@x.example", tags=["Politik", "Wien"])
        c = make(rpc, tenant.full, "Conrad", tags=["Sport"])
        static = rpc.crm.create_list({"client_id": tenant.full, "name": "Politik-Verteiler"})
        assert rpc.crm.add_list_members(static["id"], {"contact_ids": [a["id"], b["id"], a["id"]]}) == {"members": 2}
        with pytest.raises(NotFound):
            rpc.crm.add_list_members(static["id"], {"contact_ids": [hidden["id"]]})
        dyn = rpc.crm.create_list({"client_id": tenant.full, "name": "Politik dynamisch", "kind": "dynamic",
                                   "filter": {"tags": ["Politik"]}})
        assert dyn["members"] == 2   # the hidden client's Politik contact is not in it
        make(rpc, tenant.full, "Dora", tags=["Politik"])
        assert rpc.crm.get_list(dyn["id"])["members"] == 3   # evaluated when used
        with pytest.raises(Conflict):
            rpc.crm.add_list_members(dyn["id"], {"contact_ids": [c["id"]]})
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.create_list({"client_id": tenant.full, "name": "x", "kind": "dynamic"})
        assert "body" in exc.value.fields or exc.value.fields
        nested = rpc.crm.create_list({"client_id": tenant.full, "name": "im Verteiler ohne Mail", "kind": "dynamic",
                                      "filter": {"list_id": static["id"], "q": "berger"}})
        assert nested["members"] == 1
        with pytest.raises(InvalidInput):
            rpc.crm.create_list({"client_id": tenant.full, "name": "x", "kind": "dynamic",
                                 "filter": {"list_id": dyn["id"]}})
        page = rpc.crm.list_members(static["id"], limit=1)
        assert len(page["items"]) == 1 and page["next_cursor"]
        assert rpc.crm.remove_list_members(static["id"], {"contact_ids": [a["id"]]}) == {"members": 1}
        read_list = None
    with rpc_as(tenant.all_access()) as rpc:
        read_list = rpc.crm.create_list({"client_id": tenant.read, "name": "Nur lesen"})
        hidden_list = rpc.crm.create_list({"client_id": tenant.hidden, "name": "Geheim"})
    with rpc_as(tenant.user()) as rpc:
        with pytest.raises(Forbidden):
            rpc.crm.update_list(read_list["id"], {"name": "neu"})
        with pytest.raises(NotFound):
            rpc.crm.get_list(hidden_list["id"])
        names = {x["name"] for x in rpc.crm.search_lists()["items"]}
        assert "Geheim" not in names and "Nur lesen" in names


def test_resolve_recipients_pages_with_salutations_and_rights(crm_service, rpc_as, tenant):
    with rpc_as(tenant.all_access()) as rpc:
        hidden = make(rpc, tenant.hidden, "Versteckt", "hidden@x.example")
    with rpc_as(tenant.user()) as rpc:
        lst = rpc.crm.create_list({"client_id": tenant.full, "name": "Alle"})
        ids = [make(rpc, tenant.full, f"Person{i:02d}", f"p{i}@x.example", title="Dr.")["id"] for i in range(7)]
        ids.append(make(rpc, tenant.full, "Ohnemail")["id"])
        rpc.crm.add_list_members(lst["id"], {"contact_ids": ids})
        got, cursor, pages = [], None, 0
        while True:
            page = rpc.crm.resolve_recipients({"list_id": lst["id"]}, cursor=cursor, limit=3)
            got += page["recipients"]
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert pages == 3 and sorted(r["contact_id"] for r in got) == sorted(ids)
        r0 = next(r for r in got if r["last_name"] == "Person00")
        assert r0["letter_salutation"] == "Sehr geehrte Frau Dr. Person00,"
        assert r0["email"] == "p0@x.example" and r0["email_valid"] is True and r0["salutation"] == "Frau"
        assert next(r for r in got if r["last_name"] == "Ohnemail")["email_valid"] is False
        # contact ids: the hidden one is silently absent
        page = rpc.crm.resolve_recipients({"contact_ids": [ids[0], hidden["id"]]})
        assert [r["contact_id"] for r in page["recipients"]] == [ids[0]]
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.resolve_recipients({"list_id": lst["id"], "contact_ids": [ids[0]]})
        assert "source" in exc.value.fields
        with pytest.raises(InvalidInput):
            rpc.crm.resolve_recipients({"list_id": lst["id"]}, limit=1001)
    with rpc_as(tenant.stranger()) as rpc:
        with pytest.raises(NotFound):
            rpc.crm.resolve_recipients({"list_id": lst["id"]})
    # a service acting for the account (dispatch's background worker) sees every client
    with rpc_as(tenant.system()) as rpc:
        page = rpc.crm.resolve_recipients({"contact_ids": [ids[0], hidden["id"]]})
        assert len(page["recipients"]) == 2


def test_bounce_marks_address_invalid_everywhere_in_the_account(crm_service, rpc_as, tenant, publish, crm_db):
    with rpc_as(tenant.all_access()) as rpc:
        one = make(rpc, tenant.full, "Eins", "Bounce@X.example")
        two = make(rpc, tenant.hidden, "Zwei", "bounce@x.example")
    with rpc_as(tenant.stranger()) as rpc:
        foreign = make(rpc, tenant.other_client, "Fremd", "bounce@x.example")
    payload = {"account_id": tenant.account, "email": "bounce@x.example", "hard": True, "status": "5.1.1",
               "reason": "user unknown", "mailing_id": "m1", "bounced_at": "2026-11-01T10:00:00+00:00"}
    publish("dispatch", "recipient_bounced", payload)
    publish("dispatch", "recipient_bounced", payload)   # at least once: the second changes nothing

    def states():
        with crm_db.connect() as conn:
            return dict(conn.execute(text("SELECT contact_id::text, state FROM contact_emails")).all())
    wait_for(lambda: states()[one["id"]] == "invalid" and states()[two["id"]] == "invalid", what="bounce handled")
    assert states()[foreign["id"]] == "valid"
    with rpc_as(tenant.user()) as rpc:
        email = rpc.crm.get_contact(one["id"])["emails"][0]
        assert email["state"] == "invalid" and email["invalid_reason"] == "user unknown"
        # soft bounces change nothing; correcting the address tells dispatch
        rpc.crm.update_contact(one["id"], {"emails": [{"email": "new@x.example", "primary": True}]})
    with crm_db.connect() as conn:
        ev = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'contact_email_corrected'")).scalar()
    assert ev == {"account_id": tenant.account, "contact_id": one["id"], "old_email": "Bounce@x.example",
                  "new_email": "new@x.example"}


def test_mailing_sent_lands_in_history_once(crm_service, rpc_as, tenant, publish):
    with rpc_as(tenant.user()) as rpc:
        a = make(rpc, tenant.full, "Anders", "a@x.example")
        rpc.crm.add_history(a["id"], {"kind": "call", "subject": "Rückruf", "body": "Interesse an Interview"})
        with pytest.raises(InvalidInput):
            rpc.crm.add_history(a["id"], {"kind": "call"})
        with pytest.raises(InvalidInput):
            rpc.crm.add_history(a["id"], {"kind": "mailing", "subject": "x"})
    payload = {"account_id": tenant.account, "mailing_id": "mail-42", "subject": "Pressemitteilung: Neues Werk",
               "sent_at": "2026-11-02T09:00:00+00:00",
               "recipients": [{"contact_id": a["id"], "email": "a@x.example"},
                              {"contact_id": str(uuid.uuid4()), "email": "gone@x.example"}, {"contact_id": None}]}
    publish("dispatch", "mailing_sent", payload)
    publish("dispatch", "mailing_sent", payload)
    with rpc_as(tenant.user()) as rpc:
        def mailings():
            items = rpc.crm.list_history(a["id"])["items"]
            return [h for h in items if h["kind"] == "mailing"]
        wait_for(mailings, what="mailing in history")
        import time
        time.sleep(0.3)  # let the duplicate delivery be handled too
        entries = rpc.crm.list_history(a["id"])["items"]
        assert sorted(h["kind"] for h in entries) == ["call", "mailing"]
        assert len([h for h in entries if h["kind"] == "mailing"]) == 1
        assert mailings()[0]["subject"] == "Pressemitteilung: Neues Werk"


def test_events_and_participants(crm_service, rpc_as, tenant):
    with rpc_as(tenant.all_access()) as rpc:
        hidden = make(rpc, tenant.hidden, "Versteckt")
        other_client = make(rpc, tenant.read, "Anderer Mandant")
    with rpc_as(tenant.user()) as rpc:
        a, b = make(rpc, tenant.full, "Alpha"), make(rpc, tenant.full, "Beta")
        ev = rpc.crm.create_event({"client_id": tenant.full, "name": "Bilanzpressekonferenz 2026",
                                   "starts_at": "2026-03-10T10:00:00+01:00", "ends_at": "2026-03-10T12:00:00+01:00",
                                   "location": "Hamburg"})
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.update_event(ev["id"], {"ends_at": "2026-03-09T10:00:00+01:00"})
        assert "ends_at" in exc.value.fields
        assert rpc.crm.add_participants(ev["id"], {"contact_ids": [a["id"], b["id"]]})["participants"]["invited"] == 2
        with pytest.raises(NotFound):
            rpc.crm.add_participants(ev["id"], {"contact_ids": [hidden["id"]]})
        with pytest.raises(InvalidInput):
            rpc.crm.add_participants(ev["id"], {"contact_ids": [other_client["id"]]})
        rpc.crm.update_participant(ev["id"], a["id"], {"status": "registered"})
        rpc.crm.update_participant(ev["id"], b["id"], {"status": "declined", "note": "Urlaub"})
        assert rpc.crm.get_event(ev["id"])["participants"] == {"invited": 0, "registered": 1, "declined": 1,
                                                               "attended": 0}
        rpc.crm.update_participant(ev["id"], a["id"], {"status": "attended"})
        items = rpc.crm.list_participants(ev["id"], status="attended")["items"]
        assert [p["last_name"] for p in items] == ["Alpha"]
        with pytest.raises(InvalidInput):
            rpc.crm.update_participant(ev["id"], a["id"], {"status": "maybe"})
        with pytest.raises(NotFound):
            rpc.crm.update_participant(ev["id"], hidden["id"], {"status": "attended"})
        rpc.crm.remove_participant(ev["id"], b["id"])
        with pytest.raises(NotFound):
            rpc.crm.remove_participant(ev["id"], b["id"])
