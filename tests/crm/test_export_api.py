"""Excel exports through the gateway: exactly the visible contacts, mail-merge columns, streamed download."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from crm_testing import wait_for, wait_job


def rows_of(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def export(client, source: dict, lang: str = "de") -> list[list]:
    resp = client.simulate_post("/api/v1/crm/exports", json={"source": source, "language": lang})
    assert resp.status_code == 202, resp.text
    job = wait_job(client, resp.json)
    assert job["state"] == "done", job
    download = client.simulate_get(f"/api/v1/crm/jobs/{job['id']}/file")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download.headers["content-disposition"]
    return rows_of(download.content)


def test_mailing_export_contains_exactly_the_visible_contacts(api, tenant, publish):
    everyone = api(tenant.all_access())
    ids = {}
    for client_id, name in ((tenant.full, "Voll"), (tenant.read, "Lesen"), (tenant.hidden, "Versteckt")):
        for i in range(3):
            c = everyone.simulate_post("/api/v1/crm/contacts", json={
                "client_id": client_id, "gender": "female", "first_name": f"Nr{i}", "last_name": f"{name}{i}",
                "emails": [{"email": f"{name.lower()}{i}@x.example"}]}).json
            ids[c["id"]] = name
    publish("dispatch", "mailing_sent", {"account_id": tenant.account, "mailing_id": "m-7", "subject": "PM",
                                         "sent_at": "2026-11-03T08:00:00+00:00",
                                         "recipients": [{"contact_id": i, "email": "x"} for i in ids]})
    wait_for(lambda: len(export_names(api(tenant.all_access()))) == 9, what="mailing history")
    user = api(tenant.user())
    names = export_names(user)
    assert sorted(names) == sorted(f"{n}{i}" for n in ("Voll", "Lesen") for i in range(3))
    # contact ids naming hidden contacts export only the visible ones
    rows = export(user, {"contact_ids": list(ids)})
    assert sorted(r[3] for r in rows[1:]) == sorted(names)


def export_names(client) -> list[str]:
    rows = export(client, {"mailing_id": "m-7"})
    return [r[3] for r in rows[1:]]


def test_list_and_participant_exports_are_ready_for_mail_merge(api, tenant):
    client = api(tenant.user())
    anna = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "gender": "female", "title": "Dr.", "first_name": "Anna", "last_name": "Müller",
        "organisation": "Beispiel GmbH", "street": "Musterstraße 1", "postal_code": "01067", "city": "Dresden",
        "emails": [{"email": "anna@x.example"}]}).json
    karl = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "gender": "male", "first_name": "Karl", "last_name": "Gruber", "title": "Mag.",
        "street": "Ring 3", "postal_code": "1010", "city": "Wien", "country": "AT", "language": "en"}).json
    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Verteiler A"}).json
    client.simulate_post(f"/api/v1/crm/lists/{lst['id']}/members", json={"contact_ids": [anna["id"], karl["id"]]})
    rows = export(client, {"list_id": lst["id"]})
    header = rows[0]
    assert header[:4] == ["Anrede", "Titel", "Vorname", "Nachname"]
    by_name = {r[3]: dict(zip(header, r, strict=False)) for r in rows[1:]}
    assert by_name["Müller"]["Briefanrede"] == "Sehr geehrte Frau Dr. Müller,"
    assert by_name["Müller"]["Adressblock"] == "Beispiel GmbH\nFrau Dr. Anna Müller\nMusterstraße 1\n01067 Dresden"
    assert by_name["Müller"]["PLZ"] == "01067"
    assert by_name["Gruber"]["Briefanrede"] == "Dear Mr Gruber,"
    assert by_name["Gruber"]["Adressblock"].endswith("1010 Wien\nÖSTERREICH")
    en = export(client, {"list_id": lst["id"]}, lang="en")
    assert en[0][:4] == ["Salutation", "Title", "First name", "Last name"]

    ev = client.simulate_post("/api/v1/crm/events", json={"client_id": tenant.full, "name": "Pressereise"}).json
    client.simulate_post(f"/api/v1/crm/events/{ev['id']}/participants", json={"contact_ids": [anna["id"], karl["id"]]})
    client.simulate_patch(f"/api/v1/crm/events/{ev['id']}/participants/{karl['id']}", json={"status": "registered"})
    rows = export(client, {"event_id": ev["id"]})
    assert rows[0][-1] == "Status"
    assert sorted((r[3], r[-1]) for r in rows[1:]) == [("Gruber", "angemeldet"), ("Müller", "eingeladen")]
    rows = export(client, {"event_id": ev["id"], "status": "registered"})
    assert [r[3] for r in rows[1:]] == ["Gruber"]


def test_export_of_hidden_or_unknown_sources_is_refused(api, tenant):
    everyone = api(tenant.all_access())
    hidden_list = everyone.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.hidden, "name": "x"}).json
    client = api(tenant.user())
    got = client.simulate_post("/api/v1/crm/exports", json={"source": {"list_id": hidden_list["id"]}})
    assert got.status_code == 404
    resp = client.simulate_post("/api/v1/crm/exports", json={"source": {}}, headers={"Accept-Language": "en"})
    assert resp.status_code == 422 and resp.json["errors"][0]["field"].startswith("source")
    resp = client.simulate_post("/api/v1/crm/exports", json={"source": {"list_id": "nope"}})
    assert resp.status_code == 422 and resp.json["errors"][0]["field"] == "source.list_id"
