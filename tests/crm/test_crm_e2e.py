"""A PR person's path through the CRM with a real login (identity) behind the real gateway: contacts, an import,
a list, a search with umlauts, an export; and a second user with read-only rights who cannot write."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from identity_testing import make_identity, make_tenant
from smtpsink.testing import smtp_sink  # noqa: F401  (until the root conftest registers smtpsink.testing)


@pytest.mark.slow
def test_login_contacts_import_list_export(run_services, rpc_as, smtp_sink, crm_service, gateway):  # noqa: F811
    identity = make_identity(run_services, rpc_as, smtp_sink)
    tenant = make_tenant(identity)
    admin = tenant["admin"]
    client_id = next(c for c, right in admin.clients.items() if right == "full")
    api = gateway()
    auth = {"Authorization": f"Bearer {tenant['admin_token']}"}

    def call(method, path, body=None, **kw):
        return api.simulate_request(method, path, json=body, headers={**auth, **kw.pop("headers", {})}, **kw)

    assert api.simulate_get("/api/v1/crm/contacts").status_code == 401
    anna = call("POST", "/api/v1/crm/contacts", {"client_id": client_id, "gender": "female", "title": "Dr.",
                                                 "first_name": "Anna", "last_name": "Müller",
                                                 "emails": [{"email": "anna@zeitung.example"}]})
    assert anna.status_code == 201, anna.text
    assert anna.json["letter_salutation"] == "Sehr geehrte Frau Dr. Müller,"
    assert anna.json["created_by"] == admin.user_id

    csv = "Anrede;Vorname;Nachname;Firma;E-Mail;PLZ\nHerr;Jürgen;Weiß;Die Zeit;j.weiss@zeit.example;1067\n"
    up = api.simulate_post("/api/v1/crm/imports", body=csv.encode("cp1252"), params={"filename": "liste.csv"},
                           headers={**auth, "Content-Type": "text/csv"})
    assert up.status_code == 201, up.text
    lst = call("POST", "/api/v1/crm/lists", {"client_id": client_id, "name": "Feuilleton"}).json
    dry = call("POST", f"/api/v1/crm/imports/{up.json['id']}/dry-run", {"client_id": client_id, "list_id": lst["id"]})
    assert wait_for_job(call, dry.json["id"])["state"] == "done"   # a run is bound to its dry run
    job = call("POST", f"/api/v1/crm/imports/{up.json['id']}/run", {"client_id": client_id, "list_id": lst["id"]})
    assert job.status_code == 202, job.text
    assert wait_for_job(call, job.json["id"])["state"] == "done"
    found = call("GET", "/api/v1/crm/contacts", params={"q": "weiss"}).json["items"]
    assert [c["last_name"] for c in found] == ["Weiß"]
    call("POST", f"/api/v1/crm/lists/{lst['id']}/members", {"contact_ids": [anna.json["id"]]})

    exp = call("POST", "/api/v1/crm/exports", {"source": {"list_id": lst["id"]}}).json
    assert wait_for_job(call, exp["id"])["state"] == "done"
    file = call("GET", f"/api/v1/crm/jobs/{exp['id']}/file")
    rows = list(load_workbook(io.BytesIO(file.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert sorted(r[3] for r in rows[1:]) == ["Müller", "Weiß"]
    weiss = next(dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[3] == "Weiß")
    assert weiss["PLZ"] == "01067" and weiss["Briefanrede"] == "Sehr geehrter Herr Weiß,"

    # a second user who may only read this client: reads yes, writes no; the session is real too
    _user, reader_token, _principal = identity.add_user(admin, rights={client_id: "read"})
    reader = {"Authorization": f"Bearer {reader_token}"}
    assert api.simulate_get(f"/api/v1/crm/contacts/{anna.json['id']}", headers=reader).status_code == 200
    assert api.simulate_patch(f"/api/v1/crm/contacts/{anna.json['id']}", json={"city": "Wien"},
                              headers=reader).status_code == 403
    assert api.simulate_get(f"/api/v1/crm/imports/{up.json['id']}", headers=reader).status_code == 404


def wait_for_job(call, job_id, timeout=60.0):
    from crm_testing import wait_for

    def finished():
        body = call("GET", f"/api/v1/crm/jobs/{job_id}").json
        return body if body.get("state") in ("done", "failed") else None
    return wait_for(finished, timeout=timeout, what=f"job {job_id}")
