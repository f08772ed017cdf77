"""The import wizard through the gateway: a messy real-world workbook, CSV files, and files that must be refused."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from crm_testing import wait_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def messy_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Presseverteiler"
    ws["A1"] = "Presseverteiler Frühjahr 2026 – vertraulich"
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["Anrede", "Titel", "Vorname", "Nachname", "Firma", "E-Mail", "PLZ", "Ort", "Land", "Telefon",
               "Erstkontakt", "Schlagworte"])
    ws.append(["Frau", "Dr.", "Anna", "Müller", "Süddeutsche Zeitung", "anna.mueller@sz.example", 1067, "Dresden",
               "Deutschland", "089 1234-0", "01.10.2026", "Wirtschaft; Politik"])
    ws.append(["Herr", "Prof. Dr.", "Max", "Weber", None, "weber@sz.example", "04109", "Leipzig", "D",
               4930123456, datetime(2026, 3, 1), "Wirtschaft"])
    ws.merge_cells("E4:E5")   # the company belongs to both rows
    ws.append([])             # a blank line in the middle
    ws.append(["Frau", "Mag.", "Eva", "Huber", "Der Standard", " eva.huber@standard.example ", 1010, "Wien",
               "Österreich", None, None, "Kultur"])
    ws.append(["Herr", None, "Jürgen", "Weiß", "NZZ", "weiss@nzz.example", 8001, "Zürich", "Schweiz"])
    ws.append(["Frau", None, "Doppelt", "Erfasst", "X", "ANNA.MUELLER@sz.example"])
    ws.append([None, None, None, None, None, "ohne-name@x.example"])
    ws.append(["Herr", None, "Falsche", "Adresse", "X", "kein-at-zeichen.example"])
    ws.append(["Frau", None, "Schon", "Da", "Y", "existing@x.example"])
    notes = wb.create_sheet("Notizen")
    notes.append(["Stand", "Bearbeiter"])
    notes.append(["März", "Team Presse"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, data: bytes, filename: str, content_type: str = XLSX):
    return client.simulate_post("/api/v1/crm/imports", body=data, params={"filename": filename},
                                headers={"Content-Type": content_type})


def test_messy_workbook_through_the_whole_wizard(api, tenant, crm_db, crm_dirs):
    admin = api(tenant.admin())
    admin.simulate_post("/api/v1/crm/custom-fields", json={"key": "first_contact", "label_de": "Erstkontakt",
                                                           "label_en": "First contact", "type": "date"})
    client = api(tenant.user())
    existing = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "last_name": "Da", "emails": [{"email": "existing@x.example"}]}).json
    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Frühjahr"}).json

    resp = upload(client, messy_workbook(), "Verteiler Frühjahr.xlsx")
    assert resp.status_code == 201, resp.text
    imp = resp.json
    assert [s["name"] for s in imp["sheets"]] == ["Presseverteiler", "Notizen"]
    assert imp["sheet"] == "Presseverteiler" and imp["header_row"] == 3
    mapping = imp["mapping"]
    assert [mapping[str(i)] for i in range(1, 13)] == [
        "gender", "title", "first_name", "last_name", "organisation", "email", "postal_code", "city", "country",
        "phone", "custom:first_contact", "tags"]
    assert list(crm_dirs["spool"].iterdir()) == []   # the spool file was taken into storage

    # the user changes the mapping: ignore the phone column
    mapping["10"] = ""
    resp = client.simulate_put(f"/api/v1/crm/imports/{imp['id']}/mapping", json={"mapping": mapping})
    assert resp.status_code == 200, resp.text
    bad = client.simulate_put(f"/api/v1/crm/imports/{imp['id']}/mapping",
                              json={"mapping": {"1": "shoe_size", "2": "last_name", "3": "last_name"}},
                              headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"mapping.1", "mapping.3"}

    # dry run: a report per row, nothing written
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/dry-run",
                               json={"client_id": tenant.full, "list_id": lst["id"], "strategy": "skip"})
    assert job.status_code == 202, job.text
    done = wait_job(client, job.json)
    assert done["state"] == "done", done
    report = client.simulate_get(f"/api/v1/crm/imports/{imp['id']}/report", params={"run": "dry", "lang": "en"}).json
    by_row = {r["row"]: r for r in report["items"]}
    assert {r: by_row[r]["outcome"] for r in by_row} == {
        4: "created", 5: "created", 7: "created", 8: "created", 9: "duplicate_in_file", 10: "error", 11: "error",
        12: "existing"}
    assert "same as row 4" in by_row[9]["reasons"][0]
    assert by_row[10]["reasons"] == ["Name missing."]
    assert "kein-at-zeichen.example" in by_row[11]["reasons"][0]
    assert by_row[12]["reasons"] == ["Already a contact with this e-mail address."]
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar() == 1

    # the import itself, into the list
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run",
                               json={"client_id": tenant.full, "list_id": lst["id"], "strategy": "skip"})
    assert wait_job(client, job.json)["state"] == "done"
    found = client.simulate_get("/api/v1/crm/contacts", params={"q": "mueller"}).json["items"]
    anna = client.simulate_get(f"/api/v1/crm/contacts/{found[0]['id']}").json
    assert anna["postal_code"] == "01067" and anna["country"] == "DE"
    assert anna["letter_salutation"] == "Sehr geehrte Frau Dr. Müller,"
    assert anna["custom"] == {"first_contact": "2026-10-01"} and anna["tags"] == ["Wirtschaft", "Politik"]
    assert anna["source_kind"] == "import" and "Verteiler Frühjahr.xlsx" in anna["data_source"]
    weber = client.simulate_get("/api/v1/crm/contacts", params={"q": "weber"}).json["items"][0]
    assert weber["organisation"] == "Süddeutsche Zeitung"       # from the merged cell
    huber = client.simulate_get("/api/v1/crm/contacts", params={"q": "huber"}).json["items"][0]
    huber = client.simulate_get(f"/api/v1/crm/contacts/{huber['id']}").json
    assert huber["postal_code"] == "1010" and huber["country"] == "AT"
    assert huber["letter_salutation"] == "Sehr geehrte Frau Mag. Huber,"
    assert huber["emails"][0]["email"] == "eva.huber@standard.example"
    weiss = client.simulate_get("/api/v1/crm/contacts", params={"q": "weiss"}).json["items"][0]
    assert weiss["country"] == "CH"
    members = client.simulate_get(f"/api/v1/crm/lists/{lst['id']}").json["members"]
    assert members == 5    # four new and the existing one
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar() == 5

    # re-running creates nothing twice; with "update" (after a dry run with it: a run is bound to its dry run)
    # it fills in
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/dry-run",
                               json={"client_id": tenant.full, "list_id": lst["id"], "strategy": "update"})
    assert wait_job(client, job.json)["state"] == "done"
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run",
                               json={"client_id": tenant.full, "list_id": lst["id"], "strategy": "update"})
    assert wait_job(client, job.json)["state"] == "done"
    report = client.simulate_get(f"/api/v1/crm/imports/{imp['id']}/report", params={"run": "real"}).json
    assert report["summary"] == {"updated": 5, "duplicate_in_file": 1, "error": 2}
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar() == 5
    assert client.simulate_get(f"/api/v1/crm/contacts/{existing['id']}").json["first_name"] == "Schon"

    # the user's recent imports list it with its state and counts; another user sees neither list entry nor upload
    recent = client.simulate_get("/api/v1/crm/imports", params={"limit": 5})
    assert recent.status_code == 200, recent.text
    assert [(i["id"], i["filename"], i["state"]) for i in recent.json] == [(imp["id"], "Verteiler Frühjahr.xlsx",
                                                                            "done")]
    assert recent.json[0]["summary"]["real"] == {"updated": 5, "duplicate_in_file": 1, "error": 2}
    bad_limit = client.simulate_get("/api/v1/crm/imports", params={"limit": "viele", "lang": "en"})
    assert bad_limit.status_code == 422 and bad_limit.json["errors"][0]["field"] == "limit"
    other = api(tenant.user())
    assert other.simulate_get("/api/v1/crm/imports").json == []
    assert other.simulate_get(f"/api/v1/crm/imports/{imp['id']}").status_code == 404
    resp = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run", json={"client_id": tenant.read})
    assert resp.status_code == 403
    resp = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run", json={"client_id": tenant.hidden})
    assert resp.status_code == 404


@pytest.mark.parametrize("encoding,delimiter", [("cp1252", ";"), ("utf-8", ","), ("utf-8-sig", ";")])
def test_csv_in_windows_1252_and_utf8(api, tenant, encoding, delimiter):
    client = api(tenant.user())
    lines = [["Anrede", "Vorname", "Nachname", "Firma", "E-Mail", "PLZ", "Straße"],
             ["Frau", "Jürgen", "Größe", "Bäckerei Müller; GmbH" if delimiter == "," else "Bäckerei Müller, GmbH",
              "groesse@x.example", "01234", "Hauptstraße 5"]]
    data = "\r\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) for row in lines)
    resp = upload(client, data.encode(encoding), "kontakte.csv", "text/csv")
    assert resp.status_code == 201, resp.text
    imp = resp.json
    assert imp["format"] == "csv"
    assert imp["sheets"][0]["mapping"]["7"] == "street"
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/dry-run", json={"client_id": tenant.full})
    assert wait_job(client, job.json)["state"] == "done"
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run", json={"client_id": tenant.full})
    assert wait_job(client, job.json)["state"] == "done"
    c = client.simulate_get("/api/v1/crm/contacts", params={"q": "grosse"}).json["items"][0]
    c = client.simulate_get(f"/api/v1/crm/contacts/{c['id']}").json
    assert (c["first_name"], c["last_name"], c["street"], c["postal_code"]) == ("Jürgen", "Größe", "Hauptstraße 5",
                                                                                  "01234")
    assert c["organisation"].startswith("Bäckerei Müller")


def _encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(messy_workbook())
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("geheim", out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buf.getvalue()


def _truncated() -> bytes:
    data = messy_workbook()
    return data[: len(data) // 2]


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


@pytest.mark.parametrize("name,make,status,phrase", [
    ("random.xlsx", lambda: bytes(range(256)) * 40, 422, "not a spreadsheet"),
    ("scan.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b"\0" * 100, 422,
     "application/pdf"),
    ("broken.xlsx", _truncated, 422, "damaged"),
    ("secret.xlsx", _encrypted_xlsx, 422, "encrypted"),
    ("old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, 422, ".xls"),
    ("bomb.xlsx", _zip_bomb, 413, "inadmissible size"),
    ("letter.xlsx", _docx, 422, "Word document"),
    ("empty.csv", lambda: b"", 422, "empty"),
])
def test_files_that_are_refused_with_a_clear_message(api, tenant, crm_db, crm_dirs, name, make, status, phrase):
    client = api(tenant.user())
    resp = client.simulate_post("/api/v1/crm/imports", body=make(), params={"filename": name, "lang": "en"},
                                headers={"Content-Type": "application/octet-stream"})
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert phrase in resp.json["detail"] or any(phrase in e["message"] for e in resp.json.get("errors", []))
    de = client.simulate_post("/api/v1/crm/imports", body=make(), params={"filename": name, "lang": "de"},
                              headers={"Content-Type": "application/octet-stream"}).json
    assert de["detail"] != resp.json["detail"] or status == 413
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM imports")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM files")).scalar() == 0
    assert list(crm_dirs["spool"].iterdir()) == []     # nothing half-written is left behind
    assert not any(p.is_file() for p in crm_dirs["storage"].rglob("*"))


def test_upload_over_the_limit_is_refused_before_it_is_stored(api, tenant, crm_dirs, monkeypatch):
    from gateway.routes import crm as routes

    smaller = [dataclasses.replace(r, upload_limit=1000) if r.rpc == "crm.start_import" else r for r in routes.ROUTES]
    monkeypatch.setattr(routes, "ROUTES", smaller)
    client = api(tenant.user())
    resp = upload(client, b"x;y\n" * 1000, "big.csv", "text/csv")
    assert resp.status_code == 413
    assert list(crm_dirs["spool"].iterdir()) == []
    resp = client.simulate_post("/api/v1/crm/imports", body=b"a;b\n1;2\n", headers={"Content-Type": "text/csv"})
    assert resp.status_code == 422 and resp.json["errors"][0]["field"] == "filename"
