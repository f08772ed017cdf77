"""Pressbase transfer (create or link, idempotent), pressbase changes to apply, duplicate detection and merge."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crm_testing import wait_for
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound

RECORDS = [
    {"pressbase_id": "pb-1", "gender": "female", "title": "Dr.", "first_name": "Petra", "last_name": "Presse",
     "email": "petra@zeitung.example", "organisation": "Tageszeitung", "position": "Ressortleiterin",
     "city": "Köln", "country": "DE", "topics_ignored": ["x"]},
    {"pressbase_id": "pb-2", "first_name": "Otto", "last_name": "Online", "email": "otto@portal.example"},
]


def test_transfer_creates_links_and_is_idempotent(crm_service, rpc_as, tenant):
    with rpc_as(tenant.user()) as rpc:
        mine = rpc.crm.create_contact({"client_id": tenant.full, "last_name": "Online",
                                       "emails": [{"email": "otto@portal.example"}]})
        first = rpc.crm.import_pressbase_contacts(tenant.full, RECORDS)
        assert [(r["pressbase_id"], r["created"]) for r in first] == [("pb-1", True), ("pb-2", False)]
        assert first[1]["contact_id"] == mine["id"]          # linked by e-mail, not duplicated
        again = rpc.crm.import_pressbase_contacts(tenant.full, RECORDS)
        assert [r["contact_id"] for r in again] == [r["contact_id"] for r in first]
        assert not any(r["created"] for r in again)
        petra = rpc.crm.get_contact(first[0]["contact_id"])
        assert petra["source_kind"] == "pressbase" and petra["pressbase_id"] == "pb-1"
        assert petra["letter_salutation"] == "Sehr geehrte Frau Dr. Presse,"
        assert petra["legal_basis"] == "legitimate_interest" and petra["informed_at"] is None
        with pytest.raises(Forbidden):
            rpc.crm.import_pressbase_contacts(tenant.read, RECORDS)
        with pytest.raises(NotFound):
            rpc.crm.import_pressbase_contacts(tenant.hidden, RECORDS)
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.import_pressbase_contacts(tenant.full, [{"pressbase_id": "pb-3", "email": "kaputt"}, {}])
        assert set(exc.value.fields) == {"records.0.email", "records.1.pressbase_id"}
        with pytest.raises(InvalidInput):
            rpc.crm.import_pressbase_contacts(tenant.full, [RECORDS[0]] * 501)


def test_pressbase_changes_are_offered_and_applied(crm_service, rpc_as, tenant, publish, crm_db):
    with rpc_as(tenant.user()) as rpc:
        petra_id = rpc.crm.import_pressbase_contacts(tenant.full, RECORDS[:1])[0]["contact_id"]
        with pytest.raises(Forbidden):
            rpc.crm.receive_pressbase_updates([{**RECORDS[0], "city": "Bonn"}])   # only pressbase may say so
    publish("pressbase", "journalist_changed", {"pressbase_id": "pb-1", "changed_at": "2026-11-04T00:00:00Z",
                                                "record": {**RECORDS[0], "city": "Bonn", "position": "Chefredakteurin",
                                                           "email": "petra.presse@zeitung.example"}})
    with rpc_as(tenant.user()) as rpc:
        changes = wait_for(lambda: rpc.crm.get_pressbase_changes(petra_id)["changes"], what="pressbase changes")
        assert changes["city"] == {"old": "Köln", "new": "Bonn"}
        assert changes["email"]["new"] == "petra.presse@zeitung.example"
        assert rpc.crm.get_contact(petra_id)["pressbase_changes"] is True
        with pytest.raises(InvalidInput):
            rpc.crm.apply_pressbase_changes(petra_id, {"fields": ["shoe_size"]})
        after = rpc.crm.apply_pressbase_changes(petra_id, {"fields": ["city", "email"]})
        assert after["city"] == "Bonn" and after["emails"][0]["email"] == "petra.presse@zeitung.example"
        assert after["position"] == "Ressortleiterin"
        assert list(rpc.crm.get_pressbase_changes(petra_id)["changes"]) == ["position"]
        rpc.crm.dismiss_pressbase_changes(petra_id)
        with pytest.raises(Conflict):
            rpc.crm.apply_pressbase_changes(petra_id)
    with crm_db.connect() as conn:
        corrected = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'contact_email_corrected'"))\
            .scalar()
    assert corrected["old_email"] == "petra@zeitung.example"


def test_duplicates_found_and_merged(crm_service, rpc_as, tenant):
    with rpc_as(tenant.user()) as rpc:
        a = rpc.crm.create_contact({"client_id": tenant.full, "first_name": "Jürgen", "last_name": "Müller",
                                    "organisation": "Beispiel GmbH", "tags": ["A"],
                                    "emails": [{"email": "j.mueller@beispiel.example"}]})
        b = rpc.crm.create_contact({"client_id": tenant.full, "first_name": "Juergen", "last_name": "Mueller",
                                    "organisation": "Beispiel", "city": "Berlin", "tags": ["B"],
                                    "emails": [{"email": "juergen@privat.example"}]})
        c = rpc.crm.create_contact({"client_id": tenant.full, "first_name": "Erika", "last_name": "Muster",
                                    "emails": [{"email": "J.Mueller@beispiel.example"}]})
        rpc.crm.create_contact({"client_id": tenant.full, "first_name": "Zoe", "last_name": "Zander"})
        lst = rpc.crm.create_list({"client_id": tenant.full, "name": "L"})
        rpc.crm.add_list_members(lst["id"], {"contact_ids": [b["id"]]})
        rpc.crm.add_history(b["id"], {"kind": "note", "body": "Notiz an B"})
        pairs = rpc.crm.find_duplicates(tenant.full)["items"]
        found = {frozenset((p["a"]["id"], p["b"]["id"])): p["reasons"] for p in pairs}
        assert found[frozenset((a["id"], b["id"]))] == ["similar_name"]
        assert found[frozenset((a["id"], c["id"]))] == ["same_email"]
        assert len(found) == 2
        merged = rpc.crm.merge_contacts(a["id"], {"other_id": b["id"]})
        assert merged["city"] == "Berlin" and sorted(merged["tags"]) == ["A", "B"]
        assert sorted(e["email"] for e in merged["emails"]) == ["j.mueller@beispiel.example",
                                                               "juergen@privat.example"]
        assert [e["primary"] for e in merged["emails"]].count(True) == 1
        with pytest.raises(NotFound):
            rpc.crm.get_contact(b["id"])
        assert [m["id"] for m in rpc.crm.list_members(lst["id"])["items"]] == [a["id"]]
        assert [h["body"] for h in rpc.crm.list_history(a["id"])["items"]] == ["Notiz an B"]
        with pytest.raises(InvalidInput):
            rpc.crm.merge_contacts(a["id"], {"other_id": a["id"]})
        with pytest.raises(NotFound):
            rpc.crm.find_duplicates(tenant.hidden)


def test_update_pressbase_contacts_changes_only_linked_contacts(crm_service, rpc_as, tenant, crm_db):
    with rpc_as(tenant.user()) as rpc:
        first = rpc.crm.import_pressbase_contacts(tenant.full, [{**RECORDS[0], "mobile": "+49 170 1"}])
        petra = first[0]["contact_id"]
        plain = rpc.crm.create_contact({"client_id": tenant.full, "last_name": "Ohne Link"})
        result = rpc.crm.update_pressbase_contacts(tenant.full, [
            {"contact_id": petra, "pressbase_id": "pb-1",
             "fields": {"city": "Bonn", "email": "neu@zeitung.example", "mobile": "+49 170 2"}},
            {"contact_id": plain["id"], "pressbase_id": "pb-1", "fields": {"city": "Bonn"}},
            {"contact_id": petra, "pressbase_id": "pb-other", "fields": {"city": "Essen"}},
        ])
        assert [r["updated"] for r in result] == [True, False, False]
        after = rpc.crm.get_contact(petra)
        assert after["city"] == "Bonn" and after["emails"][0]["email"] == "neu@zeitung.example"
        assert after["phones"] == [{"number": "+49 170 2", "label": "mobile"}]
        assert rpc.crm.get_contact(plain["id"])["city"] == ""
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.update_pressbase_contacts(tenant.full, [{"contact_id": petra, "pressbase_id": "pb-1",
                                                             "fields": {"shoe_size": 44}}])
        assert "updates.0.fields" in exc.value.fields
        with pytest.raises(Forbidden):
            rpc.crm.update_pressbase_contacts(tenant.read, [{"contact_id": petra, "pressbase_id": "pb-1",
                                                             "fields": {"city": "X"}}])
    with crm_db.connect() as conn:
        assert conn.execute(text(
            "SELECT count(*) FROM outbox WHERE event_type = 'contact_email_corrected'")).scalar() == 1
