"""Mediacenter through the gateway: streamed upload and download, type from content, attachments, usage, rights."""

from __future__ import annotations

import base64
import dataclasses
import io
import zipfile

from sqlalchemy import text

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                       "hQGAhKmMIQAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def up(client, folder_id, data, name, content_type="application/octet-stream"):
    return client.simulate_post(f"/api/v1/crm/media/folders/{folder_id}/files", body=data,
                                params={"filename": name}, headers={"Content-Type": content_type})


def test_folders_files_attachments_and_usage(api, tenant, crm_db, crm_dirs, rpc_as):
    client = api(tenant.user())
    root = client.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "Pressefotos"})
    assert root.status_code == 201, root.text
    root = root.json
    sub = client.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "2026",
                                                                  "parent_id": root["id"]}).json
    dup = client.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.full, "name": "2026",
                                                                  "parent_id": root["id"]})
    assert dup.status_code == 409
    assert client.simulate_patch(f"/api/v1/crm/media/folders/{root['id']}",
                                 json={"parent_id": sub["id"]}).status_code == 422   # no cycles

    # the declared type is ignored: the content decides
    png = up(client, sub["id"], PNG, "portrait.jpg", "image/jpeg").json
    assert png["content_type"] == "image/png" and png["size"] == len(PNG)
    pdf = up(client, sub["id"], PDF, "Pressemappe.pdf").json
    assert pdf["content_type"] == "application/pdf"
    word = up(client, sub["id"], docx(), "Vorlage.docx").json
    assert word["content_type"].endswith("wordprocessingml.document")
    listing = client.simulate_get("/api/v1/crm/media/folders",
                                  params={"client_id": tenant.full, "parent_id": sub["id"]}).json
    assert sorted(f["name"] for f in listing["files"]) == ["Pressemappe.pdf", "Vorlage.docx", "portrait.jpg"]

    download = client.simulate_get(f"/api/v1/crm/media/files/{pdf['id']}/content")
    assert download.status_code == 200 and download.content == PDF
    assert 'filename="Pressemappe.pdf"' in download.headers["content-disposition"]
    assert list(crm_dirs["spool"].iterdir()) == []

    contact = client.simulate_post("/api/v1/crm/contacts", json={"client_id": tenant.full, "last_name": "Foto"}).json
    assert client.simulate_post(f"/api/v1/crm/contacts/{contact['id']}/files",
                                json={"file_id": png["id"]}).status_code == 201
    assert [f["id"] for f in client.simulate_get(f"/api/v1/crm/contacts/{contact['id']}/files").json] == [png["id"]]

    # dispatch fetches mailing attachments in one call, with the user's rights
    with rpc_as(tenant.user()) as rpc:
        got = rpc.crm.get_attachments([pdf["id"], png["id"]])
    assert base64.b64decode(got[0]["content_b64"]) == PDF and got[1]["content_type"] == "image/png"

    usage = client.simulate_get("/api/v1/crm/media/usage").json
    assert usage == {"bytes": len(PNG) + len(PDF) + len(docx())}
    with crm_db.connect() as conn:
        reported = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'usage_recorded' ORDER BY id"))\
            .scalars().all()
    assert [r["quantity"] for r in reported] == [len(PNG), len(PNG) + len(PDF), usage["bytes"]]
    assert all(r["kind"] == "storage_bytes" and r["account_id"] == tenant.account for r in reported)
    assert len({r["idempotency_key"] for r in reported}) == 3

    assert client.simulate_delete(f"/api/v1/crm/media/files/{pdf['id']}").status_code == 204
    assert client.simulate_get(f"/api/v1/crm/media/files/{pdf['id']}").status_code == 404
    assert client.simulate_delete(f"/api/v1/crm/media/folders/{root['id']}").status_code == 204
    assert client.simulate_get("/api/v1/crm/media/usage").json == {"bytes": 0}
    assert not any(p.is_file() for p in crm_dirs["storage"].rglob("*"))


def test_media_rights_and_limits(api, tenant, monkeypatch, crm_dirs):
    everyone = api(tenant.all_access())
    hidden = everyone.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.hidden, "name": "x"}).json
    read = everyone.simulate_post("/api/v1/crm/media/folders", json={"client_id": tenant.read, "name": "y"}).json
    hidden_file = up(everyone, hidden["id"], PNG, "a.png").json
    read_file = up(everyone, read["id"], PNG, "b.png").json
    client = api(tenant.user())
    assert up(client, hidden["id"], PNG, "c.png").status_code == 404
    assert up(client, read["id"], PNG, "c.png").status_code == 403
    assert client.simulate_get(f"/api/v1/crm/media/files/{hidden_file['id']}/content").status_code == 404
    assert client.simulate_get(f"/api/v1/crm/media/files/{read_file['id']}/content").status_code == 200
    assert client.simulate_delete(f"/api/v1/crm/media/files/{read_file['id']}").status_code == 403
    assert client.simulate_get("/api/v1/crm/media/folders", params={"client_id": tenant.hidden}).status_code == 404
    stranger = api(tenant.stranger())
    assert stranger.simulate_get(f"/api/v1/crm/media/files/{read_file['id']}").status_code == 404

    from gateway.routes import crm as routes
    smaller = [dataclasses.replace(r, upload_limit=100) if r.rpc == "crm.upload_media_file" else r
               for r in routes.ROUTES]
    monkeypatch.setattr(routes, "ROUTES", smaller)
    big = api(tenant.all_access())
    resp = up(big, read["id"], PNG * 10, "big.png")
    assert resp.status_code == 413 and resp.json["code"] == "payload_too_large"
    assert list(crm_dirs["spool"].iterdir()) == []
