"""GDPR through the gateway: Art. 15 export, Art. 17 erasure, the whole-account archive, contract end and purge."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile

from nameko.rpc import rpc
from sqlalchemy import text

from crm_testing import wait_for, wait_job

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                       "hQGAhKmMIQAAAABJRU5ErkJggg==")


class FakeBilling:
    """Stands in for billing's part of the account export (two pages), so the archive's assembly is proven."""

    name = "billing"

    @rpc
    def export_account_data(self, account_id, cursor=None):
        if cursor is None:
            return {"service": "billing", "tables": {"invoices": [{"number": "R-2026-0001", "gross": "119,00"}]},
                    "files": [], "next_cursor": "2"}
        return {"service": "billing", "tables": {"invoices": [{"number": "R-2026-0002", "gross": "238,00"}]},
                "files": [{"path": "R-2026-0001.pdf", "content_b64": base64.b64encode(b"%PDF-1.4 x").decode()}],
                "next_cursor": None}


def seed(client, tenant):
    c = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "gender": "female", "last_name": "Auskunft", "first_name": "Ida",
        "emails": [{"email": "ida@x.example"}, {"email": "ida.privat@x.example"}],
        "legal_basis": "legitimate_interest", "data_source": "Visitenkarte Messe 2026"}).json
    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Messe"}).json
    client.simulate_post(f"/api/v1/crm/lists/{lst['id']}/members", json={"contact_ids": [c["id"]]})
    ev = client.simulate_post("/api/v1/crm/events", json={"client_id": tenant.full, "name": "Presseabend"}).json
    client.simulate_post(f"/api/v1/crm/events/{ev['id']}/participants", json={"contact_ids": [c["id"]]})
    client.simulate_post(f"/api/v1/crm/contacts/{c['id']}/history", json={"kind": "note", "body": "Mag Kaffee"})
    return c, lst, ev


def test_art15_export_and_art17_erasure(api, tenant, crm_db):
    client = api(tenant.user())
    c, lst, ev = seed(client, tenant)
    dyn = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Alle Idas",
                                                          "kind": "dynamic", "filter": {"q": "ida"}}).json
    export = client.simulate_get(f"/api/v1/crm/contacts/{c['id']}/gdpr-export")
    assert export.status_code == 200
    data = export.json
    assert data["contact"]["last_name"] == "Auskunft" and len(data["contact"]["emails"]) == 2
    assert data["data_source"] == "Visitenkarte Messe 2026" and data["legal_basis"] == "legitimate_interest"
    assert {x["name"] for x in data["lists"]} == {"Messe", "Alle Idas"}
    assert [e["name"] for e in data["events"]] == ["Presseabend"]
    assert [h["body"] for h in data["history"]] == ["Mag Kaffee"]

    assert api(tenant.stranger()).simulate_post(f"/api/v1/crm/contacts/{c['id']}/erasure").status_code == 404
    erased = client.simulate_post(f"/api/v1/crm/contacts/{c['id']}/erasure")
    assert erased.status_code == 200 and erased.json["erased"] is True
    assert client.simulate_get(f"/api/v1/crm/contacts/{c['id']}").status_code == 404
    assert client.simulate_get(f"/api/v1/crm/lists/{lst['id']}").json["members"] == 0
    assert client.simulate_get(f"/api/v1/crm/lists/{dyn['id']}").json["members"] == 0
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM history")).scalar() == 0
        log = conn.execute(text("SELECT email_hashes FROM erasure_log")).scalar()
        assert hashlib.sha256(b"ida@x.example").hexdigest() in log
        assert "ida@x.example" not in json.dumps(log)
        event = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'person_erasure_requested'")).scalar()
    assert event["emails"] == ["ida.privat@x.example", "ida@x.example"] and event["contact_id"] == c["id"]
    assert event["account_id"] == tenant.account


def test_read_only_user_cannot_erase(api, tenant):
    everyone = api(tenant.all_access())
    c = everyone.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.read, "last_name": "Bleibt"}).json
    assert api(tenant.user()).simulate_post(f"/api/v1/crm/contacts/{c['id']}/erasure").status_code == 403


def test_whole_account_archive_lists_missing_services(api, tenant, run_services):
    run_services(FakeBilling)
    everyone = api(tenant.all_access())
    seed(everyone, tenant)
    everyone.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.hidden, "last_name": "Versteckt"})
    folder = everyone.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "F"}).json
    everyone.simulate_post(f"/api/v1/crm/media/folders/{folder['id']}/files", body=PNG, params={"filename": "p.png"})
    api(tenant.stranger()).simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.other_client,
                                                                       "last_name": "Fremd"})
    assert api(tenant.user()).simulate_post("/api/v1/crm/account-exports").status_code == 403
    admin = api(tenant.admin())
    job = admin.simulate_post("/api/v1/crm/account-exports")
    assert job.status_code == 202, job.text
    done = wait_job(admin, job.json, timeout=120)
    assert done["state"] == "done", done
    archive = admin.simulate_get(f"/api/v1/crm/jobs/{done['id']}/file")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(archive.content))
    manifest = json.loads(zf.read("manifest.json"))
    assert {m["service"] for m in manifest["missing"]} == {"identity", "dispatch", "pressbase"}, manifest
    assert manifest["services"]["billing"] == {"tables": 1, "rows": 2, "files": 1}
    crm = json.loads(zf.read("crm/data.json"))
    assert sorted(c["last_name"] for c in crm["tables"]["contacts"]) == ["Auskunft", "Versteckt"]  # not "Fremd"
    assert [m["name"] for m in crm["tables"]["lists"]] == ["Messe"]
    assert any(n.startswith("crm/files/") and n.endswith("p.png") for n in zf.namelist())
    billing = json.loads(zf.read("billing/data.json"))
    assert [i["number"] for i in billing["tables"]["invoices"]] == ["R-2026-0001", "R-2026-0002"]
    assert zf.read("billing/files/R-2026-0001.pdf") == b"%PDF-1.4 x"
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(zf.read("crm/data.xlsx")), read_only=True)
    assert "contacts" in wb.sheetnames and "history" in wb.sheetnames
    assert [e["id"] for e in admin.simulate_get("/api/v1/crm/account-exports").json] == [done["id"]]


def test_contract_end_offers_the_archive_and_purge_deletes_everything(api, tenant, publish, crm_db, crm_dirs):
    everyone = api(tenant.all_access())
    seed(everyone, tenant)
    folder = everyone.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "F"}).json
    everyone.simulate_post(f"/api/v1/crm/media/folders/{folder['id']}/files", body=PNG, params={"filename": "p.png"})
    other = api(tenant.stranger()).simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.other_client, "last_name": "Bleibt"}).json
    payload = {"account_id": tenant.account, "version": 7, "phase": "ended", "seats": 1, "datasets": ["dach"]}
    publish("billing", "entitlements_changed", payload)
    publish("billing", "entitlements_changed", payload)   # at least once: still one archive
    admin = api(tenant.admin())
    exports = wait_for(lambda: [j for j in admin.simulate_get("/api/v1/crm/account-exports").json
                                if j["state"] == "done"], timeout=120, what="contract-end archive")
    assert len(admin.simulate_get("/api/v1/crm/account-exports").json) == 1
    assert admin.simulate_get(f"/api/v1/crm/jobs/{exports[0]['id']}/file").status_code == 200

    publish("billing", "account_purge_requested", {"account_id": tenant.account,
                                                   "requested_at": "2026-12-31T00:00:00+00:00"})

    def remaining():
        with crm_db.connect() as conn:
            return sum(conn.execute(text(f"SELECT count(*) FROM {t} WHERE account_id = :a"),
                                    {"a": tenant.account}).scalar()
                       for t in ("contacts", "contact_emails", "lists", "events", "history", "files", "jobs",
                                 "media_folders", "account_entitlements"))
    wait_for(lambda: remaining() == 0, what="purge")
    assert not (crm_dirs["storage"] / tenant.account).exists()
    with crm_db.connect() as conn:
        purged = wait_for(lambda: conn.execute(text(
            "SELECT payload FROM outbox WHERE event_type = 'account_purged' AND published_at IS NOT NULL")).scalar(),
            what="account_purged published")
    assert purged == {"service": "crm", "account_id": tenant.account}
    assert api(tenant.stranger()).simulate_get(f"/api/v1/crm/contacts/{other['id']}").status_code == 200
