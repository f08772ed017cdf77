"""Issue 13 on crm's input side, through the gateway: line breaks and control characters are refused in every
single-line field (422 naming the field, nothing written), the pressbase transfer refuses them too, media file names
are safe in both directions (upload refused, download of an old bad name never a 5xx) and LIKE wildcards in search
parameters are characters, not wildcards."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import pytest
from sqlalchemy import text

from svckit.errors import InvalidInput
from svckit.principal import Principal

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                       "hQGAhKmMIQAAAABJRU5ErkJggg==")
INJECTION = "Eve\r\nBcc: x@example.com"


def up(client, folder_id, data, name):
    return client.simulate_post(f"/api/v1/crm/media/folders/{folder_id}/files", body=data, params={"filename": name},
                                headers={"Content-Type": "application/octet-stream"})


def fields_of(resp) -> list[str]:
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in resp.json["errors"]]


def count(crm_db, table: str) -> int:
    with crm_db.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.mark.parametrize("field,value,where", [
    ("first_name", INJECTION, "first_name"),
    ("last_name", "Eve\nX-Injected: 1", "last_name"),
    ("title", "Dr.\rX", "title"),
    ("organisation", "Zeitung\u2028Bcc: y@example.com", "organisation"),
    ("position", "Redakteurin\u0085X: 1", "position"),
    ("department", "Politik\u2029Kultur", "department"),
    ("street", "Hauptstr. 1\nBcc: z@example.com", "street"),
    ("city", "Berlin\r\nMitte", "city"),
    ("postal_code", "101\n15", "postal_code"),
    ("tags", ["ok", "Wirtschaft\r\nBcc: x@example.com"], "tags.1"),
    ("emails", [{"email": "eve@example.com", "label": "Büro\nBcc: x@example.com"}], "emails.0.label"),
    ("phones", [{"number": "+49 30 1\r\nX: 1", "label": "work"}], "phones.0.number"),
    ("data_source", "Messe\x0b2026", "data_source"),
])
def test_contact_single_line_fields_refuse_line_breaks(api, tenant, crm_db, field, value, where):
    """(Leading and trailing whitespace, line breaks included, is stripped first: only inner ones are refused.)"""
    client = api(tenant.user())
    body = {"client_id": tenant.full, "first_name": "Eve", "last_name": "Muster", field: value}
    assert fields_of(client.simulate_post("/api/v1/crm/contacts", json=body)) == [where]
    assert count(crm_db, "contacts") == 0


def test_contact_create_and_update_with_injected_first_name(api, tenant, crm_db):
    client = api(tenant.user())
    resp = client.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.full, "first_name": INJECTION,
                                                               "last_name": "Muster"})
    assert fields_of(resp) == ["first_name"]
    assert "Zeilenumbrüche" in resp.json["errors"][0]["message"]
    assert count(crm_db, "contacts") == 0

    ok = client.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.full, "first_name": "Eve",
                                                             "last_name": "Muster",
                                                             "notes": "Zeile 1\nZeile 2"})   # notes stay multi-line
    assert ok.status_code == 201, ok.text
    assert ok.json["notes"] == "Zeile 1\nZeile 2"
    cid = ok.json["id"]
    assert fields_of(client.simulate_patch(f"/api/v1/crm/contacts/{cid}",
                                           json={"first_name": INJECTION, "city": "Köln"})) == ["first_name"]
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT first_name, city FROM contacts WHERE id = :i"), {"i": cid}).one() == \
            ("Eve", "")


def test_names_of_lists_events_folders_and_custom_fields_refuse_line_breaks(api, tenant, crm_db):
    client = api(tenant.user())
    assert fields_of(client.simulate_post("/api/v1/crm/lists", json={
        "client_id": tenant.full, "name": "Presse\r\nBcc: x@example.com"})) == ["name"]
    assert fields_of(client.simulate_post("/api/v1/crm/events", json={
        "client_id": tenant.full, "name": "Abend\nBcc: x@example.com", "location": "Berlin"})) == ["name"]
    assert fields_of(client.simulate_post("/api/v1/crm/events", json={
        "client_id": tenant.full, "name": "Abend", "location": "Ber\rlin"})) == ["location"]
    assert fields_of(client.simulate_post("/api/v1/crm/media/folders", json={
        "client_id": tenant.full, "name": "Fotos\u2028neu"})) == ["name"]
    assert fields_of(api(tenant.admin()).simulate_post("/api/v1/crm/custom-fields", json={
        "key": "branche", "label_de": "Branche\r\nX: 1", "label_en": "Sector", "type": "text"})) == ["label_de"]
    for table in ("lists", "events", "media_folders", "custom_fields"):
        assert count(crm_db, table) == 0, table

    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Presse"}).json
    assert fields_of(client.simulate_patch(f"/api/v1/crm/lists/{lst['id']}", json={"name": "A\nB"})) == ["name"]
    assert client.simulate_get(f"/api/v1/crm/lists/{lst['id']}").json["name"] == "Presse"
    contact = client.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.full, "last_name": "Kurz"}).json
    assert fields_of(client.simulate_post(f"/api/v1/crm/contacts/{contact['id']}/history", json={
        "kind": "call", "subject": "Rückruf\r\nBcc: x@example.com", "body": "mehrere\nZeilen"})) == ["subject"]
    assert client.simulate_post(f"/api/v1/crm/contacts/{contact['id']}/history", json={
        "kind": "call", "subject": "Rückruf", "body": "mehrere\nZeilen"}).status_code == 201


def test_pressbase_transfer_refuses_line_breaks_and_pushed_updates_are_cleaned(crm_service, rpc_as, tenant, crm_db):
    user = tenant.user()
    with rpc_as(user) as rpc:
        with pytest.raises(InvalidInput) as exc:
            rpc.crm.import_pressbase_contacts(tenant.full, [
                {"pressbase_id": "j-1", "first_name": "Anna", "last_name": "Fein", "email": "anna@pb.example"},
                {"pressbase_id": "j-2", "first_name": INJECTION, "last_name": "Böse", "email": "eve@pb.example"}])
        assert set(exc.value.fields) == {"records.1.first_name"}
        assert count(crm_db, "contacts") == 0     # nothing half: the good record is not written either
        created = rpc.crm.import_pressbase_contacts(tenant.full, [
            {"pressbase_id": "j-1", "first_name": "Anna", "last_name": "Fein", "email": "anna@pb.example"}])
        assert created[0]["created"] is True
    # pressbase pushes a changed record by itself: no user to answer, the line break is removed instead
    with rpc_as(Principal.system("pressbase")) as rpc:
        assert rpc.crm.receive_pressbase_updates([{"pressbase_id": "j-1", "first_name": "Anna",
                                                   "last_name": "Fein\r\nBcc: x@example.com"}]) == \
            {"contacts_with_changes": 1}
    with rpc_as(user) as rpc:
        changes = rpc.crm.get_pressbase_changes(created[0]["contact_id"])["changes"]
        assert changes["last_name"]["new"] == "Fein Bcc: x@example.com"


def test_media_file_name_with_line_breaks_is_refused(api, tenant, crm_db, crm_dirs):
    client = api(tenant.user())
    folder = client.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "F"}).json
    assert fields_of(up(client, folder["id"], PNG, "foto\r\nX-Evil: 1.png")) == ["filename"]
    assert fields_of(up(client, folder["id"], PNG, "foto\u2028.png")) == ["filename"]
    assert count(crm_db, "files") == 0
    assert list(crm_dirs["spool"].iterdir()) == []
    ok = up(client, folder["id"], PNG, "foto.png")
    assert ok.status_code == 201
    assert fields_of(client.simulate_patch(f"/api/v1/crm/media/files/{ok.json['id']}",
                                           json={"name": "neu\n.png"})) == ["name"]


def test_download_of_a_stored_bad_file_name_is_never_a_server_error(api, tenant, crm_db, rpc_as):
    user = tenant.user()
    client = api(user)
    folder = client.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "F"}).json
    stored = up(client, folder["id"], PNG, "ok.png").json
    bad = 'Grüße\r\nX-Evil: "1";\\ Straße\u2028.png'
    with crm_db.begin() as conn:   # a name from before the rule (or another path)
        conn.execute(text("UPDATE files SET name = :n WHERE id = :i"), {"n": bad, "i": stored["id"]})
    resp = client.simulate_get(f"/api/v1/crm/media/files/{stored['id']}/content")
    assert resp.status_code == 200 and resp.content == PNG
    header = resp.headers["content-disposition"]
    assert "\r" not in header and "\n" not in header and header.isascii()
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback == "Gru_e X-Evil: _1_;_ Stra_e .png"
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == 'Grüße X-Evil: "1";\\ Straße .png'
    with rpc_as(user) as rpc:     # as dispatch asks for a mailing's attachments: the name goes into a header
        assert rpc.crm.get_attachments([stored["id"]])[0]["filename"] == 'Grüße X-Evil: "1";\\ Straße .png'


def test_like_wildcards_in_searches_match_literally(api, tenant):
    client = api(tenant.user())
    for name in ("100% Presse", "Sonstige", "a_b", "axb"):
        assert client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": name}).status_code \
            == 201
    def names(q):
        return sorted(x["name"] for x in client.simulate_get("/api/v1/crm/lists", params={"q": q}).json["items"])
    assert names("%") == ["100% Presse"]
    assert names("_") == ["a_b"]
    assert names("a_b") == ["a_b"]
    assert names("") == ["100% Presse", "Sonstige", "a_b", "axb"]

    for last in ("Müller", "M_ller", "Rabatt 100%"):
        client.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.full, "last_name": last})
    def found(q):
        items = client.simulate_get("/api/v1/crm/contacts", params={"q": q}).json["items"]
        return sorted(c["last_name"] for c in items)
    assert found("m_ller") == ["M_ller"]
    assert found("%") == ["Rabatt 100%"]
    assert found("_") == ["M_ller"]
    assert found("müller") == ["Müller"]
    dyn = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Dyn", "kind": "dynamic",
                                                          "filter": {"q": "%"}}).json
    assert dyn["members"] == 1
