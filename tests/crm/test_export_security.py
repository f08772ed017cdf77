"""crm exports and security (issue 13): no spreadsheet formulas from contact data (OWASP "CSV injection")."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from crm_testing import wait_job

EVIL = '=HYPERLINK("http://evil.example/x","Click")'


def export_book(client, source: dict, lang: str = "de"):
    resp = client.simulate_post("/api/v1/crm/exports", json={"source": source, "language": lang})
    assert resp.status_code == 202, resp.text
    job = wait_job(client, resp.json)
    assert job["state"] == "done", job
    download = client.simulate_get(f"/api/v1/crm/jobs/{job['id']}/file")
    assert download.status_code == 200
    return job, load_workbook(io.BytesIO(download.content))   # not read-only: cells keep their data type


def test_a_contact_named_like_a_formula_is_exported_as_text(api, tenant):
    client = api(tenant.user())
    contact = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "first_name": "+SUM(1;2)", "last_name": EVIL, "organisation": "@cmd|' /C calc'!A0",
        "city": "-2+3", "emails": [{"email": "evil@x.example"}],
        "phones": [{"number": "+49 89 1234-0", "label": "work"}]})
    assert contact.status_code == 201, contact.text
    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Formeln"}).json
    client.simulate_post(f"/api/v1/crm/lists/{lst['id']}/members", json={"contact_ids": [contact.json["id"]]})
    for source in ({"list_id": lst["id"]}, {"contact_ids": [contact.json["id"]]}):
        _job, book = export_book(client, source)
        ws = book.worksheets[0]
        header = [c.value for c in ws[1]]
        row = {h: c for h, c in zip(header, ws[2], strict=False)}
        assert row["Nachname"].data_type == "s" and row["Nachname"].value == "'" + EVIL
        assert row["Vorname"].value == "'+SUM(1;2)" and row["Vorname"].data_type == "s"
        assert row["Organisation"].value == "'@cmd|' /C calc'!A0"
        assert row["Ort"].value == "'-2+3"
        assert row["Telefon"].value == "+49 89 1234-0"    # a phone number (no letters) stays as typed
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
        phone_col = header.index("Telefon")
        assert not any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
                       for r in ws.iter_rows(min_row=2) for i, c in enumerate(r) if i != phone_col)


def _wait_phase(crm_db, account: str, phase: str) -> None:
    from sqlalchemy import text

    from crm_testing import wait_for

    def stored():
        with crm_db.connect() as conn:
            return conn.execute(text("SELECT data ->> 'phase' FROM account_entitlements WHERE account_id = :a"),
                                {"a": account}).scalar() == phase
    wait_for(stored, what=f"crm has phase {phase}")


def test_starting_phase_exports_leave_pressbase_contacts_out(api, tenant, rpc_as, publish, crm_db):
    from svckit.entitlements import Entitlements

    user = tenant.user(lang="en")
    client = api(user)
    publish("billing", "entitlements_changed", Entitlements(account_id=tenant.account, version=1,
                                                            phase="starting").to_payload())
    _wait_phase(crm_db, tenant.account, "starting")
    # a contact of the user's own that the transfer links to its pressbase record (same e-mail address)
    linked = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "first_name": "Linked", "last_name": "Eigener",
        "emails": [{"email": "own@x.example"}]})
    assert linked.status_code == 201
    with rpc_as(user) as rpc:   # pressbase's transfer (docs/contracts.md), as the user
        transferred = rpc.crm.import_pressbase_contacts(tenant.full, [
            {"pressbase_id": "J-1", "first_name": "Anna", "last_name": "Journalistin", "email": "anna@sz.example"},
            {"pressbase_id": "J-2", "first_name": "Linked", "last_name": "Eigener", "email": "own@x.example"}])
    assert [t["created"] for t in transferred] == [True, False]
    assert transferred[1]["contact_id"] == linked.json["id"]
    own = client.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "first_name": "Olga", "last_name": "Eigene", "emails": [{"email": "o@x.example"}]})
    assert own.status_code == 201
    ids = [t["contact_id"] for t in transferred] + [own.json["id"]]
    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Alle"}).json
    client.simulate_post(f"/api/v1/crm/lists/{lst['id']}/members", json={"contact_ids": ids})

    for source in ({"list_id": lst["id"]}, {"contact_ids": ids}):
        job, book = export_book(client, source, lang="en")
        names = [r[3] for r in book["Contacts"].iter_rows(min_row=2, values_only=True)]
        assert names == ["Eigene"], names
        assert job["result"]["rows"] == 1
        assert job["result"]["left_out"]["pressbase"] == 2
        assert "left out" in job["result"]["left_out"]["note"]
        assert "2 contacts from the media database (pressbase) are left out" in book["Note"]["A1"].value

    # with the regular subscription everything is exported again, without a note
    publish("billing", "entitlements_changed", Entitlements(account_id=tenant.account, version=2, phase="regular",
                                                            max_recipients_per_mailing=None).to_payload())
    _wait_phase(crm_db, tenant.account, "regular")
    job, book = export_book(client, {"list_id": lst["id"]}, lang="en")
    assert sorted(r[3] for r in book["Contacts"].iter_rows(min_row=2, values_only=True)) == [
        "Eigene", "Eigener", "Journalistin"]
    assert "left_out" not in job["result"] and book.sheetnames == ["Contacts"]


def test_starting_phase_account_archive_leaves_pressbase_contacts_out(api, tenant, rpc_as, publish, crm_db):
    import json
    import zipfile

    from svckit.entitlements import Entitlements

    publish("billing", "entitlements_changed", Entitlements(account_id=tenant.account, version=1,
                                                            phase="starting").to_payload())
    _wait_phase(crm_db, tenant.account, "starting")
    admin_principal = tenant.admin()
    admin = api(admin_principal)
    with rpc_as(admin_principal) as rpc:
        rpc.crm.import_pressbase_contacts(tenant.full, [
            {"pressbase_id": "J-1", "last_name": "Journalistin", "email": "anna@sz.example"}])
    own = admin.simulate_post("/api/v1/crm/contacts", json={
        "client_id": tenant.full, "last_name": EVIL, "emails": [{"email": "own@x.example"}]})
    assert own.status_code == 201, own.text
    job = admin.simulate_post("/api/v1/crm/account-exports")
    assert job.status_code == 202, job.text
    done = wait_job(admin, job.json, timeout=120)
    assert done["state"] == "done", done
    assert done["result"]["left_out"]["pressbase_contacts"] == 1
    zf = zipfile.ZipFile(io.BytesIO(admin.simulate_get(f"/api/v1/crm/jobs/{done['id']}/file").content))
    assert json.loads(zf.read("manifest.json"))["left_out"]["pressbase_contacts"] == 1
    crm = json.loads(zf.read("crm/data.json"))
    assert [c["last_name"] for c in crm["tables"]["contacts"]] == [EVIL]        # JSON keeps the text as it is
    assert [e["email"] for e in crm["tables"]["contact_emails"]] == ["own@x.example"]
    book = load_workbook(io.BytesIO(zf.read("crm/data.xlsx")))
    cells = [c for r in book["contacts"].iter_rows() for c in r]
    assert any(c.value == "'" + EVIL and c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert not any(c.value == "Journalistin" for c in cells)
