"""The import wizard's security rules (issue 13): a run is bound to its dry run (file, sheet, header row, mapping,
client, list, duplicate strategy); cells with line breaks or control characters in single-line fields are row
errors, never contact data; the recent-imports list refuses bad paging."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from crm_testing import wait_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Presse"
    ws.append(["Vorname", "Nachname", "Firma", "Ort", "E-Mail", "Notizen"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, data: bytes) -> dict:
    resp = client.simulate_post("/api/v1/crm/imports", body=data, params={"filename": "presse.xlsx"},
                                headers={"Content-Type": XLSX})
    assert resp.status_code == 201, resp.text
    return resp.json


def _contacts(crm_db) -> int:
    with crm_db.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM contacts")).scalar()


def _dry_run(client, imp: dict, body: dict) -> dict:
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/dry-run", json=body)
    assert job.status_code == 202, job.text
    done = wait_job(client, job.json)
    assert done["state"] == "done", done
    return done


def test_a_run_is_bound_to_its_dry_run(api, tenant, crm_db):
    client = api(tenant.user(lang="en", **{tenant.full: "full", tenant.hidden: "full"}))
    lst = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Herbst"}).json
    other_list = client.simulate_post("/api/v1/crm/lists", json={"client_id": tenant.full, "name": "Winter"}).json
    imp = _upload(client, _workbook([["Anna", "Müller", "SZ", "München", "anna@sz.example", ""],
                                     ["Max", "Weber", "FAZ", "Frankfurt", "max@faz.example", ""]]))
    run_url = f"/api/v1/crm/imports/{imp['id']}/run"
    settings = {"client_id": tenant.full, "list_id": lst["id"], "strategy": "skip"}

    # no dry run yet: refused
    resp = client.simulate_post(run_url, json=settings, headers={"Accept-Language": "en"})
    assert resp.status_code == 409, resp.text
    assert "dry run" in resp.json["detail"]

    _dry_run(client, imp, settings)
    # the dry run's settings are part of the import (the wizard restores them when it is reopened)
    got = client.simulate_get(f"/api/v1/crm/imports/{imp['id']}").json
    assert got["dry_run"]["client_id"] == tenant.full and got["dry_run"]["list_id"] == lst["id"]
    assert got["dry_run"]["strategy"] == "skip" and got["dry_run"]["mapping"] == imp["mapping"]

    # another client, list or strategy than the dry run: refused, naming what differs; nothing written
    for change, field in ((dict(client_id=tenant.hidden, list_id=None), "client_id"),
                          (dict(list_id=other_list["id"]), "list_id"), (dict(list_id=None), "list_id"),
                          (dict(strategy="update"), "strategy")):
        resp = client.simulate_post(run_url, json={**settings, **change})
        assert resp.status_code == 409, (change, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
        fields = {e["field"] for e in resp.json["errors"]}
        assert field in fields, (change, resp.json)
        assert "Differs from the dry run" in resp.json["detail"]
    # the mapping changed after the dry run: refused too
    changed = dict(imp["mapping"], **{"4": ""})
    assert client.simulate_put(f"/api/v1/crm/imports/{imp['id']}/mapping",
                               json={"mapping": changed}).status_code == 200
    resp = client.simulate_post(run_url, json=settings)
    assert resp.status_code == 409 and {e["field"] for e in resp.json["errors"]} == {"mapping"}, resp.text
    assert _contacts(crm_db) == 0
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM jobs WHERE kind = 'import'")).scalar() == 0

    # back to the dry run's mapping: the same settings work
    assert client.simulate_put(f"/api/v1/crm/imports/{imp['id']}/mapping",
                               json={"mapping": imp["mapping"]}).status_code == 200
    job = client.simulate_post(run_url, json=settings)
    assert job.status_code == 202, job.text
    assert wait_job(client, job.json)["state"] == "done"
    with crm_db.connect() as conn:
        rows = conn.execute(text("SELECT client_id::text FROM contacts")).scalars().all()
    assert rows == [tenant.full, tenant.full]
    assert client.simulate_get(f"/api/v1/crm/lists/{lst['id']}").json["members"] == 2

    # a new dry run with other settings binds the next run to those
    _dry_run(client, imp, {**settings, "strategy": "update"})
    assert client.simulate_post(run_url, json=settings).status_code == 409
    job = client.simulate_post(run_url, json={**settings, "strategy": "update"})
    assert job.status_code == 202, job.text
    assert wait_job(client, job.json)["state"] == "done"
    assert _contacts(crm_db) == 2


BAD_CELLS = [
    ("first_name", 1, "Eve\r\nBcc: victim@example.com"),
    ("last_name", 2, "Mallory\nX-Injected: 1"),
    ("organisation", 3, "Evil\u2028Corp"),
    ("city", 4, "Köln\u2029"),
    ("last_name", 2, "Nel\x85Line"),
]


def test_line_breaks_in_single_line_fields_are_row_errors(api, tenant, crm_db):
    client = api(tenant.user(lang="en"))
    rows = [["Good", "Person", "Zeitung", "Berlin", "good@x.example", "first line\nsecond line"]]
    for i, (_field, col, value) in enumerate(BAD_CELLS):
        row = ["Bad", f"Row{i}", "Zeitung", "Berlin", f"bad{i}@x.example", ""]
        row[col - 1] = value
        rows.append(row)
    imp = _upload(client, _workbook(rows))
    settings = {"client_id": tenant.full}
    _dry_run(client, imp, settings)
    report = client.simulate_get(f"/api/v1/crm/imports/{imp['id']}/report",
                                 params={"run": "dry", "lang": "en"}).json
    by_row = {r["row"]: r for r in report["items"]}
    assert by_row[2]["outcome"] == "created"           # notes may have several lines
    for i, (field, col, _value) in enumerate(BAD_CELLS):
        r = by_row[3 + i]
        assert r["outcome"] == "error", (field, r)
        assert any(f"field {field} (column {col})" in reason for reason in r["reasons"]), (field, r)
    assert report["summary"] == {"created": 1, "error": len(BAD_CELLS)}

    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run", json=settings)
    assert job.status_code == 202, job.text
    assert wait_job(client, job.json)["state"] == "done"
    with crm_db.connect() as conn:
        names = conn.execute(text("SELECT first_name, last_name FROM contacts")).all()
        assert [tuple(n) for n in names] == [("Good", "Person")]
        bad = conn.execute(text(
            "SELECT count(*) FROM contacts WHERE concat_ws(' ', first_name, last_name, organisation, city, notes, "
            "street) ~ '[\\r\\n\\u0085\\u2028\\u2029]' OR notes LIKE '%NUL%'")).scalar()
        assert bad == 0


def test_nul_and_line_separators_in_a_csv_file_are_row_errors(api, tenant, crm_db):
    """xlsx cannot even hold NUL; a CSV file can, after the first 64 KiB the upload check looks at (a blank line of
    spaces gets the NUL rows past it)."""
    client = api(tenant.user(lang="en"))
    data = ("Vorname;Nachname;Ort;Notizen\r\n"
            "Gut;Person;Köln;zwei\u2028Zeilen\r\n"
            + " " * 70_000 + "\r\n"
            "Null;Zeichen\x00;Köln;\r\n"
            "Notiz;Null;Köln;mit\x00NUL\r\n"
            "Zeilen;Trenner;Kö\u2028ln;\r\n"
            "Vertical;Ta\x0bb;Köln;\r\n").encode("utf-8")
    resp = client.simulate_post("/api/v1/crm/imports", body=data, params={"filename": "k.csv"},
                                headers={"Content-Type": "text/csv"})
    assert resp.status_code == 201, resp.text
    imp = resp.json
    _dry_run(client, imp, {"client_id": tenant.full})
    report = client.simulate_get(f"/api/v1/crm/imports/{imp['id']}/report",
                                 params={"run": "dry", "lang": "en"}).json
    by_row = {r["row"]: r for r in report["items"]}
    assert by_row[2]["outcome"] == "created"
    assert by_row[4]["outcome"] == "error" and "Null character (NUL) in the field last_name" in by_row[4]["reasons"][0]
    assert by_row[5]["outcome"] == "error" and "in the field notes" in by_row[5]["reasons"][0]
    assert by_row[6]["outcome"] == "error" and "field city (column 3)" in by_row[6]["reasons"][0]
    assert by_row[7]["outcome"] == "error" and "field last_name (column 2)" in by_row[7]["reasons"][0]
    job = client.simulate_post(f"/api/v1/crm/imports/{imp['id']}/run", json={"client_id": tenant.full})
    assert wait_job(client, job.json)["state"] == "done"
    with crm_db.connect() as conn:
        assert conn.execute(text("SELECT last_name FROM contacts")).scalars().all() == ["Person"]


@pytest.mark.parametrize("params,field", [
    ({"limit": "-1"}, "limit"), ({"limit": "0"}, "limit"), ({"limit": str(2 ** 70)}, "limit"),
    ({"limit": "101"}, "limit"), ({"offset": "-5"}, "offset"), ({"offset": str(2 ** 64)}, "offset"),
    ({"offset": "x"}, "offset"),
])
def test_recent_imports_refuse_bad_paging(api, tenant, params, field):
    client = api(tenant.user(lang="en"))
    resp = client.simulate_get("/api/v1/crm/imports", params=params)
    assert resp.status_code == 422, resp.text
    assert [e["field"] for e in resp.json["errors"]] == [field]


def test_recent_imports_page_with_offset(api, tenant):
    client = api(tenant.user(lang="en"))
    first = _upload(client, _workbook([["A", "B", "C", "D", "a@b.example", ""]]))
    second = _upload(client, _workbook([["A", "B", "C", "D", "a@b.example", ""]]))
    assert [i["id"] for i in client.simulate_get("/api/v1/crm/imports").json] == [second["id"], first["id"]]
    assert [i["id"] for i in client.simulate_get("/api/v1/crm/imports",
                                                 params={"limit": 1, "offset": 1}).json] == [first["id"]]
