"""Selections through the real service: saved searches and lists, client rights, tenant isolation, and
resolve_selection for dispatch (recipient shape, pages, licence)."""

from __future__ import annotations

import uuid

import pytest

from pressbase_testing import record_id
from svckit.errors import Forbidden, InvalidInput, NotFound


@pytest.fixture
def ids(pressbase_db, sample):
    return {ext: record_id(pressbase_db, "journalist", ext) for ext in
            ("J-1", "J-2", "J-3", "J-4", "J-5", "J-7", "J-8", "J-9")} | {
        ext: record_id(pressbase_db, "outlet", ext) for ext in ("O-1", "O-4", "O-6")}


@pytest.fixture
def regular(tenant, billing, sample):
    billing.grant(tenant.account, phase="regular", datasets=("dach",))
    return tenant


def test_hand_picked_list_and_its_members(regular, ids, rpc_as):
    user = regular.user()
    with rpc_as(user) as rpc:
        sel = rpc.pressbase.create_selection({"name": "Wirtschaft Süd", "kind": "list",
                                              "journalist_ids": [ids["J-1"], ids["J-3"]], "outlet_ids": [ids["O-4"]]})
        assert sel["items"] == {"journalists": 2, "outlets": 1}
        assert rpc.pressbase.add_selection_items(sel["id"], {"journalist_ids": [ids["J-1"], ids["J-8"]]}) == {
            "added": 1}
        assert rpc.pressbase.remove_selection_items(sel["id"], {"journalist_ids": [ids["J-3"]]}) == {"removed": 1}
        members = rpc.pressbase.list_selection_members(sel["id"], {"limit": 2})
        assert [(m["kind"], m["name"]) for m in members["items"]] == [
            ("journalist", "Dr. Anna Müller"), ("journalist", "Prof. Dr. Hans-Peter Öztürk")]
        rest = rpc.pressbase.list_selection_members(sel["id"], {"limit": 2, "cursor": members["next_cursor"]})
        assert [(m["kind"], m["name"]) for m in rest["items"]] == [("outlet", "Fachblatt Logistik")]
        assert rest["next_cursor"] is None
        listed = rpc.pressbase.list_selections()
        assert [s["name"] for s in listed["items"]] == ["Wirtschaft Süd"]


def test_unknown_and_unlicensed_ids_are_refused_naming_them(regular, ids, rpc_as):
    with rpc_as(regular.user(lang="en")) as rpc:
        sel = rpc.pressbase.create_selection({"name": "L", "kind": "list"})
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.add_selection_items(sel["id"], {"journalist_ids": [ids["J-1"], ids["J-5"], 987654]})
        assert exc.value.fields["journalist_ids"].en == f"Unknown or not licensed: {ids['J-5']}, 987654."
        assert exc.value.fields["journalist_ids"].de.startswith("Unbekannt oder nicht lizenziert")
        assert rpc.pressbase.get_selection(sel["id"])["items"]["journalists"] == 0   # nothing half-added
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.create_selection({"name": "", "kind": "folder"})
        assert set(exc.value.fields) == {"name", "kind"}
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.create_selection({"name": "S", "kind": "search"})
        assert "query" in exc.value.fields
        with pytest.raises(InvalidInput) as exc:
            rpc.pressbase.create_selection({"name": "S", "kind": "search",
                                            "query": {"q": "x", "filters": {"country": ["XX"]}}})
        assert "query.filters.country" in exc.value.fields
        with pytest.raises(InvalidInput):
            rpc.pressbase.get_selection("not-a-uuid")


def test_client_rights_and_tenant_isolation(regular, ids, rpc_as):
    t = regular
    owner = t.user(**{t.full: "full", t.read: "full", t.hidden: "full"})
    with rpc_as(owner) as rpc:
        in_full = rpc.pressbase.create_selection({"name": "Full", "kind": "list", "client_id": t.full})
        in_read = rpc.pressbase.create_selection({"name": "Read", "kind": "list", "client_id": t.read,
                                                  "journalist_ids": [ids["J-1"]]})
        in_hidden = rpc.pressbase.create_selection({"name": "Hidden", "kind": "list", "client_id": t.hidden})
        shared = rpc.pressbase.create_selection({"name": "Shared", "kind": "list"})
    user = t.user()   # full on "full", read on "read", nothing on "hidden"
    with rpc_as(user) as rpc:
        assert {s["name"] for s in rpc.pressbase.list_selections()["items"]} == {"Full", "Read", "Shared"}
        with pytest.raises(NotFound):
            rpc.pressbase.get_selection(in_hidden["id"])
        with pytest.raises(NotFound):
            rpc.pressbase.resolve_selection(in_hidden["id"])
        # read only: readable and resolvable, not changeable
        assert rpc.pressbase.get_selection(in_read["id"])["name"] == "Read"
        assert len(rpc.pressbase.resolve_selection(in_read["id"])["recipients"]) == 1
        with pytest.raises(Forbidden):
            rpc.pressbase.add_selection_items(in_read["id"], {"journalist_ids": [ids["J-2"]]})
        with pytest.raises(Forbidden):
            rpc.pressbase.delete_selection(in_read["id"])
        with pytest.raises(Forbidden):
            rpc.pressbase.create_selection({"name": "X", "kind": "list", "client_id": t.read})
        with pytest.raises(NotFound):
            rpc.pressbase.create_selection({"name": "X", "kind": "list", "client_id": t.hidden})
        rpc.pressbase.update_selection(in_full["id"], {"name": "Full 2"})
        rpc.pressbase.delete_selection(shared["id"])
    with rpc_as(t.stranger()) as rpc:
        assert rpc.pressbase.list_selections()["items"] == []
        for sel in (in_full, in_read):
            with pytest.raises(NotFound):
                rpc.pressbase.get_selection(sel["id"])
            with pytest.raises(NotFound):
                rpc.pressbase.resolve_selection(sel["id"])
        with pytest.raises(NotFound):
            rpc.pressbase.get_selection(str(uuid.uuid4()))


def test_resolve_selection_for_dispatch(regular, ids, rpc_as):
    with rpc_as(regular.user()) as rpc:
        with pytest.raises(InvalidInput):   # J-7 is PLUS: not licensed for this account
            rpc.pressbase.create_selection({"name": "Mailing", "kind": "list", "journalist_ids": [ids["J-7"]]})
        sel = rpc.pressbase.create_selection({
            "name": "Mailing", "kind": "list", "client_id": regular.full,
            "journalist_ids": [ids["J-1"], ids["J-2"], ids["J-8"], ids["J-9"]], "outlet_ids": [ids["O-1"]]})
    # dispatch calls with the user's principal forwarded
    with rpc_as(regular.user()) as rpc:
        page1 = rpc.pressbase.resolve_selection(sel["id"], None, 3)
        page2 = rpc.pressbase.resolve_selection(sel["id"], page1["next_cursor"], 3)
        with pytest.raises(InvalidInput):
            rpc.pressbase.resolve_selection(sel["id"], None, 5000)
    assert page2["next_cursor"] is None
    recipients = page1["recipients"] + page2["recipients"]
    assert len(recipients) == 5
    anna = recipients[0]
    assert anna == {
        "contact_id": None, "pressbase_id": f"J-{ids['J-1']}", "client_id": regular.full,
        "email": "anna.mueller@sz.example", "email_valid": True, "salutation": "Frau",
        "letter_salutation": "Sehr geehrte Frau Dr. Müller,", "title": "Dr.", "first_name": "Anna",
        "last_name": "Müller", "organisation": "Süddeutsche Zeitung", "position": "Redakteurin Wirtschaft",
        "language": "de", "custom": {"desk": "wirtschaft", "media_type": "daily_newspaper"}}
    greta = next(r for r in recipients if r["last_name"] == "Ohnemail")
    assert greta["email"] is None and greta["email_valid"] is False
    newsroom = recipients[-1]
    assert newsroom["pressbase_id"] == f"O-{ids['O-1']}" and newsroom["email"] == "redaktion@sz.example"
    assert newsroom["letter_salutation"] == "Sehr geehrte Damen und Herren,"


def test_saved_search_resolves_to_its_current_matches_within_the_licence(regular, ids, rpc_as, billing):
    with rpc_as(regular.user()) as rpc:
        sel = rpc.pressbase.create_selection({"name": "Wirtschaft", "kind": "search",
                                              "query": {"q": "Wirtschaft", "filters": {"country": ["DE", "CH"]}}})
        got = {r["last_name"] for r in rpc.pressbase.resolve_selection(sel["id"])["recipients"]}
        assert got == {"Müller", "Muller"}
        # World is not licensed: Sophie Martin (business editor, GB) would match without the country filter
        rpc.pressbase.update_selection(sel["id"], {"query": {"q": "business"}})
        assert "Martin" not in {r["last_name"] for r in rpc.pressbase.resolve_selection(sel["id"])["recipients"]}
    billing.grant(regular.account, version=2, phase="regular", datasets=("dach", "world"))
    with rpc_as(regular.user()) as rpc:
        assert "Martin" in {r["last_name"] for r in rpc.pressbase.resolve_selection(sel["id"])["recipients"]}
        added = rpc.pressbase.create_selection({"name": "Aus Suche", "kind": "list"})
        result = rpc.pressbase.add_selection_items_from_search(added["id"], {"q": "Müller", "max": 2})
        assert result == {"added": 2, "matched": 2}
