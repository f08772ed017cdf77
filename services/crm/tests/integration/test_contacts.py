"""Contacts over real RPC: create, read, change, search with umlaut folding and cursors, rights, custom fields."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from crm import contracts
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound


def person(client_id, last="Müller", first="Anna", email=None, **extra):
    data = {"client_id": client_id, "gender": "female", "title": "Dr.", "first_name": first, "last_name": last,
            "organisation": "Süddeutsche Zeitung", "position": "Redakteurin", "city": "München", "tags": ["Wirtschaft"]}
    if email:
        data["emails"] = [{"email": email, "primary": True}]
    data.update(extra)
    return data


def test_create_read_update_contact(crm_service, rpc_as, tenant, crm_db):
    user = tenant.user()
    with rpc_as(user) as rpc:
        created = rpc.crm.create_contact(person(tenant.full, email="anna.mueller@sz.example",
                                                emails=[{"email": "anna.mueller@sz.example", "primary": True},
                                                        {"email": "a.m@privat.example"}],
                                                phones=[{"number": "+49 89 1234", "label": "work"}]))
        assert created["letter_salutation"] == "Sehr geehrte Frau Dr. Müller,"
        assert created["salutation"] == "Frau"
        assert [e["primary"] for e in created["emails"]] == [True, False]
        assert created["created_by"] == user.user_id
        got = rpc.crm.get_contact(created["id"])
        assert got["emails"][0]["email"] == "anna.mueller@sz.example"
        # the answer is the one the contract declares (the gateway documents it from there)
        assert contracts.Contact.model_validate(got).phones[0].number == "+49 89 1234"
        page = rpc.crm.search_contacts({"client_ids": [tenant.full]})
        assert contracts.ContactPage.model_validate(page).items[0].email == "anna.mueller@sz.example"
        changed = rpc.crm.update_contact(created["id"], {"gender": "male", "first_name": "Max", "title": "Prof. Dr.",
                                                         "last_name": "Weber"})
        assert changed["letter_salutation"] == "Sehr geehrter Herr Prof. Dr. Weber,"
        assert changed["emails"] == got["emails"]  # untouched when not sent
        overridden = rpc.crm.update_contact(created["id"], {"letter_salutation": "Lieber Max,"})
        assert overridden["letter_salutation"] == "Lieber Max,"
    with crm_db.connect() as conn:
        row = conn.execute(text("SELECT search_text, name_key FROM contacts WHERE id = :i"),
                           {"i": created["id"]}).one()
    assert "weber" in row.search_text and row.name_key == "weber max"


def test_bad_input_names_field_in_both_languages_and_writes_nothing(crm_service, rpc_as, tenant, crm_db):
    with rpc_as(tenant.user()) as rpc:
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.create_contact({"client_id": tenant.full, "last_name": "X", "emails": [{"email": "not-an-address"}],
                                    "country": "Deutschland"})
        fields = exc.value.fields
        assert fields["emails.0.email"].de == "Ungültige E-Mail-Adresse."
        assert fields["emails.0.email"].en == "Invalid e-mail address."
        assert "country" in fields
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.create_contact({"client_id": tenant.full})
        assert exc.value.fields["last_name"].en == "First or last name is missing."
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.create_contact({"client_id": "nonsense", "last_name": "X", "shoe_size": 42})
        assert set(exc.value.fields) == {"client_id", "shoe_size"}
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.get_contact("not-a-uuid")
        assert "contact_id" in exc.value.fields
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar() == 0


def test_rights_hidden_read_only_and_other_account(crm_service, rpc_as, tenant):
    with rpc_as(tenant.all_access()) as rpc:
        in_hidden = rpc.crm.create_contact(person(tenant.hidden, last="Geheim"))
        in_read = rpc.crm.create_contact(person(tenant.read, last="Lesbar"))
    with rpc_as(tenant.stranger()) as rpc:
        foreign = rpc.crm.create_contact(person(tenant.other_client, last="Fremd"))

    with rpc_as(tenant.user()) as rpc:
        for cid in (in_hidden["id"], foreign["id"], str(uuid.uuid4())):
            with pytest.raises(NotFound):
                rpc.crm.get_contact(cid)
            with pytest.raises(NotFound):
                rpc.crm.update_contact(cid, {"city": "Wien"})
            with pytest.raises(NotFound):
                rpc.crm.delete_contact(cid)
        assert rpc.crm.get_contact(in_read["id"])["last_name"] == "Lesbar"
        with pytest.raises(Forbidden):
            rpc.crm.update_contact(in_read["id"], {"city": "Wien"})
        with pytest.raises(Forbidden):
            rpc.crm.delete_contact(in_read["id"])
        with pytest.raises(Forbidden):
            rpc.crm.create_contact(person(tenant.read))
        with pytest.raises(NotFound):
            rpc.crm.create_contact(person(tenant.hidden))
        names = {c["last_name"] for c in rpc.crm.search_contacts({})["items"]}
        assert names == {"Lesbar"}
        with pytest.raises(NotFound):
            rpc.crm.search_contacts({"client_ids": [tenant.hidden]})
    with rpc_as(None) as rpc:
        from svckit.errors import Unauthenticated
        with pytest.raises(Unauthenticated):
            rpc.crm.search_contacts({})


def test_search_folds_umlauts_filters_and_pages(crm_service, rpc_as, tenant):
    with rpc_as(tenant.user()) as rpc:
        rpc.crm.create_contact(person(tenant.full, last="Müller", email="m1@example.org"))
        rpc.crm.create_contact(person(tenant.full, last="Mueller", first="Bernd", gender="male", tags=["Politik"]))
        rpc.crm.create_contact(person(tenant.full, last="Muller", first="Claire", country="CH"))
        rpc.crm.create_contact(person(tenant.full, last="Weiß", first="Doris", organisation="Der Standard"))
        rpc.crm.create_contact({"client_id": tenant.full, "kind": "organisation",
                                "org_name": "Österreichischer Rundfunk", "org_type": "media", "country": "AT"})
        for query in ("Müller", "mueller", "MULLER", "müll"):
            names = sorted(c["last_name"] for c in rpc.crm.search_contacts({"q": query})["items"])
            assert names == sorted(["Muller", "Mueller", "Müller"]), query
        assert [c["last_name"] for c in rpc.crm.search_contacts({"q": "weiss"})["items"]] == ["Weiß"]
        assert [c["org_name"] for c in rpc.crm.search_contacts({"q": "oesterreich"})["items"]] == \
            ["Österreichischer Rundfunk"]
        assert [c["first_name"] for c in rpc.crm.search_contacts({"q": "muller", "tags": ["Politik"]})["items"]] == \
            ["Bernd"]
        assert [c["first_name"] for c in rpc.crm.search_contacts({"q": "m1@example"})["items"]] == ["Anna"]
        assert [c["first_name"] for c in rpc.crm.search_contacts({"country": "ch"})["items"]] == ["Claire"]
        assert len(rpc.crm.search_contacts({"kind": "organisation"})["items"]) == 1
        assert [c["first_name"] for c in rpc.crm.search_contacts({"has_email": True})["items"]] == ["Anna"]
        assert [c["last_name"] for c in rpc.crm.search_contacts({"q": "sz munchen redakteurin"})["items"]] == []
        # cursor pagination walks everything exactly once, in name order
        seen, cursor = [], None
        while True:
            page = rpc.crm.search_contacts({}, cursor=cursor, limit=2)
            seen += [c["id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == 5
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.search_contacts({}, cursor="garbage!!", limit=2)
        assert "cursor" in exc.value.fields
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.search_contacts({}, limit=5000)
        assert "limit" in exc.value.fields


def test_custom_fields_are_typed(crm_service, rpc_as, tenant):
    with rpc_as(tenant.admin()) as rpc:
        rpc.crm.create_custom_field({"key": "circulation", "label_de": "Auflage", "label_en": "Circulation",
                                     "type": "number"})
        rpc.crm.create_custom_field({"key": "met_on", "label_de": "Getroffen am", "label_en": "Met on", "type": "date"})
        rpc.crm.create_custom_field({"key": "desk", "label_de": "Ressort", "label_en": "Desk", "type": "choice",
                                     "choices": ["Politik", "Wirtschaft"]})
        with pytest.raises(Conflict):
            rpc.crm.create_custom_field({"key": "desk", "label_de": "x", "label_en": "x", "type": "text"})
    with rpc_as(tenant.user()) as rpc:
        with pytest.raises(Forbidden):
            rpc.crm.create_custom_field({"key": "x", "label_de": "x", "label_en": "x", "type": "text"})
        c = rpc.crm.create_contact(person(tenant.full, custom={"circulation": "1.234.567", "met_on": "01.10.2026",
                                                               "desk": "wirtschaft"}))
        assert c["custom"] == {"circulation": 1234567, "met_on": "2026-10-01", "desk": "Wirtschaft"}
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.create_contact(person(tenant.full, custom={"circulation": "viele", "met_on": "32.13.2026",
                                                               "desk": "Sport", "unknown": 1}))
        assert set(exc.value.fields) == {"custom.circulation", "custom.met_on", "custom.desk", "custom.unknown"}
        assert exc.value.fields["custom.desk"].de == "Erlaubt sind: Politik, Wirtschaft."
        assert [c["id"] for c in rpc.crm.search_contacts({"custom": {"desk": "Wirtschaft"}})["items"]] == [c["id"]]


def test_organisation_link_and_rename(crm_service, rpc_as, tenant):
    with rpc_as(tenant.user()) as rpc:
        org = rpc.crm.create_contact({"client_id": tenant.full, "kind": "organisation", "org_name": "Die Zeit",
                                      "org_type": "media"})
        assert org["letter_salutation"] == "Sehr geehrte Damen und Herren,"
        p = rpc.crm.create_contact(person(tenant.full, organisation_id=org["id"]))
        assert p["organisation"] == "Die Zeit"
        rpc.crm.update_contact(org["id"], {"org_name": "DIE ZEIT"})
        assert rpc.crm.get_contact(p["id"])["organisation"] == "DIE ZEIT"
        assert [c["id"] for c in rpc.crm.search_contacts({"q": "zeit", "kind": "person"})["items"]] == [p["id"]]
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.create_contact(person(tenant.full, organisation_id=p["id"]))
        assert "organisation_id" in exc.value.fields


def test_text_search_pages_are_complete_when_matches_cluster_past_the_walk(crm_service, rpc_as, tenant, monkeypatch):
    """Both phases of the text search (index walk, then trigram matches sorted) give one gap-free name order."""
    from crm.usecases import contacts as uc

    monkeypatch.setattr(uc, "WALK", 3)
    with rpc_as(tenant.user()) as rpc:
        for last in ["Albers", "Becker", "Cramer", "Dorn", "Ebert", "Funk", "Müller", "Mueller", "Muller",
                     "Müllner", "Zander", "Zöller"]:
            rpc.crm.create_contact({"client_id": tenant.full, "last_name": last, "first_name": "X"})
        seen, cursor = [], None
        while True:
            page = rpc.crm.search_contacts({"q": "ller"}, cursor=cursor, limit=2)
            seen += [c["last_name"] for c in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen[3:] == ["Zöller"] and sorted(seen[:3]) == ["Mueller", "Muller", "Müller"], seen
        assert len(seen) == len(set(seen))
        assert [c["last_name"] for c in rpc.crm.search_contacts({"q": "becker"})["items"]] == ["Becker"]
